//! The C boundary: every `extern "C"` export, argument checks, status codes.
//!
//! Each export's body runs inside [`ffi_status!`] (a panic becomes
//! `NX_NOT_SUCCESSFUL`, never an unwind into C) and checks pointers with
//! [`check_ptr!`]. `_nxe_` functions check arguments and object ids, then call
//! the `_nx_` function, which trusts them. No protocol or stack logic lives
//! here.
//!
//! Unsafety is visible: every `unsafe` block carries one `// SAFETY:` line,
//! and each C pointer becomes a reference (or stays a checked raw pointer to
//! an object other threads share) once, at the boundary.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

/// Runs an export's body; a panic inside becomes `NX_NOT_SUCCESSFUL`.
macro_rules! ffi_status {
    ($body:block) => {
        match $crate::port::catch_panic(move || -> $crate::netx::types::UINT { $body }) {
            Some(status) => status,
            None => $crate::netx::types::NX_NOT_SUCCESSFUL,
        }
    };
}

/// Runs the body of an export that returns nothing; a panic is swallowed.
macro_rules! ffi_void {
    ($body:block) => {
        let _ = $crate::port::catch_panic(move || $body);
    };
}

/// Returns `NX_PTR_ERROR` from the enclosing export if any pointer is NULL.
macro_rules! check_ptr {
    ($($p:expr),+ $(,)?) => {
        $( if $p.is_null() { return $crate::netx::types::NX_PTR_ERROR; } )+
    };
}

#[allow(unused_imports)]
pub(crate) use {check_ptr, ffi_status, ffi_void};

pub mod netx;
pub mod netx_compat;
pub mod netx_ipv6;
pub mod pop3;
/// The TAP driver's exports (host builds only: Linux TAP; `std`, or `tap`
/// with `port-baremetal`).
#[cfg(any(feature = "std", feature = "tap"))]
pub mod tap;
