//! The blocking NetX-style POP3 client: the engine driven over a NetX TCP socket.
