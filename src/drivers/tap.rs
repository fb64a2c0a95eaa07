//! `_nx_tap_network_driver`: an IP instance on a Linux TAP interface, so the
//! stack talks to the host (and through it to real servers) over Ethernet.
//!
//! The TAP must exist (`ip tuntap add dev tap0 mode tap`); the driver never
//! creates one. [`set_interface_name`] chooses the interface the next
//! `NX_LINK_INITIALIZE` opens (default `tap0`); it stays chosen, so several IP
//! instances may use one name after another, or each its own.
//!
//! Two modes, chosen by the port:
//!
//! - **Reader thread** (the std port, and the host ThreadX library): a
//!   thread per instance waits for frames and hands them to the instance.
//! - **Polled** (`port-baremetal` with the `tap` feature, Linux host only:
//!   `make pop3_fetch_baremetal`): no thread and no heap. The descriptor is
//!   read non-blocking on `NX_LINK_DEFERRED_PROCESSING`, which the driver
//!   asks for with `_nx_ip_driver_deferred_processing` when it is
//!   initialized and again after each round, so every round of the port's
//!   idle hook (every blocking wait) and every `nx_ip_service` reads what
//!   arrived. When nothing is there the round waits at most
//!   [`POLLED_IDLE_MS`] for a frame (`poll`): the host's stand-in for a
//!   microcontroller's wait-for-interrupt, so a waiting program does not
//!   spin a CPU. Instance state lives in a fixed table of [`MAX_POLLED`]
//!   entries (more instances: `NX_LINK_INITIALIZE` fails, `ENOMEM`).
//!
//! Per instance, `NX_LINK_INITIALIZE` opens `/dev/net/tun` with
//! `IFF_TAP | IFF_NO_PI`, sets the interface MTU from the host (`SIOCGIFMTU`,
//! 1500 if that fails), a locally administered MAC `02:4E:pp:pp:nn:nn` (pp =
//! low 16 bits of the process id, nn = instance number), asks for address
//! mapping (ARP), and starts a reader thread (polled: asks for deferred
//! processing). Its state is a box (polled: a table entry) reachable from
//! `nx_interface_additional_link_info`; `NX_LINK_UNINITIALIZE` stops and
//! joins the reader, closes the descriptor and frees the box (the entry).
//!
//! Receive: the reader polls the descriptor (100 ms timeout, so it notices a
//! stop request; polled mode: see above), reads frames, keeps those addressed to our MAC, broadcast
//! or multicast, and copies the payload (Ethernet header stripped) into the
//! IP instance's default pool with `NX_NO_WAIT`, leaving `NX_PHYSICAL_HEADER`
//! bytes of headroom. An empty pool drops the frame, as a NIC would, and
//! counts it (`NX_LINK_GET_ALLOC_ERRORS`). IPv4 and IPv6 go to
//! `_nx_ip_packet_deferred_receive`, ARP to `_nx_arp_packet_deferred_receive`
//! (the reader thread queues them without waking the helper and then runs
//! the stack itself, `ip::poll_inline`, as the RAM driver does).
//! Multicast frames (IPv6's 33:33:xx groups for Neighbor Discovery) are all
//! kept: the kernel writes every frame of the link to the TAP, so
//! `NX_LINK_MULTICAST_JOIN` / `LEAVE` need no filter and just succeed.
//!
//! Transmit: the Ethernet header goes into the packet's headroom (or, with
//! less than 14 bytes of it, in front through `writev`), the frame is written,
//! and the packet is always released with `nx_packet_transmit_release`.
//!
//! No I/O error panics or stops the driver: a TAP that is down (writes fail
//! with `EIO`), `EAGAIN`, a failed read, or the interface vanishing is counted
//! (`NX_LINK_GET_ERROR_COUNT`) and the driver keeps running (the reader
//! pauses 100 ms after such an error; polled mode retries next round); it recovers by
//! itself when the interface comes back up. Only a TAP that cannot be opened
//! makes `NX_LINK_INITIALIZE` fail (`nx_ip_driver_status` =
//! `NX_NOT_SUCCESSFUL`, so `nx_ip_create` returns `NX_NOT_SUCCESSFUL`);
//! [`last_error`] tells why (an `errno`).

#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
use core::ffi::c_int;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};

use crate::netx::types::*;
use crate::netx::{ip, packet};
use crate::port::{self, Lock};
#[cfg(not(feature = "port-baremetal"))]
use crate::port::Thread;

#[cfg(all(feature = "port-baremetal", target_os = "none"))]
compile_error!("the TAP driver (`tap` feature) needs a Linux host: leave it out of firmware builds");

/// Linux `IFNAMSIZ` (names are at most 15 bytes plus the NUL).
pub const IFNAMSIZ: usize = 16;
const ETH_HDR: usize = 14;
/// Reader's poll timeout: how long a stop request may wait.
#[cfg(not(feature = "port-baremetal"))]
const POLL_MS: c_int = 100;
/// After an error that may repeat (interface gone), the reader pauses this long.
#[cfg(not(feature = "port-baremetal"))]
const ERROR_PAUSE_TICKS: u32 = 10;
/// Polled mode: how long a round that found no frame waits for one (the
/// host's stand-in for wait-for-interrupt; a frame ends the wait at once).
#[cfg(feature = "port-baremetal")]
const POLLED_IDLE_MS: c_int = 1;
/// Polled mode: how many instances may have a TAP at once.
#[cfg(feature = "port-baremetal")]
const MAX_POLLED: usize = 4;
/// Most frames one polled round reads (as the reader drains at a time).
const DRAIN_FRAMES: usize = 64;
/// Largest frame read (a TAP without offloads gives at most MTU + 14).
const RX_BUFFER: usize = 65_536;
/// Most packets in one chain the driver sends (more is counted as an error).
const MAX_SEGMENTS: usize = 32;
const BROADCAST: [u8; 6] = [0xFF; 6];

/// The interface the next `NX_LINK_INITIALIZE` opens (NUL-padded).
static NEXT_NAME: Lock<[u8; IFNAMSIZ]> = Lock::new(*b"tap0\0\0\0\0\0\0\0\0\0\0\0\0");
/// Instances initialized so far (the last bytes of the MAC).
static INSTANCES: AtomicU32 = AtomicU32::new(0);
/// `errno` of the last failed open (0: none yet).
static LAST_ERROR: AtomicI32 = AtomicI32::new(0);

/// One IP instance's TAP: boxed (polled: a table entry), pointed to by
/// `nx_interface_additional_link_info`.
struct Tap {
    fd: c_int,
    ip: *mut NX_IP,
    ifc: *mut NX_INTERFACE,
    name: [u8; IFNAMSIZ],
    /// Our MAC in the low 48 bits.
    mac: AtomicU64,
    stop: AtomicBool,
    rx_frames: AtomicU32,
    tx_frames: AtomicU32,
    alloc_errors: AtomicU32,
    errors: AtomicU32,
    #[cfg(not(feature = "port-baremetal"))]
    reader: Lock<Option<Thread>>,
    /// An eventfd UNINITIALIZE writes to end the reader's poll at once (-1:
    /// none could be made; the reader then notices within [`POLL_MS`]).
    #[cfg(not(feature = "port-baremetal"))]
    wake: c_int,
}

// SAFETY: `ip`/`ifc` point at the caller's NX_IP, which outlives the Tap (it
// is freed on UNINITIALIZE, before the IP instance goes); the rest is atomics,
// a lock and an fd, all usable from any thread.
unsafe impl Send for Tap {}
// SAFETY: as Send: shared access only reads the two pointers (never changed
// after initialize) and uses atomics, the lock and the fd.
unsafe impl Sync for Tap {}

#[cfg(not(feature = "port-baremetal"))]
struct SendPtr(*const Tap);
// SAFETY: the Tap outlives its reader thread (joined before it is freed).
#[cfg(not(feature = "port-baremetal"))]
unsafe impl Send for SendPtr {}

/// Where a Tap lives: a box (reader-thread mode).
#[cfg(not(feature = "port-baremetal"))]
fn store(t: Tap) -> Option<*mut Tap> {
    Some(Box::into_raw(Box::new(t)))
}

/// Gives back a Tap's storage.
///
/// # Safety
/// `t` came from [`store`], is no longer reachable and no thread uses it.
#[cfg(not(feature = "port-baremetal"))]
unsafe fn free(t: *mut Tap) {
    // SAFETY: the caller's contract: a box from `store`, used by no one.
    drop(unsafe { Box::from_raw(t) });
}

/// Polled mode: a fixed table of Taps (no heap on the bare-metal port).
#[cfg(feature = "port-baremetal")]
mod table {
    use super::{Tap, MAX_POLLED};
    use core::cell::UnsafeCell;
    use core::mem::MaybeUninit;
    use core::sync::atomic::{AtomicBool, Ordering};

    struct Entry(UnsafeCell<MaybeUninit<Tap>>);
    // SAFETY: an entry is written only by the one caller that claimed it in
    // USED, and read through the pointer handed out by `store` afterwards.
    unsafe impl Sync for Entry {}

    static ENTRIES: [Entry; MAX_POLLED] = [const { Entry(UnsafeCell::new(MaybeUninit::uninit())) }; MAX_POLLED];
    static USED: [AtomicBool; MAX_POLLED] = [const { AtomicBool::new(false) }; MAX_POLLED];

    /// A free entry holding `t`, or None when all are taken.
    pub(super) fn store(t: Tap) -> Option<*mut Tap> {
        let i = USED
            .iter()
            .position(|u| u.compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed).is_ok())?;
        let p = ENTRIES[i].0.get() as *mut Tap;
        // SAFETY: entry i was free and is now ours alone (claimed above).
        unsafe { p.write(t) };
        Some(p)
    }

    /// Drops the Tap in its entry and frees the entry.
    ///
    /// # Safety
    /// `t` came from [`store`] and is no longer reachable.
    pub(super) unsafe fn free(t: *mut Tap) {
        if let Some(i) = ENTRIES.iter().position(|e| e.0.get() as *mut Tap == t) {
            // SAFETY: the caller's contract: a live Tap no one reaches any more.
            unsafe { core::ptr::drop_in_place(t) };
            USED[i].store(false, Ordering::Release);
        }
    }
}
#[cfg(feature = "port-baremetal")]
use table::{free, store};

/// Chooses the TAP interface (`name`, without NUL) that the next
/// `NX_LINK_INITIALIZE` opens. `NX_SIZE_ERROR` if empty or longer than
/// `IFNAMSIZ - 1` bytes or containing a NUL; `NX_SUCCESS` otherwise.
pub fn set_interface_name(name: &[u8]) -> UINT {
    if name.is_empty() || name.len() > IFNAMSIZ - 1 || name.contains(&0) {
        return NX_SIZE_ERROR;
    }
    let mut n = [0u8; IFNAMSIZ];
    n[..name.len()].copy_from_slice(name);
    *NEXT_NAME.lock() = n;
    NX_SUCCESS
}

/// `errno` of the last failed attempt to open a TAP (0 if none failed).
pub fn last_error() -> i32 {
    LAST_ERROR.load(Ordering::Relaxed)
}

fn errno() -> c_int {
    // SAFETY: a libc call without arguments or preconditions.
    let slot = unsafe { libc::__errno_location() };
    // SAFETY: __errno_location returns this thread's errno slot, valid and
    // aligned for the thread's life.
    unsafe { *slot }
}

fn mac_bytes(m: u64) -> [u8; 6] {
    let b = m.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

fn mac_of(msw: ULONG, lsw: ULONG) -> u64 {
    (((msw & 0xFFFF) as u64) << 32) | lsw as u64
}

/// A socket for interface ioctls, or -1.
fn ioctl_socket() -> c_int {
    // SAFETY: plain syscall.
    unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) }
}

fn ifreq_for(name: &[u8; IFNAMSIZ]) -> libc::ifreq {
    // SAFETY: ifreq is plain data; all-zero is valid.
    let mut ifr: libc::ifreq = unsafe { core::mem::zeroed() };
    for (d, s) in ifr.ifr_name.iter_mut().zip(name.iter()) {
        *d = *s as libc::c_char;
    }
    ifr
}

/// The host's MTU for the interface.
fn host_mtu(name: &[u8; IFNAMSIZ]) -> Option<ULONG> {
    let s = ioctl_socket();
    if s < 0 {
        return None;
    }
    let mut ifr = ifreq_for(name);
    // SAFETY: SIOCGIFMTU fills ifr_ifru.ifru_mtu of a valid ifreq.
    let r = unsafe { libc::ioctl(s, libc::SIOCGIFMTU as _, &mut ifr) };
    // SAFETY: s is our socket.
    unsafe { libc::close(s) };
    // SAFETY: written by the kernel on success.
    let mtu = unsafe { ifr.ifr_ifru.ifru_mtu };
    (r == 0 && mtu > 0).then_some(mtu as ULONG)
}

/// The host side's interface flags (`IFF_UP`, `IFF_RUNNING`, ...), read
/// through the ioctl socket `s`, if readable.
fn flags_via(s: c_int, name: &[u8; IFNAMSIZ]) -> Option<c_int> {
    let mut ifr = ifreq_for(name);
    // SAFETY: SIOCGIFFLAGS fills ifr_ifru.ifru_flags of a valid ifreq.
    let r = unsafe { libc::ioctl(s, libc::SIOCGIFFLAGS as _, &mut ifr) };
    // SAFETY: ifr was zeroed and, on success, written by the kernel.
    let flags = unsafe { ifr.ifr_ifru.ifru_flags } as c_int;
    (r == 0).then_some(flags)
}

/// The host side's interface flags (`IFF_UP`, `IFF_RUNNING`, ...), if readable.
fn host_flags(name: &[u8; IFNAMSIZ]) -> Option<c_int> {
    let s = ioctl_socket();
    if s < 0 {
        return None;
    }
    let flags = flags_via(s, name);
    // SAFETY: s is our socket, closed once.
    unsafe { libc::close(s) };
    flags
}

/// Whether the host side of the interface is administratively up.
fn host_up(name: &[u8; IFNAMSIZ]) -> bool {
    host_flags(name).is_some_and(|f| f & libc::IFF_UP != 0)
}

/// At `NX_LINK_ENABLE`: waits (at most a second) until an administratively
/// up host side is also running. The kernel turns the TAP's carrier on when
/// we attach but drops what it sends on the interface until its link watcher
/// has activated it (microseconds on a quiet host, milliseconds on a busy
/// one); an ARP reply lost in that window costs smoltcp's one-second retry.
/// One ioctl socket serves the whole wait (not one per 1 ms check).
fn wait_host_running(name: &[u8; IFNAMSIZ]) {
    let s = ioctl_socket();
    if s < 0 {
        return;
    }
    for _ in 0..1000 {
        match flags_via(s, name) {
            Some(f) if f & libc::IFF_UP != 0 && f & libc::IFF_RUNNING == 0 => {
                // A 1 ms sleep (poll with no descriptors: a call the polled
                // bare-metal TAP build already makes).
                // SAFETY: no descriptors, so no memory is read or written.
                unsafe { libc::poll(ptr::null_mut(), 0, 1) };
            }
            _ => break,
        }
    }
    // SAFETY: s is our socket, closed once.
    unsafe { libc::close(s) };
}

/// Opens an existing TAP interface; `Err(errno)` otherwise.
fn open_tap(name: &[u8; IFNAMSIZ]) -> Result<c_int, c_int> {
    // TUNSETIFF would create a missing interface; refuse instead.
    // SAFETY: `name` is NUL-terminated (at most 15 bytes are ever set).
    if unsafe { libc::if_nametoindex(name.as_ptr() as *const libc::c_char) } == 0 {
        return Err(libc::ENODEV);
    }
    // SAFETY: a NUL-terminated path literal; the call reads nothing else.
    let fd = unsafe { libc::open(c"/dev/net/tun".as_ptr(), libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(errno());
    }
    let mut ifr = ifreq_for(name);
    ifr.ifr_ifru.ifru_flags = (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short;
    // SAFETY: TUNSETIFF reads and writes the ifreq, a valid local, on the
    // descriptor just opened.
    if unsafe { libc::ioctl(fd, libc::TUNSETIFF as _, &mut ifr) } < 0 {
        let e = errno();
        // SAFETY: our descriptor, closed once.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    Ok(fd)
}

/// The interface's Tap, if it has one.
///
/// # Safety
/// `ifc` is NULL or a live interface, and the caller does not outlive the
/// Tap (freed only in UNINITIALIZE, after its reader is joined).
unsafe fn tap_of<'a>(ifc: *mut NX_INTERFACE) -> Option<&'a Tap> {
    if ifc.is_null() {
        return None;
    }
    // SAFETY: the caller's live interface; a raw place read (the stack
    // shares the interface), written only by this driver.
    let t = unsafe { (*ifc).nx_interface_additional_link_info } as *const Tap;
    if t.is_null() {
        None
    } else {
        // SAFETY: a Tap stored by initialize, live until UNINITIALIZE (the
        // caller's contract); shared use is atomics, a lock and the fd.
        Some(unsafe { &*t })
    }
}

/// The driver entry point (`_nx_tap_network_driver` in C).
///
/// # Safety
/// `req` must be a valid request from an IP instance, as the driver protocol says.
pub unsafe extern "C" fn nx_tap_network_driver(req: *mut NX_IP_DRIVER) {
    // SAFETY: the driver protocol: the request is the caller's, live and
    // used by no one else for the call.
    let r = unsafe { &mut *req };
    let ifc = r.nx_ip_driver_interface;
    r.nx_ip_driver_status = NX_SUCCESS;
    match r.nx_ip_driver_command {
        NX_LINK_INTERFACE_ATTACH => {}
        // SAFETY: the request's instance and interface, live for the call.
        NX_LINK_INITIALIZE => r.nx_ip_driver_status = unsafe { initialize(r.nx_ip_driver_ptr, ifc) },
        NX_LINK_ENABLE | NX_LINK_DISABLE => {
            if ifc.is_null() {
                r.nx_ip_driver_status = NX_INVALID_INTERFACE;
            } else {
                if r.nx_ip_driver_command == NX_LINK_ENABLE {
                    // SAFETY: the request's live interface; its Tap lives
                    // until UNINITIALIZE, not this call.
                    if let Some(t) = unsafe { tap_of(ifc) } {
                        wait_host_running(&t.name);
                    }
                }
                // SAFETY: the request's live interface.
                unsafe { ip::link_set(ifc, r.nx_ip_driver_command == NX_LINK_ENABLE) };
                // Polled mode: (re)start the rounds of deferred processing.
                #[cfg(feature = "port-baremetal")]
                // SAFETY: as above.
                if r.nx_ip_driver_command == NX_LINK_ENABLE && unsafe { tap_of(ifc) }.is_some() {
                    // SAFETY: the request's live instance.
                    unsafe { ip::nx_ip_driver_deferred_processing(r.nx_ip_driver_ptr) };
                }
            }
        }
        // SAFETY: the request's interface (NULL or live); its Tap is not used after this.
        NX_LINK_UNINITIALIZE | NX_LINK_INTERFACE_DETACH => unsafe { uninitialize(ifc) },
        NX_LINK_PACKET_SEND | NX_LINK_PACKET_BROADCAST | NX_LINK_ARP_SEND | NX_LINK_ARP_RESPONSE_SEND
        // SAFETY: a send request: its packet is handed to the driver, the
        // instance and interface live for the call.
        | NX_LINK_RARP_SEND => r.nx_ip_driver_status = unsafe { transmit(r) },
        NX_LINK_MULTICAST_JOIN | NX_LINK_MULTICAST_LEAVE => {}
        NX_LINK_DEFERRED_PROCESSING => {
            // Polled mode: read what arrived, and ask for the next round.
            // SAFETY: the request's interface (NULL or live); its Tap lives
            // until UNINITIALIZE, not this call.
            #[cfg(feature = "port-baremetal")]
            if let Some(t) = unsafe { tap_of(ifc) } {
                poll_rx(t);
                // SAFETY: the Tap's instance, live while it calls its driver.
                unsafe { ip::nx_ip_driver_deferred_processing(t.ip) };
            }
        }
        // SAFETY: the request's interface (NULL or live); its Tap lives
        // until UNINITIALIZE, not this call.
        NX_LINK_SET_PHYSICAL_ADDRESS => match unsafe { tap_of(ifc) } {
            Some(t) => t.mac.store(
                mac_of(r.nx_ip_driver_physical_address_msw, r.nx_ip_driver_physical_address_lsw),
                Ordering::Relaxed,
            ),
            None => r.nx_ip_driver_status = NX_NOT_SUCCESSFUL,
        },
        NX_LINK_GET_STATUS | NX_LINK_GET_SPEED | NX_LINK_GET_DUPLEX_TYPE | NX_LINK_GET_ERROR_COUNT
        | NX_LINK_GET_RX_COUNT | NX_LINK_GET_TX_COUNT | NX_LINK_GET_ALLOC_ERRORS | NX_LINK_GET_INTERFACE_TYPE => {
            // SAFETY: the request's interface (NULL or live); its Tap lives
            // until UNINITIALIZE, not this call.
            let t = unsafe { tap_of(ifc) };
            let count = |f: fn(&Tap) -> &AtomicU32| t.map_or(0, |t| f(t).load(Ordering::Relaxed));
            let v: ULONG = match r.nx_ip_driver_command {
                NX_LINK_GET_STATUS => match t {
                    // SAFETY: the request's live interface (non-NULL: it has a Tap).
                    Some(t) => (unsafe { ip::link_is_up(ifc) } && host_up(&t.name)) as ULONG,
                    None => 0,
                },
                NX_LINK_GET_ERROR_COUNT => count(|t| &t.errors),
                NX_LINK_GET_RX_COUNT => count(|t| &t.rx_frames),
                NX_LINK_GET_TX_COUNT => count(|t| &t.tx_frames),
                NX_LINK_GET_ALLOC_ERRORS => count(|t| &t.alloc_errors),
                // NX_INTERFACE_TYPE_ETHERNET
                NX_LINK_GET_INTERFACE_TYPE => 2,
                // Speed and duplex are unknown on a TAP.
                _ => 0,
            };
            if !r.nx_ip_driver_return_ptr.is_null() {
                // SAFETY: the driver protocol: a non-NULL return pointer is
                // the caller's output, writable for the call.
                unsafe { *r.nx_ip_driver_return_ptr = v };
            }
        }
        _ => r.nx_ip_driver_status = NX_UNHANDLED_COMMAND,
    }
}

/// `NX_LINK_INITIALIZE`: opens the TAP, stores the instance's Tap in the
/// interface, sets MTU, MAC and address mapping, starts the reader.
///
/// # Safety
/// `ip_ptr`/`ifc` are NULL or the request's live instance and interface.
unsafe fn initialize(ip_ptr: *mut NX_IP, ifc: *mut NX_INTERFACE) -> UINT {
    if ip_ptr.is_null() || ifc.is_null() {
        return NX_PTR_ERROR;
    }
    // A second INITIALIZE starts afresh.
    // SAFETY: the live interface; nothing here holds its old Tap.
    unsafe { uninitialize(ifc) };
    let name = *NEXT_NAME.lock();
    let fd = match open_tap(&name) {
        Ok(fd) => fd,
        Err(e) => {
            LAST_ERROR.store(e, Ordering::Relaxed);
            return NX_NOT_SUCCESSFUL;
        }
    };
    let mtu = host_mtu(&name).unwrap_or(1500);
    // SAFETY: a plain syscall without pointers.
    #[cfg(not(feature = "port-baremetal"))]
    let wake = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    let n = INSTANCES.fetch_add(1, Ordering::Relaxed);
    // SAFETY: a plain syscall without arguments.
    let pid = unsafe { libc::getpid() } as u32;
    let msw: ULONG = 0x024E;
    let lsw: ULONG = ((pid & 0xFFFF) << 16) | (n & 0xFFFF);
    let tap = store(Tap {
        fd,
        ip: ip_ptr,
        ifc,
        name,
        mac: AtomicU64::new(mac_of(msw, lsw)),
        stop: AtomicBool::new(false),
        rx_frames: AtomicU32::new(0),
        tx_frames: AtomicU32::new(0),
        alloc_errors: AtomicU32::new(0),
        errors: AtomicU32::new(0),
        #[cfg(not(feature = "port-baremetal"))]
        reader: Lock::new(None),
        #[cfg(not(feature = "port-baremetal"))]
        wake,
    });
    let Some(tap) = tap else {
        // Polled mode: every table entry is taken.
        // SAFETY: our descriptor, closed once.
        unsafe { libc::close(fd) };
        LAST_ERROR.store(libc::ENOMEM, Ordering::Relaxed);
        return NX_NOT_SUCCESSFUL;
    };
    #[cfg(not(feature = "port-baremetal"))]
    {
        let sp = SendPtr(tap);
        let th = port::spawn("nx_tap", move || {
            let sp = sp;
            // SAFETY: see SendPtr: the Tap outlives its reader (joined before
            // it is freed); shared use is atomics, a lock and the fd.
            reader(unsafe { &*sp.0 })
        });
        match th {
            // SAFETY: the Tap just stored (its lock, through a shared reference).
            Some(th) => *unsafe { &*tap }.reader.lock() = Some(th),
            None => {
                // SAFETY: our descriptor, closed once.
                unsafe { libc::close(fd) };
                if wake >= 0 {
                    // SAFETY: our eventfd, closed once.
                    unsafe { libc::close(wake) };
                }
                // SAFETY: from `store`, reachable from nowhere else (no reader started).
                unsafe { free(tap) };
                LAST_ERROR.store(libc::EAGAIN, Ordering::Relaxed);
                return NX_NOT_SUCCESSFUL;
            }
        }
    }
    // SAFETY: the live interface; this field is the driver's (raw place
    // write: the stack shares the interface).
    unsafe { (*ifc).nx_interface_additional_link_info = tap as *mut VOID };
    // SAFETY: the live interface (raw place read).
    let index = unsafe { (*ifc).nx_interface_index } as UINT;
    // SAFETY: the request's instance, being created; `index` is its interface's.
    unsafe { ip::nx_ip_interface_mtu_set(ip_ptr, index, mtu) };
    // SAFETY: as the MTU (no driver update: this is the driver).
    unsafe { ip::nx_ip_interface_physical_address_set(ip_ptr, index, msw, lsw, NX_FALSE) };
    // SAFETY: as the MTU.
    unsafe { ip::nx_ip_interface_address_mapping_configure(ip_ptr, index, NX_TRUE) };
    // Polled mode: the first round of deferred processing reads the TAP.
    // SAFETY: the request's live instance.
    #[cfg(feature = "port-baremetal")]
    unsafe { ip::nx_ip_driver_deferred_processing(ip_ptr) };
    NX_SUCCESS
}

/// `NX_LINK_UNINITIALIZE`: stops and joins the reader, closes the
/// descriptors, frees the Tap. Nothing when the interface has none.
///
/// # Safety
/// `ifc` is NULL or a live interface; no caller keeps a reference to its Tap.
unsafe fn uninitialize(ifc: *mut NX_INTERFACE) {
    if ifc.is_null() {
        return;
    }
    // SAFETY: the live interface; this field is the driver's (raw place read).
    let t = unsafe { (*ifc).nx_interface_additional_link_info } as *mut Tap;
    if t.is_null() {
        return;
    }
    // SAFETY: as above (raw place write): the Tap is unreachable from now on.
    unsafe { (*ifc).nx_interface_additional_link_info = ptr::null_mut() };
    // SAFETY: the Tap stored by initialize, live until `free` below; shared
    // use only (atomics, the lock, the fds), as the reader's.
    let tr = unsafe { &*t };
    tr.stop.store(true, Ordering::Relaxed);
    #[cfg(not(feature = "port-baremetal"))]
    {
        if tr.wake >= 0 {
            // Ends the reader's poll now rather than at its timeout (a
            // process ending with nx_ip_delete waited up to 100 ms here).
            let one: u64 = 1;
            // SAFETY: 8 readable bytes of a local, to our eventfd.
            unsafe { libc::write(tr.wake, &one as *const u64 as *const VOID, 8) };
        }
        let th = tr.reader.lock().take();
        if let Some(th) = th {
            if !th.is_current() {
                th.join();
            }
        }
        if tr.wake >= 0 {
            // SAFETY: our eventfd, closed once (the reader is joined).
            unsafe { libc::close(tr.wake) };
        }
    }
    // SAFETY: our TAP descriptor, closed once (the reader is joined).
    unsafe { libc::close(tr.fd) };
    // SAFETY: from `store`, unreachable (link info cleared) and unused (the
    // reader is joined; `tr` is not used after this).
    unsafe { free(t) };
}

// ---------------------------------------------------------------- receive

#[cfg(not(feature = "port-baremetal"))]
fn reader(t: &Tap) {
    let mut buf = vec![0u8; RX_BUFFER];
    while !t.stop.load(Ordering::Relaxed) {
        let mut fds = [
            libc::pollfd { fd: t.fd, events: libc::POLLIN, revents: 0 },
            // A negative fd is ignored by poll.
            libc::pollfd { fd: t.wake, events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: two valid pollfds.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, POLL_MS) };
        if t.stop.load(Ordering::Relaxed) {
            break;
        }
        let pfd = fds[0];
        if n < 0 {
            if errno() != libc::EINTR {
                t.errors.fetch_add(1, Ordering::Relaxed);
                port::sleep_ticks(ERROR_PAUSE_TICKS);
            }
            continue;
        }
        if n == 0 {
            continue;
        }
        if pfd.revents & libc::POLLIN == 0 {
            // POLLERR / POLLHUP / POLLNVAL: the interface went away, or worse.
            t.errors.fetch_add(1, Ordering::Relaxed);
            port::sleep_ticks(ERROR_PAUSE_TICKS);
            continue;
        }
        // Drain what is there, a bounded number at a time.
        let mut queued = false;
        for _ in 0..DRAIN_FRAMES {
            // SAFETY: reading into our own buffer.
            let r = unsafe { libc::read(t.fd, buf.as_mut_ptr() as *mut VOID, buf.len()) };
            if r < 0 {
                match errno() {
                    libc::EAGAIN | libc::EINTR => {}
                    _ => {
                        t.errors.fetch_add(1, Ordering::Relaxed);
                        port::sleep_ticks(ERROR_PAUSE_TICKS);
                    }
                }
                break;
            }
            if r == 0 {
                break;
            }
            // Under a panic guard: a bug here costs the frame, not the
            // reader (a dead reader would leave the instance deaf).
            let frame = &buf[..r as usize];
            match port::catch_panic(|| {
                // SAFETY: the Tap's IP instance is alive while the reader
                // runs (UNINITIALIZE joins the reader before it goes).
                unsafe { deliver(t, frame, true) }
            }) {
                Some(q) => queued |= q,
                None => {
                    t.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        if queued {
            // The frames are processed here, on the reader thread, when the
            // stack's lock is free (else the helper is woken): the waiting
            // caller is then woken once, by the poll, instead of the reader
            // waking the helper and the helper the caller (issue 12: a
            // wake-up less per frame, each 0.05-0.3 ms on a busy host).
            // SAFETY: as for `deliver`; the reader holds no lock here.
            unsafe { ip::poll_inline(t.ip) };
        }
    }
}

/// Polled mode: the frame buffer every instance's round reads into (one
/// round at a time: the bare-metal port has one thread of execution).
#[cfg(feature = "port-baremetal")]
static RX: Lock<[u8; RX_BUFFER]> = Lock::new([0; RX_BUFFER]);

/// Polled mode, one round (`NX_LINK_DEFERRED_PROCESSING`): reads the frames
/// waiting on the descriptor (at most [`DRAIN_FRAMES`]) and hands them to
/// the instance. If none was there, waits up to [`POLLED_IDLE_MS`] for one
/// and reads again. Never blocks longer; an error is counted and retried
/// next round.
#[cfg(feature = "port-baremetal")]
fn poll_rx(t: &Tap) {
    let mut buf = RX.lock();
    let mut waited = false;
    loop {
        let mut got = 0;
        while got < DRAIN_FRAMES {
            // SAFETY: reading into our own buffer; the descriptor is non-blocking.
            let r = unsafe { libc::read(t.fd, buf.as_mut_ptr() as *mut VOID, buf.len()) };
            if r <= 0 {
                if r < 0 && !matches!(errno(), libc::EAGAIN | libc::EINTR) {
                    t.errors.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                break;
            }
            got += 1;
            let frame = &buf[..r as usize];
            // SAFETY: the Tap's IP instance is alive while it calls its driver.
            if port::catch_panic(|| unsafe { deliver(t, frame, false) }).is_none() {
                t.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        if got > 0 || waited {
            return;
        }
        // Nothing yet: wait a little for a frame, as a board would sleep
        // until its next interrupt.
        let mut pfd = libc::pollfd { fd: t.fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, POLLED_IDLE_MS) };
        if n <= 0 || pfd.revents & libc::POLLIN == 0 {
            return;
        }
        waited = true;
    }
}

/// Hands one frame to the instance; true when it was queued. `inline`: queued
/// without waking the helper, the caller runs `ip::poll_inline` next.
///
/// # Safety
/// The Tap's instance and interface are live (they are while the Tap is).
unsafe fn deliver(t: &Tap, frame: &[u8], inline: bool) -> bool {
    if frame.len() < ETH_HDR {
        t.errors.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let dst = &frame[0..6];
    if dst[0] & 1 == 0 && dst != mac_bytes(t.mac.load(Ordering::Relaxed)) {
        return false; // unicast for someone else
    }
    let ethertype = u16::from_be_bytes([frame[12], frame[13]]);
    let (arp, version) = match ethertype {
        0x0800 => (false, 4u8),
        0x86DD => (false, 6u8),
        0x0806 => (true, 4u8),
        _ => return false,
    };
    // SAFETY: the Tap's interface, live while the Tap is (the caller's contract).
    if !unsafe { ip::link_is_up(t.ifc) } {
        return false;
    }
    // SAFETY: the Tap's live instance; its default pool is set at create and never changes.
    let pool = unsafe { (*t.ip).nx_ip_default_packet_pool };
    let mut p: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: the instance's created pool; `p` is a local output.
    if unsafe { packet::nx_packet_allocate(pool, &mut p, NX_PHYSICAL_HEADER, NX_NO_WAIT) } != NX_SUCCESS {
        t.alloc_errors.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let payload = &frame[ETH_HDR..];
    // SAFETY: `p` is ours; the source is the payload slice; the pool the instance's.
    if unsafe { packet::nx_packet_data_append(p, payload.as_ptr() as *mut VOID, payload.len() as ULONG, pool, NX_NO_WAIT) }
        != NX_SUCCESS
    {
        // SAFETY: ours, queued nowhere.
        unsafe { packet::nx_packet_release(p) };
        t.alloc_errors.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    {
        // SAFETY: the packet is ours until it is queued just below.
        let k = unsafe { &mut *p };
        k.nx_packet_ip_version = version;
        k.nx_packet_address.nx_packet_interface_ptr = t.ifc;
    }
    t.rx_frames.fetch_add(1, Ordering::Relaxed);
    if inline {
        // SAFETY: the Tap's live instance; the packet is handed over.
        unsafe { ip::deferred_receive_no_wake(t.ip, p, arp) };
    } else if arp {
        // SAFETY: as above.
        unsafe { ip::nx_arp_packet_deferred_receive(t.ip, p) };
    } else {
        // SAFETY: as above.
        unsafe { ip::nx_ip_packet_deferred_receive(t.ip, p) };
    }
    true
}

// ---------------------------------------------------------------- transmit

/// Sends one frame; the packet is always released. Returns the request status.
///
/// # Safety
/// A send request from an IP instance: its packet (handed to the driver)
/// and interface are live for the call.
unsafe fn transmit(r: &mut NX_IP_DRIVER) -> UINT {
    let pkt = r.nx_ip_driver_packet;
    if pkt.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: the request's interface (NULL or live); its Tap outlives this call.
    let status = match unsafe { tap_of(r.nx_ip_driver_interface) } {
        // SAFETY: the request's frame, ours for the call.
        Some(t) => unsafe { send_frame(t, r, pkt) },
        None => NX_NOT_SUCCESSFUL,
    };
    // SAFETY: the frame handed to the driver, released once.
    unsafe { packet::nx_packet_transmit_release(pkt) };
    status
}

/// Writes the frame to the TAP (header in the headroom, or in front).
///
/// # Safety
/// `pkt` is the request's frame, handed to the driver: ours for the call,
/// no other reference to it exists.
unsafe fn send_frame(t: &Tap, r: &NX_IP_DRIVER, pkt: *mut NX_PACKET) -> UINT {
    // SAFETY: the Tap's interface, live while the Tap is.
    if !unsafe { ip::link_is_up(t.ifc) } {
        t.errors.fetch_add(1, Ordering::Relaxed);
        return NX_NOT_SUCCESSFUL;
    }
    let requested = mac_bytes(mac_of(r.nx_ip_driver_physical_address_msw, r.nx_ip_driver_physical_address_lsw));
    let dst = match r.nx_ip_driver_command {
        NX_LINK_ARP_SEND | NX_LINK_RARP_SEND => BROADCAST,
        // A multicast address given with a broadcast request is kept (IPv6).
        NX_LINK_PACKET_BROADCAST if requested[0] & 1 == 0 => BROADCAST,
        _ => requested,
    };
    let ethertype: u16 = match r.nx_ip_driver_command {
        NX_LINK_ARP_SEND | NX_LINK_ARP_RESPONSE_SEND => 0x0806,
        NX_LINK_RARP_SEND => 0x8035,
        // SAFETY: the caller's frame (read only here).
        _ if unsafe { (*pkt).nx_packet_ip_version } == 6 => 0x86DD,
        _ => 0x0800,
    };
    let mut hdr = [0u8; ETH_HDR];
    hdr[0..6].copy_from_slice(&dst);
    hdr[6..12].copy_from_slice(&mac_bytes(t.mac.load(Ordering::Relaxed)));
    hdr[12..14].copy_from_slice(&ethertype.to_be_bytes());

    let mut iov = [libc::iovec { iov_base: ptr::null_mut(), iov_len: 0 }; MAX_SEGMENTS + 1];
    let mut n = 0;
    // SAFETY: the caller's frame, ours for the call; the reference ends
    // before the chain is walked again below.
    let head = unsafe { &mut *pkt };
    let headroom = head.nx_packet_prepend_ptr as usize - head.nx_packet_data_start as usize;
    let in_place = headroom >= ETH_HDR;
    if in_place {
        // Into the headroom, as NetX drivers do; undone before the release.
        head.nx_packet_prepend_ptr = head.nx_packet_prepend_ptr.wrapping_sub(ETH_HDR);
        head.nx_packet_length += ETH_HDR as ULONG;
        // SAFETY: ETH_HDR bytes of headroom (checked) in the packet's payload,
        // apart from the local header.
        unsafe { ptr::copy_nonoverlapping(hdr.as_ptr(), head.nx_packet_prepend_ptr, ETH_HDR) };
    } else {
        iov[0] = libc::iovec { iov_base: hdr.as_mut_ptr() as *mut VOID, iov_len: ETH_HDR };
        n = 1;
    }
    let mut p = pkt;
    let mut too_long = false;
    while !p.is_null() {
        if n == iov.len() {
            too_long = true;
            break;
        }
        // SAFETY: a packet of the caller's frame, read only.
        let k = unsafe { &*p };
        let len = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
        iov[n] = libc::iovec { iov_base: k.nx_packet_prepend_ptr as *mut VOID, iov_len: len };
        n += 1;
        p = k.nx_packet_next;
    }
    let status = if too_long {
        t.errors.fetch_add(1, Ordering::Relaxed);
        NX_NOT_SUCCESSFUL
    // SAFETY: `n` iovecs, each over the header or a packet's data, all
    // readable for the call; the descriptor is the Tap's.
    } else if unsafe { libc::writev(t.fd, iov.as_ptr(), n as c_int) } < 0 {
        // EIO: the host side is down; EAGAIN: queue full; EBADFD: gone.
        t.errors.fetch_add(1, Ordering::Relaxed);
        NX_NOT_SUCCESSFUL
    } else {
        t.tx_frames.fetch_add(1, Ordering::Relaxed);
        NX_SUCCESS
    };
    if in_place {
        // SAFETY: the caller's frame, as `head` above (whose use ended).
        let head = unsafe { &mut *pkt };
        head.nx_packet_prepend_ptr = head.nx_packet_prepend_ptr.wrapping_add(ETH_HDR);
        head.nx_packet_length -= ETH_HDR as ULONG;
    }
    status
}
