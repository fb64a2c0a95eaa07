//! ThreadX port, `std` builds only (the host library the C tests link while
//! the stack still allocates): [`spawn`](super::spawn) with a closure, its
//! control block and stack on the heap. Embedded builds use
//! [`spawn_in`](super::spawn_in) with the caller's memory.

use super::threadx::{spawn_in, Thread, ThreadSlot};
use super::StackArea;

/// ThreadX priority of a thread started with a closure.
const PRIORITY: u32 = 1;
/// Its stack (the harness runs threads on their own host stacks anyway).
const STACK_WORDS: usize = 8192;

/// Heap storage a [`Thread`] keeps until its join.
pub struct Owned {
    _slot: Box<ThreadSlot>,
    _stack: Box<[u64]>,
}

type Job = Box<dyn FnOnce() + Send>;

fn run(arg: usize) {
    // SAFETY: `arg` is the Box<Job> leaked by spawn, run once.
    let job = unsafe { Box::from_raw(arg as *mut Job) };
    job();
}

pub(super) fn spawn<F: FnOnce() + Send + 'static>(_name: &str, f: F) -> Option<Thread> {
    let mut slot = Box::new(ThreadSlot::new());
    let mut stack = vec![0u64; STACK_WORDS].into_boxed_slice();
    let job: Box<Job> = Box::new(Box::new(f));
    let arg = Box::into_raw(job) as usize;
    let area = StackArea { ptr: stack.as_mut_ptr() as *mut u8, size: stack.len() * 8 };
    // SAFETY: slot and stack are owned by the Thread until its join.
    match unsafe { spawn_in(&mut *slot, c"nx helper", area, PRIORITY, run, arg) } {
        Some(mut t) => {
            t.owned = Some(Owned { _slot: slot, _stack: stack });
            Some(t)
        }
        None => {
            // SAFETY: the thread did not start; the job is ours again.
            drop(unsafe { Box::from_raw(arg as *mut Job) });
            None
        }
    }
}
