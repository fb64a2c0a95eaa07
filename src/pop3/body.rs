//! Multi-line data (RFC 1939 section 3): dot-unstuffing and the
//! end-of-message line, decoded as a stream.
//!
//! Rules, applied identically whatever the chunking of the input:
//!
//! * A line starts at the beginning of the data and after every CR LF, as
//!   RFC 1939 says. A bare LF does not start a line: a dot after it is data,
//!   and `LF . CR LF` does not end the message (a server stuffs and ends
//!   lines by CR LF, so treating a bare LF as a line end would drop message
//!   bytes or end the message early). Every CR and LF of the message is data
//!   and is delivered.
//! * At line start, `.` CR LF is the terminator: consumed, not delivered,
//!   [`Decoded::end`] is set, and decoding stops right after its LF. The
//!   message's own final CR LF (the one before the terminator line) is
//!   delivered.
//! * At line start, `.` followed by any other byte: the dot is removed
//!   (`..x` gives `.x`, `.x` gives `x`).
//! * At line start, `.` CR followed by a byte other than LF: the dot is
//!   removed like any stuffing dot and the CR is data (`.` CR `x` gives
//!   CR `x`); decoding goes on with the byte as ordinary line data.
//! * In place, the output never passes the input. The one case where it
//!   would: an input that starts right after `.` CR (both consumed by an
//!   earlier call) with a byte other than LF, where the CR must come out
//!   before anything else. [`BodyDecoder::decode_in_place`] then consumes
//!   nothing; [`BodyDecoder::cr_pending`] says so, and the caller delivers
//!   the CR itself and calls [`BodyDecoder::cr_delivered`].
//! * Everything else, NUL and 8-bit bytes included, is delivered unchanged.

/// Where the decoder is relative to line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// `repr(u8)`, first variant the initial one: all-zero bytes are that
/// variant (a created client's state starts zeroed, `client::ClientState`).
#[repr(u8)]
enum State {
    /// At the first byte of a line.
    LineStart,
    /// A `.` was consumed at line start.
    Dot,
    /// `.` CR was consumed at line start.
    DotCr,
    /// Inside a line.
    Mid,
    /// The terminator has been consumed.
    End,
}

/// Multi-line data decoder: undoes dot-stuffing and finds the terminator
/// line (see the [module documentation](self) for the exact rules). One byte
/// of state; `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyDecoder {
    state: State,
    /// The last byte consumed was CR (so an LF at the start of the next
    /// input completes a CR LF).
    cr: bool,
}

/// Result of one decoding step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Input bytes consumed.
    pub consumed: usize,
    /// Output bytes written.
    pub produced: usize,
    /// The terminator line was consumed; nothing after it was.
    pub end: bool,
}

impl Default for BodyDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// Source and destination of the decoder: two slices, or one in place.
trait Io {
    /// The input bytes.
    fn input(&self) -> &[u8];
    /// Room for output.
    fn capacity(&self) -> usize;
    /// Writes `input[from..from + len]` to the output at `at`.
    fn run(&mut self, from: usize, len: usize, at: usize);
    /// Writes a CR at output `at`, the input being at `from`; false if
    /// there is no room (in place: the output would pass the input).
    fn put_cr(&mut self, at: usize, from: usize) -> bool;
}

struct Split<'i, 'o> {
    input: &'i [u8],
    output: &'o mut [u8],
}

impl Io for Split<'_, '_> {
    fn input(&self) -> &[u8] {
        self.input
    }
    fn capacity(&self) -> usize {
        self.output.len()
    }
    #[inline]
    fn run(&mut self, from: usize, len: usize, at: usize) {
        let src = self.input.get(from..from.saturating_add(len));
        let dst = self.output.get_mut(at..at.saturating_add(len));
        if let (Some(src), Some(dst)) = (src, dst) {
            dst.copy_from_slice(src);
        }
    }
    fn put_cr(&mut self, at: usize, _from: usize) -> bool {
        self.output.get_mut(at).map(|b| *b = b'\r').is_some()
    }
}

#[cfg(any(test, target_pointer_width = "64"))]
struct InPlace<'b> {
    buf: &'b mut [u8],
}

#[cfg(any(test, target_pointer_width = "64"))]
impl Io for InPlace<'_> {
    fn input(&self) -> &[u8] {
        self.buf
    }
    fn capacity(&self) -> usize {
        self.buf.len()
    }
    #[inline]
    fn run(&mut self, from: usize, len: usize, at: usize) {
        // `at < from` (output never overtakes input), so both ranges fit.
        if at < from && from.saturating_add(len) <= self.buf.len() {
            self.buf.copy_within(from..from.saturating_add(len), at);
        }
    }
    fn put_cr(&mut self, at: usize, from: usize) -> bool {
        at < from && self.buf.get_mut(at).map(|b| *b = b'\r').is_some()
    }
}

#[cfg(target_pointer_width = "64")]
const ONES: u64 = 0x0101_0101_0101_0101;
#[cfg(target_pointer_width = "64")]
const HIGH: u64 = 0x8080_8080_8080_8080;
#[cfg(target_pointer_width = "64")]
const LFS: u64 = ONES.wrapping_mul(b'\n' as u64);
#[cfg(target_pointer_width = "64")]
const DOTS: u64 = ONES.wrapping_mul(b'.' as u64);

/// Lanes (as 0x80 bits) `k` where `here[k]` is LF and `next[k]` is `.`;
/// `next` is `here` shifted by one byte. A lane is zero in
/// `(here ^ LFS) | (next ^ DOTS)` exactly when both match. The classic
/// borrow test may also flag lanes *above* a true match, never below one, so
/// the lowest flagged lane is exact and "no lane" is exact.
#[cfg(target_pointer_width = "64")]
#[inline(always)]
fn lf_dot_lanes(here: &[u8; 8], next: &[u8; 8]) -> u64 {
    let z = (u64::from_le_bytes(*here) ^ LFS) | (u64::from_le_bytes(*next) ^ DOTS);
    z.wrapping_sub(ONES) & !z & HIGH
}

/// Byte offset of the lowest flagged lane (little-endian lane order).
#[cfg(target_pointer_width = "64")]
#[inline(always)]
fn lane(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// Position of the first LF in `window` followed, inside `window`, by `.`.
/// Scans 16 bytes per step (SWAR on `u64`s): 64-bit targets, where it is
/// the engine's speed (`make bench`'s engine_mb_s).
#[cfg(target_pointer_width = "64")]
#[inline]
fn find_lf_dot(window: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    while let Some(block) = window.get(pos..pos.wrapping_add(17)) {
        let (Some(a), Some(b), Some(c), Some(d)) = (
            block.first_chunk::<8>(),
            block.get(1..).and_then(<[u8]>::first_chunk::<8>),
            block.get(8..).and_then(<[u8]>::first_chunk::<8>),
            block.get(9..).and_then(<[u8]>::first_chunk::<8>),
        ) else {
            break;
        };
        let low = lf_dot_lanes(a, b);
        let high = lf_dot_lanes(c, d);
        if low | high != 0 {
            let at = if low != 0 { lane(low) } else { lane(high) | 8 };
            return Some(pos.wrapping_add(at));
        }
        pos = pos.wrapping_add(16);
    }
    let tail = window.get(pos..)?;
    tail.windows(2)
        .position(|pair| pair == b"\n.")
        .map(|at| pos.wrapping_add(at))
}

/// [`find_lf_dot`] on 32-bit targets (Cortex-M): a byte loop, about 600 B
/// less code than the `u64` SWAR scan, which a 32-bit core runs as pairs of
/// 32-bit operations anyway. Compiled everywhere so the host tests check it
/// against the SWAR scan.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[cfg_attr(not(target_pointer_width = "64"), inline)]
fn find_lf_dot_bytes(window: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    while let Some(&byte) = window.get(at) {
        let next = at.wrapping_add(1);
        if byte == b'\n' && window.get(next) == Some(&b'.') {
            return Some(at);
        }
        at = next;
    }
    None
}

#[cfg(not(target_pointer_width = "64"))]
use find_lf_dot_bytes as find_lf_dot;

impl BodyDecoder {
    /// A decoder at the start of the data (which is the start of a line).
    pub const fn new() -> Self {
        Self { state: State::LineStart, cr: false }
    }

    /// Back to the start of a new message.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// `true` once the terminator line has been consumed.
    pub fn is_end(&self) -> bool {
        self.state == State::End
    }

    /// `true` when the next input byte is `next` and the decoder must first
    /// deliver a CR that [`decode_in_place`](Self::decode_in_place) has no
    /// room for (after `.` CR ended the previous input). The caller delivers
    /// one CR byte itself, then calls [`cr_delivered`](Self::cr_delivered).
    pub fn cr_pending(&self, next: u8) -> bool {
        self.state == State::DotCr && next != b'\n'
    }

    /// The CR announced by [`cr_pending`](Self::cr_pending) was delivered by
    /// the caller; the next byte is ordinary line data.
    pub fn cr_delivered(&mut self) {
        if self.state == State::DotCr {
            self.state = State::Mid;
            self.cr = true;
        }
    }

    /// Decodes from `input` into `output`. Stops when the input is used up,
    /// when the output is full and the next input byte would produce output,
    /// or right after the terminator. Once the terminator has been consumed,
    /// further calls consume and produce nothing and report `end` until
    /// [`reset`](Self::reset).
    ///
    /// The decoder's state depends only on the bytes it consumed and
    /// produced: bytes not consumed (`input[consumed..]`) must be passed
    /// again, first, in the next call. Before the end, a call with non-empty
    /// `input` and non-empty `output` always makes progress: it consumes
    /// something, or it delivers the CR owed after a `.` CR that ended the
    /// previous input (the only byte that can come out without a byte going
    /// in, so one byte more than the input is always enough room).
    pub fn decode(&mut self, input: &[u8], output: &mut [u8]) -> Decoded {
        self.step(&mut Split { input, output })
    }

    /// Same as [`decode`](Self::decode), in place: the decoded bytes are
    /// written to `buf[..produced]` (never more than were consumed), and the
    /// bytes after the terminator stay untouched at `buf[consumed..]`.
    pub fn decode_in_place(&mut self, buf: &mut [u8]) -> Decoded {
        #[cfg(target_pointer_width = "64")]
        return self.step(&mut InPlace { buf });
        #[cfg(not(target_pointer_width = "64"))]
        return self.in_place_bytes(buf);
    }

    /// [`decode_in_place`](Self::decode_in_place) on 32-bit targets
    /// (Cortex-M): the same rules as one byte-at-a-time state machine, about
    /// a third of the code of the run-copying [`step`](Self::step) with its
    /// SWAR scan, which is the host engine's speed. Compiled on the host too:
    /// a test checks it against `step` over many inputs and splits.
    #[cfg(any(test, not(target_pointer_width = "64")))]
    fn in_place_bytes(&mut self, buf: &mut [u8]) -> Decoded {
        let mut state = self.state;
        // The last byte consumed was CR.
        let mut cr = self.cr;
        let (mut i, mut o) = (0usize, 0usize); // consumed, produced (o <= i)
        while let Some(&byte) = buf.get(i) {
            match (state, byte) {
                (State::End, _) => break,
                (State::LineStart, b'.') => state = State::Dot,
                (State::Dot, b'\r') => state = State::DotCr,
                (State::DotCr, b'\n') => {
                    state = State::End;
                    cr = false;
                    i = i.wrapping_add(1);
                    break;
                }
                _ => {
                    if state == State::DotCr {
                        // `.` CR then not LF: the CR is data and comes out
                        // first, where there is room before the input.
                        if o >= i {
                            break;
                        }
                        if let Some(slot) = buf.get_mut(o) {
                            *slot = b'\r';
                        }
                        o = o.wrapping_add(1);
                    }
                    // Line data (after `.` at line start, the dot is dropped).
                    if let Some(slot) = buf.get_mut(o) {
                        *slot = byte;
                    }
                    o = o.wrapping_add(1);
                    state = if byte == b'\n' && cr { State::LineStart } else { State::Mid };
                }
            }
            cr = byte == b'\r';
            i = i.wrapping_add(1);
        }
        self.state = state;
        self.cr = cr;
        Decoded { consumed: i, produced: o, end: state == State::End }
    }

    fn step<T: Io>(&mut self, io: &mut T) -> Decoded {
        let in_len = io.input().len();
        let cap = io.capacity();
        let mut i = 0usize; // consumed
        let mut o = 0usize; // produced
        let mut state = self.state;
        let carried_cr = self.cr;
        // Was the byte before input[at] a CR? Bytes before `i` still hold
        // their input values in place too: output never passes `i`, and
        // where it reaches it nothing was dropped, so it equals the input.
        let cr_before = |io: &T, at: usize| match at.checked_sub(1) {
            Some(prev) => io.input().get(prev) == Some(&b'\r'),
            None => carried_cr,
        };
        // The state to fall back to if the loop stops right after deciding,
        // from a byte it did not consume, that this byte is line data: the
        // saved state must depend on consumed bytes only.
        let mut peeked: Option<State> = None;
        'outer: loop {
            if state != State::Mid {
                // Line start and what follows a dot there: one byte at a time.
                let Some(&byte) = io.input().get(i) else { break };
                state = match (state, byte) {
                    (State::End, _) => break,
                    (State::LineStart, b'.') => State::Dot,
                    (State::Dot, b'\r') => State::DotCr,
                    (State::DotCr, b'\n') => State::End,
                    (State::DotCr, _) => {
                        // `.` CR then not LF: the dot was stuffing, the CR is
                        // data and comes out first; the byte is line data.
                        if !io.put_cr(o, i) {
                            break;
                        }
                        o = o.saturating_add(1);
                        state = State::Mid;
                        continue;
                    }
                    _ => {
                        // Ordinary line data, left for the run below. After
                        // `.` the dot is dropped.
                        peeked = Some(state);
                        state = State::Mid;
                        continue;
                    }
                };
                i = i.saturating_add(1);
                continue;
            }
            // Inside a line: copy runs of data up to the next LF that is
            // followed by a dot, and drop that dot.
            loop {
                let room = cap.saturating_sub(o).min(in_len.saturating_sub(i));
                let window = io.input().get(i..i.saturating_add(room)).unwrap_or(&[]);
                if window.is_empty() {
                    if let Some(before) = peeked {
                        state = before;
                    }
                    break 'outer;
                }
                peeked = None;
                let Some(lf) = find_lf_dot(window) else {
                    let ends_line = window.last() == Some(&b'\n') && cr_before(io, i.saturating_add(room).saturating_sub(1));
                    io.run(i, room, o);
                    i = i.saturating_add(room);
                    o = o.saturating_add(room);
                    if ends_line {
                        state = State::LineStart;
                    }
                    continue 'outer;
                };
                if !cr_before(io, i.saturating_add(lf)) {
                    // A bare LF: the dot after it is data. Deliver both.
                    let len = lf.saturating_add(2);
                    io.run(i, len, o);
                    i = i.saturating_add(len);
                    o = o.saturating_add(len);
                    continue;
                }
                // Deliver up to and including the LF; consume the dot too
                // (it is inside the window).
                let len = lf.saturating_add(1);
                io.run(i, len, o);
                i = i.saturating_add(len).saturating_add(1);
                o = o.saturating_add(len);
                match io.input().get(i) {
                    Some(b'\r') => {
                        i = i.saturating_add(1);
                        state = State::DotCr;
                        continue 'outer;
                    }
                    // A stuffed line: inside it, but the byte is not consumed.
                    Some(_) => peeked = Some(State::Dot),
                    None => {
                        state = State::Dot;
                        break 'outer;
                    }
                }
            }
        }
        self.state = state;
        self.cr = cr_before(io, i);
        Decoded {
            consumed: i,
            produced: o,
            end: state == State::End,
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::unwrap_used)]
mod scan_tests {
    use super::{find_lf_dot, find_lf_dot_bytes, BodyDecoder, InPlace};

    /// The 32-bit targets' byte-at-a-time in-place decoder gives what the
    /// run-copying one gives: same output, consumption, end and state after
    /// every chunk, whatever the chunking (random inputs rich in CR, LF and
    /// dots, random splits, decoding from the unconsumed rest as callers do).
    #[test]
    fn in_place_bytes_matches_step() {
        let mut seed = 0x9e37_79b9_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| match next() % 6 {
                    0 => b'\r',
                    1 => b'\n',
                    2 | 3 => b'.',
                    4 => b'a',
                    _ => (next() >> 8) as u8,
                })
                .collect();
            let (mut a, mut b) = (BodyDecoder::new(), BodyDecoder::new());
            let mut at = 0usize;
            let mut rounds = 0;
            while at < data.len() && rounds < 100 {
                rounds += 1;
                let chunk = 1 + (next() as usize % (data.len() - at));
                let (mut x, mut y) = (data[at..at + chunk].to_vec(), data[at..at + chunk].to_vec());
                let dx = a.step(&mut InPlace { buf: &mut x });
                let dy = b.in_place_bytes(&mut y);
                assert_eq!(dx, dy, "{data:?} at {at}+{chunk}");
                assert_eq!(a, b, "{data:?} at {at}+{chunk}");
                assert_eq!(x[..dx.produced], y[..dy.produced]);
                assert_eq!(x[dx.consumed..], y[dy.consumed..]);
                if dx.end {
                    break;
                }
                if dx.consumed == 0 {
                    // The CR owed after `.` CR: delivered by the caller.
                    assert!(a.cr_pending(data[at]));
                    a.cr_delivered();
                    b.cr_delivered();
                    continue;
                }
                at += dx.consumed;
            }
        }
    }

    /// The 32-bit targets' byte loop finds what the SWAR scan finds, at
    /// every length and position (lanes, block edges, the tail).
    #[test]
    fn byte_loop_matches_swar_scan() {
        let mut seed = 0x2545_f491_u32;
        for len in 0..80usize {
            for round in 0..200 {
                let mut window = vec![0u8; len];
                for b in window.iter_mut() {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    // Mostly LF and dot, so that pairs and near-misses abound.
                    *b = match seed % 5 {
                        0 | 1 => b'\n',
                        2 | 3 => b'.',
                        _ => (seed >> 8) as u8,
                    };
                }
                if round == 0 {
                    window.fill(b'x');
                }
                assert_eq!(find_lf_dot(&window), find_lf_dot_bytes(&window), "{window:?}");
            }
        }
    }
}
