//! Status codes, the thread-local last error and the one landing pad every
//! export runs in.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use fscore::error::Code;

/// The status every fallible function returns. `FERROSCORE_STATUS_OK` is 0;
/// the Rust core's error codes keep their numbers; the
/// codes from 7 up are the C layer's own. On any status but OK,
/// `ferroscore_last_error_message` holds the reason.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FerroscoreStatus {
    /// Success.
    Ok = 0,
    /// An argument's value is outside its domain (window < 1, alpha out of
    /// range, an unknown enum value, a misaligned pointer, bad UTF-8, ...).
    InvalidArgument = 2,
    /// Two lengths that must agree do not (`out_len != n`, a table's columns).
    LengthMismatch = 3,
    /// A group code is not below `n_groups`.
    GroupOutOfRange = 4,
    /// A validation rule names a column the table does not have.
    UnknownColumn = 5,
    /// A rule cannot apply to a column of that type.
    UnsupportedRule = 6,
    /// A pointer is NULL where data is needed (a NULL array with `n = 0` is
    /// fine).
    NullPointer = 7,
    /// An output buffer overlaps an input where that is not allowed.
    Overlap = 8,
    /// A scan program does not compile: a syntax error, an unknown name, a
    /// wrong arity (the message has the line, the column and a caret).
    ParseError = 9,
    /// A string did not fit the caller's buffer: it was truncated (and
    /// NUL-terminated) and the full length reported.
    BufferTooSmall = 10,
    /// A bug in ferroscore (a Rust panic, caught at the boundary). Please
    /// report it with the message.
    InternalError = 99,
}

// The core's stable numbers are the C numbers.
const _: () = {
    assert!(Code::Ok as i32 == FerroscoreStatus::Ok as i32);
    assert!(Code::InvalidArgument as i32 == FerroscoreStatus::InvalidArgument as i32);
    assert!(Code::LengthMismatch as i32 == FerroscoreStatus::LengthMismatch as i32);
    assert!(Code::GroupOutOfRange as i32 == FerroscoreStatus::GroupOutOfRange as i32);
    assert!(Code::UnknownColumn as i32 == FerroscoreStatus::UnknownColumn as i32);
    assert!(Code::UnsupportedRule as i32 == FerroscoreStatus::UnsupportedRule as i32);
};

impl FerroscoreStatus {
    /// The status with the core code's number (the numbers are shared, and
    /// the core leaves 7, 8, 10 and 99 to the C layer). Mapping by number
    /// keeps this crate building when the core adds a code; a number the C
    /// layer does not know yet becomes an internal error.
    fn from_code(code: Code) -> Self {
        Self::from_i32(code as i32).unwrap_or(FerroscoreStatus::InternalError)
    }

    fn from_i32(v: i32) -> Option<Self> {
        use FerroscoreStatus as S;
        [
            S::Ok,
            S::InvalidArgument,
            S::LengthMismatch,
            S::GroupOutOfRange,
            S::UnknownColumn,
            S::UnsupportedRule,
            S::NullPointer,
            S::Overlap,
            S::ParseError,
            S::BufferTooSmall,
            S::InternalError,
        ]
        .into_iter()
        .find(|s| *s as i32 == v)
    }

    fn name(self) -> &'static str {
        use FerroscoreStatus as S;
        match self {
            S::Ok => "FERROSCORE_STATUS_OK\0",
            S::InvalidArgument => "FERROSCORE_STATUS_INVALID_ARGUMENT\0",
            S::LengthMismatch => "FERROSCORE_STATUS_LENGTH_MISMATCH\0",
            S::GroupOutOfRange => "FERROSCORE_STATUS_GROUP_OUT_OF_RANGE\0",
            S::UnknownColumn => "FERROSCORE_STATUS_UNKNOWN_COLUMN\0",
            S::UnsupportedRule => "FERROSCORE_STATUS_UNSUPPORTED_RULE\0",
            S::NullPointer => "FERROSCORE_STATUS_NULL_POINTER\0",
            S::Overlap => "FERROSCORE_STATUS_OVERLAP\0",
            S::ParseError => "FERROSCORE_STATUS_PARSE_ERROR\0",
            S::BufferTooSmall => "FERROSCORE_STATUS_BUFFER_TOO_SMALL\0",
            S::InternalError => "FERROSCORE_STATUS_INTERNAL_ERROR\0",
        }
    }
}

/// Why a call failed, before it becomes a status and a message.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The core said no.
    Core(fscore::Error),
    /// A NULL pointer for the named argument.
    Null(&'static str),
    /// An output overlaps an input.
    Overlap(&'static str, &'static str),
    /// A string was truncated into the caller's buffer.
    TooSmall(&'static str, usize, usize),
}

impl From<fscore::Error> for Failure {
    fn from(e: fscore::Error) -> Self {
        Failure::Core(e)
    }
}

/// `Result` of the binding's internals.
pub(crate) type Res<T = ()> = Result<T, Failure>;

/// An invalid-argument failure decided by the C layer (unknown enum value,
/// misaligned pointer): the core's error type, so the message reads the same.
pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Failure {
    Failure::Core(fscore::Error::invalid(name, reason))
}

impl Failure {
    fn into_status(self) -> (FerroscoreStatus, String) {
        match self {
            Failure::Core(e) => (FerroscoreStatus::from_code(e.code()), e.to_string()),
            Failure::Null(name) => (
                FerroscoreStatus::NullPointer,
                format!("null pointer for `{name}`"),
            ),
            Failure::Overlap(out, inp) => (
                FerroscoreStatus::Overlap,
                format!("output `{out}` overlaps input `{inp}`"),
            ),
            Failure::TooSmall(name, needed, got) => (
                FerroscoreStatus::BufferTooSmall,
                format!(
                    "buffer `{name}` too small: the text needs {} bytes with its NUL, got {got}",
                    needed + 1
                ),
            ),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(msg: String) {
    // `try_with`: during thread teardown the slot may be gone; then the
    // message is dropped, never a panic.
    let _ = LAST_ERROR.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            *m = msg;
        }
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic payload"
    }
}

/// Runs `f`, turning its failure (or a panic) into a status and the thread's
/// last error message. Every export goes through here: no panic unwinds into
/// the caller's frames.
pub(crate) fn landing_pad(f: impl FnOnce() -> Res) -> FerroscoreStatus {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => FerroscoreStatus::Ok,
        Ok(Err(failure)) => {
            let (status, msg) = failure.into_status();
            set_last_error(msg);
            status
        }
        Err(payload) => {
            set_last_error(format!(
                "internal error (a bug in ferroscore, please report it): {}",
                panic_message(payload.as_ref())
            ));
            FerroscoreStatus::InternalError
        }
    }
}

/// Like [`landing_pad`] for functions without a status (`_free`): a panic
/// is caught and recorded as the last error.
pub(crate) fn landing_pad_void(f: impl FnOnce()) {
    let _ = landing_pad(|| {
        f();
        Ok(())
    });
}

/// Copies `text` into `buf[0..len]` as a NUL-terminated string, truncated at
/// a UTF-8 character boundary when it does not fit. Returns true when it fit.
///
/// # Safety
/// `buf` is NULL or valid for `len` bytes of writes.
pub(crate) unsafe fn copy_str(text: &str, buf: *mut c_char, len: usize) -> bool {
    if buf.is_null() || len == 0 {
        return false;
    }
    let mut k = text.len().min(len - 1);
    while !text.is_char_boundary(k) {
        k -= 1;
    }
    // SAFETY: the caller guarantees `buf` holds `len` bytes and `k < len`;
    // `text` is a Rust string, which cannot overlap a caller's buffer we only
    // write to here.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), k);
        *buf.add(k) = 0;
    }
    k == text.len()
}

/// Copies a string getter's result: `*needed` (when not NULL) receives the
/// text's length in bytes without the NUL; `len = 0` only asks for that
/// length; a truncated copy is `FERROSCORE_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` NULL or valid for `len` bytes of writes; `needed` NULL or valid.
pub(crate) unsafe fn string_out(
    text: &str,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> Res {
    if !needed.is_null() {
        crate::ptr::check_align(needed, "needed")?;
        // SAFETY: non-NULL and aligned; the caller guarantees it is writable.
        unsafe { needed.write(text.len()) };
    }
    if len == 0 {
        return Ok(());
    }
    if buf.is_null() {
        return Err(Failure::Null("buf"));
    }
    // SAFETY: forwarded from the caller's contract.
    if unsafe { copy_str(text, buf, len) } {
        Ok(())
    } else {
        Err(Failure::TooSmall("buf", text.len(), len))
    }
}

/// Copies the message of this thread's last failed call into `buf` as a
/// NUL-terminated UTF-8 string (truncated to `len - 1` bytes at a character
/// boundary) and returns the message's full length in bytes, without the
/// NUL, like `snprintf`. `buf = NULL` or `len = 0` only asks for the length.
///
/// The message stays until the next failure on the same thread; successful
/// calls do not clear it. An empty string means no call has failed on this
/// thread yet. This function never fails and never changes the message.
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_last_error_message(buf: *mut c_char, len: usize) -> usize {
    catch_unwind(AssertUnwindSafe(|| {
        LAST_ERROR
            .try_with(|m| {
                let m = m.borrow();
                // SAFETY: forwarded from this function's contract.
                unsafe { copy_str(&m, buf, len) };
                m.len()
            })
            .unwrap_or(0)
    }))
    .unwrap_or(0)
}

/// The name of a status code as a static NUL-terminated string
/// (`"FERROSCORE_STATUS_LENGTH_MISMATCH"`), or `"FERROSCORE_STATUS_UNKNOWN"`
/// for a number that is not a status. Never NULL; do not free it.
#[no_mangle]
pub extern "C" fn ferroscore_status_name(status: i32) -> *const c_char {
    FerroscoreStatus::from_i32(status)
        .map_or("FERROSCORE_STATUS_UNKNOWN\0", FerroscoreStatus::name)
        .as_ptr()
        .cast()
}

/// The library's version (`"0.1.0"`) as a static NUL-terminated string.
/// Never NULL; do not free it.
#[no_mangle]
pub extern "C" fn ferroscore_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Panics inside the landing pad, to test that no panic crosses the
/// boundary: always returns `FERROSCORE_STATUS_INTERNAL_ERROR` and sets the
/// last error message. Exists for the test suites; has no other use.
#[no_mangle]
pub extern "C" fn ferroscore_test_internal_panic() -> FerroscoreStatus {
    landing_pad(|| panic!("ferroscore_test_internal_panic was called"))
}
