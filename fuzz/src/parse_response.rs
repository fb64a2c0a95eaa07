//! Target (c): `_nx_pop3_parse_response` called like C calls it, through raw
//! pointers, with arbitrary buffers, indices, lengths and flags. The argument
//! region sits inside a larger canary-filled buffer: no byte outside
//! `argument[0 .. argument_length)` may change, and the input buffer is
//! never written. The result is also checked against a reference model of
//! the documented behaviour.
//!
//! Input: flags byte, index byte, argument length (u16 % 700), buffer-length
//! slack byte, then the buffer bytes.

use crate::Reader;
use nx_pop3_client::ffi::pop3::_nx_pop3_parse_response;
use nx_pop3_client::netx::types::CHAR;

const GUARD: usize = 64;
const CANARY: u8 = 0xA5;

pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let index_byte = r.u8();
    let arg_len = usize::from(r.u16() % 700);
    let slack = usize::from(r.u8());
    let body = r.rest();

    // Mostly small indices, sometimes huge ones.
    let index: u32 = match index_byte {
        0xF0..=0xFF => u32::MAX - u32::from(index_byte & 0x0F),
        b => u32::from(b % 24),
    };
    let uppercase = flags & 1 != 0;
    let crlf = flags & 2 != 0;
    let null_buffer = flags & 4 != 0 && flags & 0x30 == 0x30;
    let null_argument = flags & 8 != 0 && flags & 0xC0 == 0xC0;
    // buffer_length may be shorter than the bytes behind the pointer (C
    // passes a length, not a terminated string); never longer.
    let buffer_length = body.len().saturating_sub(if flags & 0x40 != 0 { slack } else { 0 });

    let mut input = body.to_vec();
    let input_before = input.clone();
    let mut region = vec![CANARY; GUARD + arg_len + GUARD];
    let buf_ptr: *mut CHAR = if null_buffer { core::ptr::null_mut() } else { input.as_mut_ptr() as *mut CHAR };
    let arg_ptr: *mut CHAR =
        if null_argument { core::ptr::null_mut() } else { unsafe { region.as_mut_ptr().add(GUARD) as *mut CHAR } };
    unsafe {
        _nx_pop3_parse_response(
            buf_ptr,
            index,
            buffer_length as u32,
            arg_ptr,
            arg_len as u32,
            u32::from(uppercase) * u32::from(flags >> 4 | 1),
            u32::from(crlf) * u32::from(flags >> 2 | 1),
        );
    }
    assert_eq!(input, input_before, "input buffer modified");
    for (i, &b) in region.iter().enumerate() {
        if i < GUARD || i >= GUARD + arg_len {
            assert_eq!(b, CANARY, "byte {i} of the guarded region changed (argument is {GUARD}..{})", GUARD + arg_len);
        }
    }
    if null_argument || arg_len == 0 {
        assert!(region.iter().all(|&b| b == CANARY));
        return;
    }
    let given: &[u8] = if null_buffer { &[] } else { &input[..buffer_length] };
    let want = reference(given, index, uppercase, crlf);
    let out = &region[GUARD..GUARD + arg_len];
    // The word, truncated to the argument, then a NUL if there is room.
    let n = want.len().min(arg_len);
    assert_eq!(&out[..n], &want[..n], "word {index} of {given:?}");
    if n < arg_len {
        assert_eq!(out[n], 0, "no NUL after the word");
        assert!(out[n + 1..].iter().all(|&b| b == CANARY), "bytes after the NUL written");
    }
}

/// Documented behaviour: word `index` (1-based) of the first line, words
/// separated by single spaces; uppercased on request; CR LF appended when
/// asked for and it follows the word. A missing word gives "". An empty
/// word (the line is empty, or two spaces in a row, or a trailing space) gives
/// "" too, except that with `include_crlf` a CR LF right after it is copied:
/// that is what util.rs does, though its doc comment says an empty word
/// always gives "" (reported to the owner of src/pop3/util.rs).
pub fn reference(buffer: &[u8], index: u32, uppercase: bool, include_crlf: bool) -> Vec<u8> {
    let line_end = buffer.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(buffer.len());
    let line = &buffer[..line_end];
    if index == 0 {
        return Vec::new();
    }
    let mut start = 0usize;
    let mut words = line.split(|&b| b == b' ');
    let mut found = None;
    for i in 1..=index {
        let Some(w) = words.next() else { break };
        if i == index {
            found = Some((start, w));
        }
        start += w.len() + 1;
    }
    let Some((start, word)) = found else { return Vec::new() };
    let mut out: Vec<u8> =
        word.iter().map(|&b| if uppercase { b.to_ascii_uppercase() } else { b }).collect();
    let end = start + word.len();
    if include_crlf && buffer.get(end..end + 2) == Some(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}
