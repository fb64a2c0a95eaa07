//! Network drivers written to the NetX driver protocol.
//!
//! - [`ram`]: `_nx_ram_network_driver`, an Ethernet segment in memory that
//!   links every IP instance of the process using it.
//! - [`tap`]: `_nx_tap_network_driver`, an IP instance on a Linux TAP
//!   interface (real Ethernet frames to and from the host). Host only
//!   (`std` feature, or `tap` with `port-baremetal`: Linux's TAP device,
//!   read by a reader thread, or polled by the bare-metal port's rounds).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

pub mod ram;
#[cfg(any(feature = "std", feature = "tap"))]
pub mod tap;

#[cfg(all(feature = "tap", not(any(feature = "std", feature = "port-baremetal"))))]
compile_error!("the `tap` feature without `std` is for `port-baremetal` (a polled TAP); the reader thread needs `std`");
