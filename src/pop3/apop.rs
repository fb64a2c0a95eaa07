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
                Self::compress(&mut self.state, &self.block);
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
        // Index loop, not a `chunks_exact_mut().zip()`: no iterator adaptor
        // instances on the embedded targets.
        let mut out = [0u8; 16];
        for (i, word) in self.state.iter().enumerate() {
            let at = i.wrapping_mul(4);
            if let Some(chunk) = out.get_mut(at..at.wrapping_add(4)) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
        }
        out
    }
}

impl Default for Md5 {
    fn default() -> Self {
        Self::new()
    }
}

impl Md5 {
    /// The MD5 compression function over one 64-byte block, as a loop over the
    /// 64 steps (RFC 1321 3.4) rather than unrolled: small code, and speed does
    /// not matter for one APOP digest per login.
    /// Out of line: `update` and `finalize` share one copy.
    #[inline(never)]
    fn compress(state: &mut [u32; 4], block: &[u8; 64]) {
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
            // Message word `g % 16`, read from the block in place (no word array
            // and no `chunks_exact` loop to fill it: smaller code).
            let at = (g % 16).wrapping_mul(4);
            let word = match block.get(at..at.wrapping_add(4)) {
                Some(&[b0, b1, b2, b3]) => u32::from_le_bytes([b0, b1, b2, b3]),
                _ => 0,
            };
            let sum = a.wrapping_add(f).wrapping_add(k).wrapping_add(word);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(sum.rotate_left(shift));
        }
        state[0] = state[0].wrapping_add(a);
        state[1] = state[1].wrapping_add(b);
        state[2] = state[2].wrapping_add(c);
        state[3] = state[3].wrapping_add(d);
    }
}

/// Lowercase hex of `source` into `destination`, two bytes per source byte,
/// as many whole pairs as fit; returns the number of bytes written (even).
/// No NUL is appended.
pub fn hex_ascii(source: &[u8], destination: &mut [u8]) -> usize {
    let pairs = source.len().min(destination.len() / 2);
    for (i, &byte) in source.iter().take(pairs).enumerate() {
        let at = i.wrapping_mul(2);
        if let Some([high, low]) = destination.get_mut(at..at.wrapping_add(2)) {
            *high = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
            *low = HEX.get(usize::from(byte & 0x0f)).copied().unwrap_or(b'0');
        }
    }
    pairs.wrapping_mul(2)
}

/// Decimal digits of `n` into `out` (no sign, no leading zeros, no NUL);
/// returns the digit count, or 0 (nothing written) if `out` is too small.
#[inline(never)]
pub fn decimal(n: u32, out: &mut [u8]) -> usize {
    // Digit count first, then the digits written from the last one back.
    let mut count = 1usize;
    let mut rest = n / 10;
    while rest != 0 {
        count = count.wrapping_add(1);
        rest /= 10;
    }
    let Some(dst) = out.get_mut(..count) else {
        return 0;
    };
    let mut rest = n;
    for slot in dst.iter_mut().rev() {
        // `rest % 10` < 10, so the cast and the add cannot overflow.
        *slot = b'0'.wrapping_add((rest % 10) as u8);
        rest /= 10;
    }
    count
}
