//! Host speed of both MD5s: `cargo run --release --features compact --example speed`.
use std::time::Instant;
fn main() {
    let data = vec![0x5au8; 16 << 20];
    for _ in 0..3 {
        let t = Instant::now();
        let mut h = md5size::apop::Md5::new();
        h.update(&data);
        let a = h.finalize();
        let c = t.elapsed().as_secs_f64();
        let t = Instant::now();
        use md5::Digest;
        let b: [u8; 16] = md5::Md5::digest(&data).into();
        let m = t.elapsed().as_secs_f64();
        assert_eq!(a, b);
        let t = Instant::now();
        for _ in 0..100_000 {
            std::hint::black_box(md5size::apop_digest(std::hint::black_box(b"<1896.697170952@dbc.mtview.ca.us>"), b"tanstaaf"));
        }
        let apop = t.elapsed().as_secs_f64() * 1e6 / 100_000.0;
        println!("src/pop3 MD5 {:.0} MB/s, md-5 {:.0} MB/s, one APOP digest {apop:.2} us", 16.0 / c, 16.0 / m);
    }
}
