//! TCP sockets (stub; being filled in).
use crate::netx::types::*;

pub unsafe fn nx_tcp_enable(_ip: *mut NX_IP) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_create(_ip: *mut NX_IP, _s: *mut NX_TCP_SOCKET, _name: *mut CHAR, _tos: ULONG, _frag: ULONG,
    _ttl: UINT, _window: ULONG, _urg: NX_TCP_SOCKET_CALLBACK, _disc: NX_TCP_SOCKET_CALLBACK) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_delete(_s: *mut NX_TCP_SOCKET) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_client_socket_bind(_s: *mut NX_TCP_SOCKET, _port: UINT, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_client_socket_unbind(_s: *mut NX_TCP_SOCKET) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_client_socket_connect(_s: *mut NX_TCP_SOCKET, _ip: ULONG, _port: UINT, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nxd_tcp_client_socket_connect(_s: *mut NX_TCP_SOCKET, _ip: *const NXD_ADDRESS, _port: UINT, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_server_socket_listen(_ip: *mut NX_IP, _port: UINT, _s: *mut NX_TCP_SOCKET, _q: UINT, _cb: NX_TCP_LISTEN_CALLBACK) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_server_socket_accept(_s: *mut NX_TCP_SOCKET, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_server_socket_relisten(_ip: *mut NX_IP, _port: UINT, _s: *mut NX_TCP_SOCKET) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_server_socket_unaccept(_s: *mut NX_TCP_SOCKET) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_server_socket_unlisten(_ip: *mut NX_IP, _port: UINT) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_send(_s: *mut NX_TCP_SOCKET, _p: *mut NX_PACKET, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_receive(_s: *mut NX_TCP_SOCKET, _p: *mut *mut NX_PACKET, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_disconnect(_s: *mut NX_TCP_SOCKET, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_state_wait(_s: *mut NX_TCP_SOCKET, _st: UINT, _wait: ULONG) -> UINT { NX_NOT_SUPPORTED }
pub unsafe fn nx_tcp_socket_bytes_available(_s: *mut NX_TCP_SOCKET, _n: *mut ULONG) -> UINT { NX_NOT_SUPPORTED }
