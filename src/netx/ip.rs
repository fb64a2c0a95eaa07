//! IP instances (stub; being filled in).
use crate::netx::types::*;

pub unsafe fn nx_system_initialize() {}
pub unsafe fn nx_ip_create(_ip: *mut NX_IP, _name: *mut CHAR, _a: ULONG, _m: ULONG, _pool: *mut NX_PACKET_POOL,
    _driver: NX_IP_DRIVER_ENTRY, _mem: *mut VOID, _size: ULONG, _prio: UINT) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_ip_delete(_ip: *mut NX_IP) -> UINT { NX_NOT_SUPPORTED }
