//! What the embedded ports' lock guards share: the [`Relock`] trait their
//! `Signal::wait_until` takes, and `guard_impls!`, which gives a guard its
//! `Deref`, `DerefMut` and `Relock` impls. A guard is `$guard<'a, T>` with
//! a field `lock: &'a $lock<T>`; the lock has a field
//! `value: UnsafeCell<T>` and a method `lock(&self) -> $guard<'_, T>`.
//! (The std port's guards are std's and need none of this.)

/// A guard `Signal::wait_until` can release and take again.
pub trait Relock<'a>: Sized {
    /// The lock the guard holds.
    type Lock: 'a;
    /// Releases the guard, giving back its lock.
    fn unlock(self) -> &'a Self::Lock;
    /// Takes the lock again.
    fn relock(lock: &'a Self::Lock) -> Self;
}

/// `Deref`, `DerefMut` and [`Relock`] for a guard type over a lock type
/// (module doc).
macro_rules! guard_impls {
    ($guard:ident, $lock:ident) => {
        impl<T> ::core::ops::Deref for $guard<'_, T> {
            type Target = T;
            fn deref(&self) -> &T {
                // SAFETY: a guard exists only while its lock is held.
                unsafe { &*self.lock.value.get() }
            }
        }

        impl<T> ::core::ops::DerefMut for $guard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: the lock is held by this guard only.
                unsafe { &mut *self.lock.value.get() }
            }
        }

        impl<'a, T: 'a> $crate::port::guard::Relock<'a> for $guard<'a, T> {
            type Lock = $lock<T>;
            fn unlock(self) -> &'a $lock<T> {
                let l = self.lock;
                drop(self);
                l
            }
            fn relock(lock: &'a $lock<T>) -> Self {
                lock.lock()
            }
        }
    };
}
pub(crate) use guard_impls;
