//! APOP digests (RFC 1939 section 7) and the small conversions NetX exports
//! (`_nx_pop3_hex_ascii_convert`, `_nx_pop3_server_number_convert`).

use md5::{Digest, Md5};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex MD5 of `data`.
pub fn md5_hex(data: &[u8]) -> [u8; 32] {
    let mut hasher = Md5::new();
    hasher.update(data);
    finish(hasher)
}

/// APOP digest: lowercase hex MD5 of `timestamp` followed by `password`.
/// `timestamp` is the greeting's `<...>`, brackets included.
pub fn apop_digest(timestamp: &[u8], password: &[u8]) -> [u8; 32] {
    let mut hasher = Md5::new();
    hasher.update(timestamp);
    hasher.update(password);
    finish(hasher)
}

fn finish(hasher: Md5) -> [u8; 32] {
    let digest = hasher.finalize();
    let mut hex = [0u8; 32];
    hex_ascii(&digest, &mut hex);
    hex
}

/// Lowercase hex of `source` into `destination`, two bytes per source byte,
/// as many whole pairs as fit; returns the number of bytes written (even).
/// No NUL is appended.
pub fn hex_ascii(source: &[u8], destination: &mut [u8]) -> usize {
    let mut written = 0usize;
    for (&byte, pair) in source.iter().zip(destination.chunks_exact_mut(2)) {
        if let [high, low] = pair {
            *high = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
            *low = HEX.get(usize::from(byte & 0x0f)).copied().unwrap_or(b'0');
            written = written.saturating_add(2);
        }
    }
    written
}

/// Decimal digits of `n` into `out` (no sign, no leading zeros, no NUL);
/// returns the digit count, or 0 (nothing written) if `out` is too small.
pub fn decimal(n: u32, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 10];
    let mut count = 0usize;
    let mut rest = n;
    for slot in digits.iter_mut().rev() {
        // `rest % 10` < 10, so the cast and the add cannot overflow.
        *slot = b'0'.wrapping_add((rest % 10) as u8);
        rest /= 10;
        count = count.saturating_add(1);
        if rest == 0 {
            break;
        }
    }
    let start = digits.len().saturating_sub(count);
    match (out.get_mut(..count), digits.get(start..)) {
        (Some(dst), Some(src)) => {
            dst.copy_from_slice(src);
            count
        }
        _ => 0,
    }
}
