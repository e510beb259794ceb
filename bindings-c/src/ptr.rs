//! Raw pointer + length → slices, with the checks a C caller deserves:
//! NULL, alignment, size and overlap become statuses instead of undefined
//! behaviour.

use crate::status::{invalid, Failure, Res};

/// Fails unless `p` is aligned for `T`.
pub(crate) fn check_align<T>(p: *const T, name: &'static str) -> Res {
    if (p as usize) % std::mem::align_of::<T>() == 0 {
        Ok(())
    } else {
        Err(invalid(
            name,
            format!(
                "pointer {p:p} is not aligned to {} bytes",
                std::mem::align_of::<T>()
            ),
        ))
    }
}

fn check_layout<T>(p: *const T, n: usize, name: &'static str) -> Res {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    check_align(p, name)?;
    match n.checked_mul(std::mem::size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(invalid(name, format!("length {n} is too large"))),
    }
}

/// The byte range a slice covers.
pub(crate) fn span<T>(s: &[T]) -> (usize, usize) {
    let a = s.as_ptr() as usize;
    (a, a + std::mem::size_of_val(s))
}

/// A read-only input array of `n` values (`p` may be NULL when `n = 0`).
///
/// # Safety
/// When `n > 0` and `p` is not NULL, `p` must be valid for reads of `n`
/// values, not written to during the call.
pub(crate) unsafe fn input<'a, T>(p: *const T, n: usize, name: &'static str) -> Res<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    check_layout(p, n, name)?;
    // SAFETY: non-NULL, aligned, size checked; validity is the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// An output array of `n` values that must not overlap any of `inputs`
/// (name and byte range).
///
/// # Safety
/// When `n > 0` and `p` is not NULL, `p` must be valid for reads and writes of
/// `n` values and not accessed by anyone else during the call.
pub(crate) unsafe fn output<'a, T>(
    p: *mut T,
    n: usize,
    name: &'static str,
    inputs: &[(&'static str, (usize, usize))],
) -> Res<&'a mut [T]> {
    if n == 0 {
        return Ok(&mut []);
    }
    check_layout(p, n, name)?;
    let (a0, a1) = (p as usize, p as usize + n * std::mem::size_of::<T>());
    for &(iname, (b0, b1)) in inputs {
        if b0 < b1 && a0 < b1 && b0 < a1 {
            return Err(Failure::Overlap(name, iname));
        }
    }
    // SAFETY: non-NULL, aligned, size checked, disjoint from every input
    // slice alive in this call; validity is the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, n) })
}

/// A checked pointer to one output value (written with [`put`]).
pub(crate) fn scalar_out<T>(p: *mut T, name: &'static str) -> Res<*mut T> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    check_align(p, name)?;
    Ok(p)
}

/// Writes one output value through a pointer checked by [`scalar_out`].
///
/// # Safety
/// `p` comes from [`scalar_out`] and is valid for a write of a `T`.
pub(crate) unsafe fn put<T>(p: *mut T, v: T) {
    // SAFETY: non-NULL and aligned (scalar_out); valid by the caller's contract.
    unsafe { p.write(v) }
}

/// A shared reference to a handle or struct (NULL is an error).
///
/// # Safety
/// `p` NULL or a valid pointer to a live `T`.
pub(crate) unsafe fn reference<'a, T>(p: *const T, name: &'static str) -> Res<&'a T> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    check_align(p, name)?;
    // SAFETY: non-NULL, aligned; liveness is the caller's contract.
    Ok(unsafe { &*p })
}

/// An exclusive reference to a handle (NULL is an error).
///
/// # Safety
/// `p` NULL or a valid pointer to a live `T` nobody else uses during the call.
pub(crate) unsafe fn exclusive<'a, T>(p: *mut T, name: &'static str) -> Res<&'a mut T> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    check_align(p, name)?;
    // SAFETY: non-NULL, aligned; liveness and exclusivity are the caller's contract.
    Ok(unsafe { &mut *p })
}

/// Stores a new handle in `*out` (checked first, so nothing leaks).
pub(crate) fn new_handle<T>(out: *mut *mut T, make: impl FnOnce() -> Res<T>) -> Res {
    let out = scalar_out(out, "out")?;
    let h = Box::into_raw(Box::new(make()?));
    // SAFETY: `out` checked by scalar_out; writable by the caller's contract.
    unsafe { put(out, h) };
    Ok(())
}

/// Frees a handle made by [`new_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` NULL or a pointer from [`new_handle`] of the same `T`, not yet freed.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from Box::into_raw and is freed once (contract).
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` NULL or a valid NUL-terminated string.
pub(crate) unsafe fn c_str<'a>(p: *const std::ffi::c_char, name: &'static str) -> Res<&'a str> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let s = unsafe { std::ffi::CStr::from_ptr(p) };
    s.to_str()
        .map_err(|e| invalid(name, format!("is not valid UTF-8: {e}")))
}
