//! The NetX object model: packets and pools in caller memory, IP instances
//! over smoltcp reached only through the NetX driver protocol, TCP sockets,
//! ticks and waits. Unchecked (`_nx_`) semantics live here; argument checks
//! and `extern "C"` live in `ffi`.

pub mod types;
