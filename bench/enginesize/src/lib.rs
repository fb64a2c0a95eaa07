//! Flash cost of each part of the sans-IO engine on Cortex-M4:
//! `bench/enginesize/build.sh`. One C-callable wrapper per part; the script
//! links each alone with --gc-sections and prints its .text/.rodata.
//! Measurement only: the wrappers are never called; a caller would pass
//! valid pointers and lengths.
#![no_std]
#[path = "../../../src/pop3/mod.rs"]
#[allow(dead_code)]
pub mod pop3;
use pop3::*;

#[no_mangle]
pub unsafe extern "C" fn e_reply(p: &mut ReplyParser, i: *const u8, n: usize, t: *mut u8, tn: usize, out: &mut usize) -> u32 {
    // SAFETY: the caller passes valid buffers (see the crate docs).
    let (i, t) = unsafe { (core::slice::from_raw_parts(i, n), core::slice::from_raw_parts_mut(t, tn)) };
    let (c, r) = p.feed_text(i, &mut [], t);
    *out = c;
    match r { Some(Ok(r)) => r.code as u32 + r.text_len as u32, Some(Err(_)) => 1, None => 0 }
}
#[no_mangle]
pub unsafe extern "C" fn e_list(w: &mut ListWalk, i: *const u8, n: usize, out: &mut usize) -> u32 {
    // SAFETY: the caller passes a valid buffer (see the crate docs).
    let i = unsafe { core::slice::from_raw_parts(i, n) };
    let (c, r) = w.feed(i);
    *out = c;
    match r { Some(Ok(Walk::Entry(e))) => e.number ^ e.size, Some(Ok(Walk::End)) => 2, Some(Err(_)) => 1, None => 0 }
}
#[no_mangle]
pub unsafe extern "C" fn e_uidl(w: &mut UidlWalk, i: *const u8, n: usize, u: *mut u8, un: usize, out: &mut usize) -> u32 {
    // SAFETY: the caller passes valid buffers (see the crate docs).
    let (i, u) = unsafe { (core::slice::from_raw_parts(i, n), core::slice::from_raw_parts_mut(u, un)) };
    let (c, r) = w.feed(i, u);
    *out = c;
    match r { Some(Ok(Walk::Entry(e))) => e.number ^ e.uid_len as u32, Some(Ok(Walk::End)) => 2, Some(Err(_)) => 1, None => 0 }
}
#[no_mangle]
pub unsafe extern "C" fn e_one(i: *const u8, n: usize, u: *mut u8, un: usize) -> u32 {
    // SAFETY: the caller passes valid buffers (see the crate docs).
    let (i, u) = unsafe { (core::slice::from_raw_parts(i, n), core::slice::from_raw_parts_mut(u, un)) };
    parse_uidl_one(i, u).map_or(0, |e| e.number) ^ parse_list_one(i).map_or(0, |e| e.size)
}
#[no_mangle]
pub unsafe extern "C" fn e_capa(p: &mut CapaParser, i: *const u8, n: usize, u: *mut u8, un: usize, out: &mut usize) -> u32 {
    // SAFETY: the caller passes valid buffers (see the crate docs).
    let (i, u) = unsafe { (core::slice::from_raw_parts(i, n), core::slice::from_raw_parts_mut(u, un)) };
    let (c, r) = p.feed(i, u);
    *out = c;
    match r { Some(Ok(Walk::Entry(e))) => e.capa as u32, Some(Ok(Walk::End)) => 2, Some(Err(_)) => 1, None => 0 }
}
#[no_mangle]
pub unsafe extern "C" fn e_pipe(p: &mut Pipeline<4>, k: u8) -> u32 {
    let kind = match k { 0 => ReplyKind::Capa, 1 => ReplyKind::Message, _ => ReplyKind::Status };
    let _ = p.push(kind, 6);
    p.pop().map_or(9, |k| k.multi_line(true) as u32) + p.bytes_in_flight() as u32
}
#[no_mangle]
pub unsafe extern "C" fn e_cmd(k: u8, n: u32, o: *mut u8, on: usize) -> usize {
    // SAFETY: the caller passes a valid buffer (see the crate docs).
    let o = unsafe { core::slice::from_raw_parts_mut(o, on) };
    let c = match k { 0 => Command::Capa, 1 => Command::Top { message: n, lines: n }, 2 => Command::UidlAll, 3 => Command::Uidl(n), 4 => Command::ListAll, _ => Command::Retr(n) };
    encode_command(&c, o).unwrap_or(0)
}
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
