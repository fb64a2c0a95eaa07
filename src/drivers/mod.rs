//! Network drivers written to the NetX driver protocol.
//!
//! - [`ram`]: `_nx_ram_network_driver`, an Ethernet segment in memory that
//!   links every IP instance of the process using it.

pub mod ram;
