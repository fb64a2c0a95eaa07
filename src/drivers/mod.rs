//! Network drivers written to the NetX driver protocol.
