//! Harnesses behind the fuzz targets in `fuzz_targets/`. Each `pub fn` takes
//! the raw fuzzer input and panics (aborts under libFuzzer) on any violated
//! invariant. Kept in a library so a target is a one-liner.

pub mod api;
pub mod engine;
pub mod frames;
pub mod net;
pub mod parse_response;
pub mod pool;
pub mod session;
pub mod split;
pub mod walks;

/// Reads parameters from the front of the fuzzer input; yields zeros once
/// the input is exhausted, so every input is valid.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | (u16::from(self.u8()) << 8)
    }
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | (u32::from(self.u16()) << 16)
    }
    /// Up to `n` bytes (fewer at the end of the input).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a
    }
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Chunk sizes cycled from a small table taken from the input; a 0 in the
/// table means "the rest".
pub struct Cuts {
    table: Vec<usize>,
    at: usize,
}

impl Cuts {
    pub fn new(table: &[u8]) -> Self {
        Self { table: table.iter().map(|&b| usize::from(b)).collect(), at: 0 }
    }
    pub fn next(&mut self, left: usize) -> usize {
        if self.table.is_empty() {
            return left;
        }
        let n = self.table[self.at % self.table.len()];
        self.at += 1;
        if n == 0 {
            left
        } else {
            n.min(left)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    /// Every seed passes, and the pool harness reaches every operation
    /// (deterministic pseudo-random inputs).
    #[test]
    fn seeds_pass_and_pool_reaches_every_operation() {
        for t in ["engine", "split", "parse_response", "pool", "walks", "api", "frames", "session"] {
            let dir = format!("{}/seeds/{t}", env!("CARGO_MANIFEST_DIR"));
            for e in std::fs::read_dir(dir).unwrap() {
                let data = std::fs::read(e.unwrap().path()).unwrap();
                match t {
                    "engine" => crate::engine::run(&data),
                    "split" => crate::split::run(&data),
                    "parse_response" => crate::parse_response::run(&data),
                    "walks" => crate::walks::run(&data),
                    "api" => crate::api::run(&data),
                    "frames" => crate::frames::run(&data),
                    "session" => crate::session::run(&data),
                    _ => crate::pool::run(&data),
                }
            }
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300 {
            let data: Vec<u8> = (0..600)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            crate::pool::run(&data);
            crate::engine::run(&data);
            crate::split::run(&data);
            crate::parse_response::run(&data);
            crate::walks::run(&data);
        }
        for _ in 0..30 {
            let data: Vec<u8> = (0..300)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            crate::api::run(&data);
            crate::frames::run(&data);
            crate::session::run(&data);
        }
        let api: Vec<usize> = crate::api::HITS.iter().map(|h| h.load(Ordering::Relaxed)).collect();
        eprintln!("api successes per operation: {api:?}");
        // The seed connects, sends and receives across the two instances.
        for op in [0, 2, 4, 5, 6, 10, 11] {
            assert!(api[op] > 0, "api op {op} never succeeded: {api:?}");
        }
        // The seeds without frames download every message; frames also
        // reach a logged-in session.
        assert!(crate::session::CLEAN.load(Ordering::Relaxed) > 0, "session: never clean");
        assert!(crate::session::LOGGED_IN.load(Ordering::Relaxed) > crate::session::CLEAN.load(Ordering::Relaxed));
        assert!(crate::frames::CONNECTED.load(Ordering::Relaxed) > 0, "frames: never connected");
        let hits: Vec<usize> = crate::pool::HITS.iter().map(|h| h.load(Ordering::Relaxed)).collect();
        eprintln!("pool hits (alloc, append, chained append, copy, extract, release, second release, retrieve): {hits:?}");
        assert!(hits.iter().all(|&n| n > 0), "{hits:?}");
    }
}
