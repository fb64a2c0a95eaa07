//! `nx_pop3_client`: a memory-safe, source-compatible replacement for the
//! NetX Duo POP3 client, with the NetX networking subset it stands on.
//!
//! Layering (doors point one way; `make check-layers` enforces it):
//!
//! ```text
//! ffi ──▶ client ──▶ pop3            (sans-IO engine: no_std, no alloc, no unsafe)
//!    │          └──▶ netx ──▶ smoltcp, port
//!    └──▶ drivers ──▶ netx
//! ```
//!
//! - [`pop3`]: the protocol engine. Bytes in, commands and message data out.
//! - [`netx`]: packets and pools, IP instances, the driver protocol, TCP sockets.
//! - [`drivers`]: network drivers written to the NetX driver protocol.
//! - [`client`]: the blocking NetX-style POP3 client.
//! - [`ffi`]: the only `extern "C"` code: argument checks and status codes.
//! - [`port`]: threads, locks, timed waits and the tick clock.
//!
//! Build configurations (cargo features, README "Build configurations"): the
//! host build (default `std`: std port, TAP driver) and the embedded builds
//! (`--no-default-features --features port-threadx` or `port-baremetal`):
//! `no_std`, no `alloc`, panic = "abort".

// Embedded builds have no `std` (and no `alloc`). Unit tests always link
// `std` (the test harness needs it), whatever the port.
#![cfg_attr(not(any(feature = "std", test)), no_std)]
// Every unsafe operation sits in its own `unsafe` block with a `SAFETY:` line.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

pub mod port;
pub mod pop3;
pub mod netx;
pub mod drivers;
pub mod client;
pub mod ffi;
