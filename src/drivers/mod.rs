//! Network drivers written to the NetX driver protocol.
//!
//! - [`ram`]: `_nx_ram_network_driver`, an Ethernet segment in memory that
//!   links every IP instance of the process using it.
//! - [`tap`]: `_nx_tap_network_driver`, an IP instance on a Linux TAP
//!   interface (real Ethernet frames to and from the host). Host only
//!   (`std` feature): it needs Linux's TAP device and a reader thread.

pub mod ram;
#[cfg(feature = "std")]
pub mod tap;
