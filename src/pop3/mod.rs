//! POP3 engine (in progress).
