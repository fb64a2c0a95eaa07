#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| nx_pop3_client_fuzz::session::run(data));
