//! Measures the flash cost of APOP's MD5 on Cortex-M4: `bench/md5size/build.sh`.
//! Three variants of one C-callable function (`md5size_apop`): the project's
//! own MD5 (`src/pop3/apop.rs`, feature `compact`), the `md-5` crate (default),
//! and no MD5 at all (feature `none`, the baseline: same hex and glue).
#![cfg_attr(target_os = "none", no_std)]

#[cfg(feature = "compact")]
#[path = "../../../src/pop3/apop.rs"]
#[allow(dead_code)]
pub mod apop;

const HEX: &[u8; 16] = b"0123456789abcdef";

#[allow(dead_code)]
fn hex(d: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (pair, &b) in out.chunks_exact_mut(2).zip(d) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 15)];
    }
    out
}

/// What the client calls: the APOP digest of timestamp + password.
#[cfg(all(feature = "compact", not(feature = "none")))]
pub fn apop_digest(ts: &[u8], pw: &[u8]) -> [u8; 32] {
    apop::apop_digest(ts, pw)
}

#[cfg(feature = "none")]
pub fn apop_digest(ts: &[u8], pw: &[u8]) -> [u8; 32] {
    let mut d = [0u8; 16];
    for (i, b) in ts.iter().chain(pw).enumerate() {
        d[i % 16] ^= *b;
    }
    hex(&d)
}

#[cfg(not(any(feature = "compact", feature = "none")))]
pub fn apop_digest(ts: &[u8], pw: &[u8]) -> [u8; 32] {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    h.update(ts);
    h.update(pw);
    let d: [u8; 16] = h.finalize().into();
    hex(&d)
}

/// C entry point so LTO keeps the code.
///
/// # Safety
/// `ts`, `pw` valid for their lengths, `out` for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn md5size_apop(ts: *const u8, ts_len: usize, pw: *const u8, pw_len: usize, out: *mut u8) {
    // SAFETY: the caller's contract above.
    let (ts, pw, out) = unsafe {
        (core::slice::from_raw_parts(ts, ts_len), core::slice::from_raw_parts(pw, pw_len), core::slice::from_raw_parts_mut(out, 32))
    };
    out.copy_from_slice(&apop_digest(ts, pw));
}

#[cfg(all(not(test), target_os = "none"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
