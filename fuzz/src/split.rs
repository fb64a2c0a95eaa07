//! Target (b): the same input cut into arbitrary chunks gives exactly the
//! result of feeding it whole.
//!
//! Input: byte 0 = timestamp buffer size, byte 1 = length `k` of a cut
//! table, then `k` chunk sizes, then the server bytes. The same bytes go
//! through the ReplyParser, `decode` and `decode_in_place`.

use crate::{Cuts, Reader};
use nx_pop3_client::pop3::{BodyDecoder, Reply, ReplyError, ReplyParser};

pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let ts_size = usize::from(r.u8());
    let k = usize::from(r.u8() % 32);
    let table = r.bytes(k);
    let input = r.rest();

    let whole = replies(input, &[], ts_size);
    let cut = replies(input, table, ts_size);
    assert!(whole == cut, "ReplyParser: whole {whole:?}\n cut {cut:?}");

    let whole = decode(input, &[], false);
    let cut = decode(input, table, false);
    assert!(whole == cut, "decode: whole {whole:?}\n cut {cut:?}");
    let cut_in_place = decode(input, table, true);
    assert!(whole == cut_in_place, "decode_in_place: whole {whole:?}\n cut {cut_in_place:?}");
    let whole_in_place = decode(input, &[], true);
    assert!(whole == whole_in_place, "decode_in_place whole {whole_in_place:?}\n decode whole {whole:?}");
}

type ReplyLog = Vec<(Result<Reply, ReplyError>, Vec<u8>)>;

/// Every reply or error, with the timestamp bytes of each reply, and the
/// bytes consumed in total.
fn replies(input: &[u8], table: &[u8], ts_size: usize) -> (ReplyLog, usize) {
    let mut parser = ReplyParser::new();
    let mut ts = vec![0u8; ts_size];
    let mut log = Vec::new();
    let mut cuts = Cuts::new(table);
    let mut pos = 0;
    while pos < input.len() {
        let chunk_end = pos + cuts.next(input.len() - pos).max(1);
        while pos < chunk_end {
            let (consumed, result) = parser.feed(&input[pos..chunk_end], &mut ts);
            pos += consumed;
            match result {
                Some(res) => {
                    let stamp = match res {
                        Ok(reply) => ts[..reply.timestamp_len].to_vec(),
                        Err(_) => Vec::new(),
                    };
                    log.push((res, stamp));
                }
                None => break,
            }
        }
    }
    (log, pos)
}

/// Output bytes, end flag and bytes consumed in total. Chunks come from the
/// table; `decode` gets an output buffer one byte larger than the chunk (so
/// it never has to stop early), like a receive loop with a segment-sized
/// buffer.
fn decode(input: &[u8], table: &[u8], in_place: bool) -> (Vec<u8>, bool, usize) {
    let mut dec = BodyDecoder::new();
    let mut out = Vec::new();
    let mut cuts = Cuts::new(table);
    let mut pos = 0;
    while pos < input.len() {
        let n = cuts.next(input.len() - pos).max(1);
        let chunk = &input[pos..pos + n];
        let d = if in_place {
            let mut buf = chunk.to_vec();
            if dec.cr_pending(buf[0]) {
                out.push(b'\r');
                dec.cr_delivered();
            }
            let d = dec.decode_in_place(&mut buf);
            out.extend_from_slice(&buf[..d.produced]);
            d
        } else {
            // One byte more than the chunk: the CR owed after `.` CR that
            // ended the previous chunk comes out before the chunk's bytes.
            let mut buf = vec![0u8; n + 1];
            let d = dec.decode(chunk, &mut buf);
            out.extend_from_slice(&buf[..d.produced]);
            d
        };
        pos += d.consumed;
        if d.end {
            return (out, true, pos);
        }
        assert_eq!(d.consumed, n, "decoder left input with room to spare");
    }
    (out, false, pos)
}
