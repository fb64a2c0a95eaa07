//! Whole-line helpers behind NetX's `_nx_pop3_parse_process_id` and
//! `_nx_pop3_parse_response`.

/// The first `<...>` (brackets included) of a greeting line, or `None`.
///
/// Same rules as [`ReplyParser`](super::ReplyParser): only the first `<`
/// counts, and the timestamp is refused if no `>` follows it or a space or
/// control byte (CR, LF, NUL, ...) comes before the `>`.
pub fn find_timestamp(line: &[u8]) -> Option<&[u8]> {
    let start = line.iter().position(|&b| b == b'<')?;
    let rest = line.get(start..)?;
    let close = rest.iter().position(|&b| b == b'>' || b <= b' ')?;
    match rest.get(close) {
        Some(b'>') => rest.get(..=close),
        _ => None,
    }
}

/// Safe core of NetX's `_nx_pop3_parse_response`.
///
/// Copies word `index` (1-based) of `buffer` into `out`. Words are separated
/// by single spaces (two spaces in a row delimit an empty word); a word ends
/// at SP, CR, LF or the end of the buffer, and no word follows a CR or LF.
/// ASCII letters are uppercased if `uppercase`. If `include_crlf` and the
/// word is followed by CR LF, the CR LF is copied too.
///
/// Writes at most `out.len()` bytes: the word (truncated if need be), then a
/// NUL if there is room left. Index 0, an empty buffer, or a word that does
/// not exist (or is empty): `out[0] = 0` if `out` is not empty, returns 0.
/// Returns the number of bytes written before the NUL (word and CR LF).
pub fn parse_response_word(
    buffer: &[u8],
    index: u32,
    out: &mut [u8],
    uppercase: bool,
    include_crlf: bool,
) -> usize {
    let line_end = buffer
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buffer.len());
    let line = buffer.get(..line_end).unwrap_or(&[]);
    let Some((start, len)) = locate_word(line, index) else {
        if let Some(first) = out.first_mut() {
            *first = 0;
        }
        return 0;
    };
    let word_end = start.saturating_add(len);
    let word = line.get(start..word_end).unwrap_or(&[]);
    let crlf: &[u8] = if include_crlf && buffer.get(word_end..word_end.saturating_add(2)) == Some(b"\r\n") {
        b"\r\n"
    } else {
        b""
    };
    let mut written = 0usize;
    for (slot, &byte) in out.iter_mut().zip(word.iter().chain(crlf)) {
        *slot = if uppercase { byte.to_ascii_uppercase() } else { byte };
        written = written.saturating_add(1);
    }
    if let Some(nul) = out.get_mut(written) {
        *nul = 0;
    }
    written
}

/// Start and length of word `index` (1-based) of `line`, words separated by
/// single spaces.
fn locate_word(line: &[u8], index: u32) -> Option<(usize, usize)> {
    let mut start = 0usize;
    for _ in 1..index {
        let space = line.get(start..)?.iter().position(|&b| b == b' ')?;
        start = start.saturating_add(space).saturating_add(1);
    }
    let rest = line.get(start..)?;
    if index == 0 {
        return None;
    }
    Some((start, rest.iter().position(|&b| b == b' ').unwrap_or(rest.len())))
}
