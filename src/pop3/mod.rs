//! Sans-IO POP3 protocol engine (RFC 1939), client side.
//!
//! Nothing here touches a socket, a clock or the heap: the engine turns
//! commands into bytes ([`encode_command`]), and bytes into replies
//! ([`ReplyParser`]) and message data ([`BodyDecoder`]). Both decoders are
//! streaming state machines: the result never depends on how the TCP stream
//! was cut into segments.
//!
//! * [`command`]: command lines (`USER`, `PASS`, `APOP`, `STAT`, `LIST`,
//!   `UIDL`, `RETR`, `TOP`, `DELE`, `QUIT`, `NOOP`, `RSET`, `CAPA`).
//! * [`reply`]: status lines (`+OK ...` / `-ERR ...`), with the numbers of
//!   `STAT`/`LIST`/`RETR` replies, the APOP timestamp of a greeting, the
//!   response code (`-ERR [IN-USE] ...`, RFC 2449 and 3206) and the text.
//! * [`body`]: multi-line data (dot-unstuffing, end-of-message detection)
//!   of `RETR` and `TOP`.
//! * [`listing`]: the `LIST` and `UIDL` listings, walked entry by entry
//!   into the caller's buffers, and the one-message `LIST n` / `UIDL n`.
//! * [`capa`]: the `CAPA` reply, line by line, and the [`Capabilities`].
//! * [`pipeline`]: which reply each command gets, and the queue of replies
//!   expected when commands are sent ahead.
//! * [`apop`]: MD5 digests for APOP and the hex/decimal helpers of NetX.
//! * [`util`]: the safe core of NetX's `_nx_pop3_parse_response` and the
//!   timestamp search of `_nx_pop3_parse_process_id`.
//!
//! Only `core` is used; no `unsafe`, no allocation, and no code path can
//! panic whatever the input (enforced by the clippy lints below).
//!
//! # Driving a reply
//!
//! Each command's reply is a status line, read with [`ReplyParser`], then,
//! for `+OK` to a multi-line command ([`ReplyKind::multi_line`]), lines read
//! with the parser of its [`ReplyKind`]. Every parser takes whatever bytes
//! have arrived, says how many it consumed, and stops right after each
//! result, so the caller keeps the rest (the next entry, or the next reply
//! when commands were sent ahead: [`Pipeline`] says which one comes). A
//! `UIDL` walk with commands sent ahead, entries into the caller's buffer:
//!
//! ```
//! use nx_pop3_client::pop3::*;
//!
//! let mut out = [0u8; MAX_CLIENT_COMMAND];
//! let mut queue: Pipeline<4> = Pipeline::new();
//! for cmd in [Command::UidlAll, Command::Noop] {
//!     let len = encode_command(&cmd, &mut out).unwrap(); // send out[..len]
//!     queue.push(cmd.reply_kind(), len).unwrap();
//! }
//! // What the server sent, in segments cut anywhere.
//! let segments: [&[u8]; 3] = [b"+OK\r\n1 whq", b"tswO00WBw418f9t5JxYwZ\r\n2 Qhd", b"PYR:00WBw1Ph7x7\r\n.\r\n+OK\r\n"];
//! let (mut status, mut walk) = (ReplyParser::new(), UidlWalk::new());
//! let (mut in_listing, mut uid, mut text) = (false, [0u8; MAX_UID], [0u8; 64]);
//! let mut seen = 0;
//! for mut data in segments {
//!     while !data.is_empty() {
//!         let used = if in_listing {
//!             let (used, result) = walk.feed(data, &mut uid);
//!             match result {
//!                 Some(Ok(Walk::Entry(e))) => seen += e.number, // uid[..e.uid_len]
//!                 Some(Ok(Walk::End)) => {
//!                     in_listing = false;
//!                     queue.pop();
//!                 }
//!                 Some(Err(e)) => panic!("server error {e:?}"), // the walk skips to the end
//!                 None => {}
//!             }
//!             used
//!         } else {
//!             let (used, result) = status.feed_text(data, &mut [], &mut text);
//!             if let Some(Ok(reply)) = result {
//!                 // reply.code, reply.text(&text): e.g. [IN-USE] on -ERR.
//!                 if queue.front().unwrap().multi_line(reply.ok) {
//!                     in_listing = true;
//!                     walk = UidlWalk::new();
//!                 } else {
//!                     queue.pop();
//!                 }
//!             }
//!             used
//!         };
//!         data = &data[used..];
//!     }
//! }
//! assert_eq!((seen, queue.is_empty()), (3, true));
//! ```

#![forbid(unsafe_code)]
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]
#![warn(missing_docs)]

pub mod apop;
pub mod body;
pub mod capa;
pub mod command;
pub mod listing;
pub mod pipeline;
pub mod reply;
pub mod util;

#[cfg(test)]
mod tests;

pub use apop::{apop_digest, decimal, hex_ascii, md5_hex, Md5};
pub use body::{BodyDecoder, Decoded};
pub use capa::{sasl, Capa, CapaLine, CapaParser, Capabilities, Expire};
pub use listing::{parse_list_one, Fed, parse_uidl_one, ListEntry, ListWalk, UidlEntry, UidlWalk, Walk, WalkError, MAX_UID};
pub use pipeline::{Pipeline, PipelineFull, ReplyKind};
pub use command::{encode_command, Command, EncodeError};
pub use reply::{resp_code, Arg, Reply, ReplyError, ReplyParser, RespCode};
pub use util::{find_timestamp, parse_response_word};

/// Longest server reply line accepted, in bytes, counting its CR LF
/// (`NX_POP3_MAX_SERVER_REPLY`).
pub const MAX_SERVER_REPLY: usize = 512;

/// Longest client command line, in bytes, counting its CR LF
/// (`NX_POP3_MAX_CLIENT_COMMAND`).
pub const MAX_CLIENT_COMMAND: usize = 150;
