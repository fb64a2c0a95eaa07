//! The panic handler of the `no_std` builds. A panic is a library bug (bad
//! input gives a NetX status, never a panic): it calls the application's
//! `nx_port_panic` hook with the source location, which must not return
//! (reset, or log and halt). Panics abort (profile `embedded`), nothing
//! unwinds.

use core::panic::PanicInfo;

extern "C" {
    /// Application hook: `VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line)`.
    fn nx_port_panic(file: *const u8, file_length: u32, line: u32);
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let (file, line) = match info.location() {
        Some(l) => (l.file(), l.line()),
        None => ("", 0),
    };
    // SAFETY: the hook gets a pointer and length valid for the call.
    unsafe { nx_port_panic(file.as_ptr(), file.len() as u32, line) };
    // The hook returned although it must not: stop here.
    loop {
        core::hint::spin_loop();
    }
}
