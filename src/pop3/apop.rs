//! APOP digests (RFC 1939 section 7), the MD5 behind them (RFC 1321), and the
//! small conversions NetX exports (`_nx_pop3_hex_ascii_convert`,
//! `_nx_pop3_server_number_convert`).
//!
//! MD5 is written here as one loop over the 64 steps instead of using the
//! `md-5` crate, whose unrolled compression function and generic buffering
//! cost about 3.5 KB more `.text` on Cortex-M4 (figures in BENCHMARKS.md,
//! "MD5: md-5 or our own"). APOP computes one digest per login, so the lower
//! speed of the loop (about 250 MB/s instead of 360 on the host) is of no
//! consequence.

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

/// Per-step additive constants: floor(abs(sin(i + 1)) * 2^32), RFC 1321 3.4.
const K: [u32; 64] = [
    0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
    0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
    0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
    0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
    0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
    0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
    0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
    0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
];

/// Rotation amounts, four per round (RFC 1321 3.4).
const R: [u8; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// Streaming MD5 (RFC 1321): 88 bytes of state, no heap.
#[derive(Clone, Copy)]
pub struct Md5 {
    state: [u32; 4],
    block: [u8; 64],
    /// Bytes hashed so far (the length appended at the end, mod 2^64 bits).
    len: u64,
}

impl Md5 {
    /// The initial state (RFC 1321 3.3).
    pub const fn new() -> Self {
        Self { state: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476], block: [0; 64], len: 0 }
    }

    /// Adds `data` to the message.
    pub fn update(&mut self, data: &[u8]) {
        for &byte in data {
            // `len % 64` < 64: the index is in bounds.
            let at = (self.len % 64) as usize;
            if let Some(slot) = self.block.get_mut(at) {
                *slot = byte;
            }
            self.len = self.len.wrapping_add(1);
            if at == 63 {
                compress(&mut self.state, &self.block);
            }
        }
    }

    /// Pads (RFC 1321 3.1, 3.2) and returns the 16-byte digest.
    pub fn finalize(mut self) -> [u8; 16] {
        let bits = self.len.wrapping_mul(8);
        self.update(&[0x80]);
        while self.len % 64 != 56 {
            self.update(&[0]);
        }
        self.update(&bits.to_le_bytes());
        let mut out = [0u8; 16];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }
}

impl Default for Md5 {
    fn default() -> Self {
        Self::new()
    }
}

/// The MD5 compression function over one 64-byte block, as a loop over the
/// 64 steps (RFC 1321 3.4) rather than unrolled: small code, and speed does
/// not matter for one APOP digest per login.
fn compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (word, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_le_bytes([
            bytes.first().copied().unwrap_or(0),
            bytes.get(1).copied().unwrap_or(0),
            bytes.get(2).copied().unwrap_or(0),
            bytes.get(3).copied().unwrap_or(0),
        ]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    for (i, &k) in K.iter().enumerate() {
        let round = i / 16;
        let (f, g) = match round {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), i.wrapping_mul(5).wrapping_add(1)),
            2 => (b ^ c ^ d, i.wrapping_mul(3).wrapping_add(5)),
            _ => (c ^ (b | !d), i.wrapping_mul(7)),
        };
        let shift = u32::from(R.get(round.wrapping_mul(4) | (i % 4)).copied().unwrap_or(0));
        let word = m.get(g % 16).copied().unwrap_or(0);
        let sum = a.wrapping_add(f).wrapping_add(k).wrapping_add(word);
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(sum.rotate_left(shift));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d]) {
        *s = s.wrapping_add(v);
    }
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
