//! The C ABI of ferroscore: `libferroscore.so` / `libferroscore.a` and the
//! header `include/ferroscore.h` (written by cbindgen in `build.rs`).
//!
//! Conventions, the same for every export:
//! - symbols are prefixed `ferroscore_`; kernels come as `_f64` (`double`)
//!   and `_f32` (`float`, accumulated in `double`); group kernels also take
//!   `int32_t` codes (`_i32` suffix) besides `int64_t`;
//! - inputs are pointer + length; outputs are caller-allocated buffers with
//!   their own length, checked by the core;
//! - every fallible function returns a `FerroscoreStatus`; on failure
//!   `ferroscore_last_error_message` gives the reason;
//! - every export runs inside one `catch_unwind` landing pad: a panic (a bug)
//!   becomes `FERROSCORE_STATUS_INTERNAL_ERROR`, never an unwind into C;
//! - what owns memory is an opaque handle with `_new` and `_free`
//!   (`_free(NULL)` is a no-op): rule sets, reports, resumable scan states,
//!   compiled scan programs and their states.
//!
//! The binding holds no logic: it checks pointers, converts, calls the core.

use std::ffi::c_char;

use fscore::aggregate as agg;
use fscore::score::{self as sc, Interpolation, RollingKind};
use fscore::validate::Closed;

mod kernels;
mod options;
mod ptr;
mod scan;
mod states;
mod status;
mod validate;

pub use kernels::FerroscoreMoments;
pub use options::{
    FerroscoreClosed, FerroscoreCumKind, FerroscoreDtype, FerroscoreEwmOptions,
    FerroscoreInterpolation, FerroscoreRollingKind, FerroscoreRollingOptions,
    FerroscoreScoreOptions,
};
pub use scan::{FerroscoreScanProgram, FerroscoreScanState};
pub use states::{
    FerroscoreCumState, FerroscoreEwmMeanState, FerroscoreEwmVarState, FerroscoreRollingState,
    FerroscoreScoreState,
};
pub use status::FerroscoreStatus;
pub use validate::{FerroscoreColumn, FerroscoreReport, FerroscoreRuleSet};

use kernels::{moments_arg, Cum, Ewm, Strided};
use ptr::{c_str, put, scalar_out};
use status::landing_pad;

// The `_f64` / `_f32` exports, written by build.rs from its table.
include!(concat!(env!("OUT_DIR"), "/exports.rs"));

/// Merges two summaries into `*out`: the summary of the two samples
/// together (Chan et al.). `out` may be `a` or `b`.
///
/// # Safety
/// `a`, `b` NULL or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_moments_merge(
    a: *const FerroscoreMoments,
    b: *const FerroscoreMoments,
    out: *mut FerroscoreMoments,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (moments_arg(a, "a")?, moments_arg(b, "b")?) };
        // SAFETY: checked by scalar_out; `a` and `b` were copied.
        unsafe { put(out, a.merge(&b).into()) };
        Ok(())
    })
}

/// The variance with `ddof` of a summary (NaN when count <= ddof).
///
/// # Safety
/// `m` NULL or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_moments_var(
    m: *const FerroscoreMoments,
    ddof: usize,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let m = unsafe { moments_arg(m, "m") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, m.var(ddof)) };
        Ok(())
    })
}

/// The standard deviation with `ddof` of a summary.
///
/// # Safety
/// `m` NULL or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_moments_std(
    m: *const FerroscoreMoments,
    ddof: usize,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let m = unsafe { moments_arg(m, "m") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, m.std(ddof)) };
        Ok(())
    })
}

/// Parses an interpolation name (`"linear"`, `"lower"`, `"higher"`,
/// `"nearest"`, `"midpoint"`) into a `FerroscoreInterpolation` value.
///
/// # Safety
/// `name` NULL or a NUL-terminated string; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_interpolation_from_name(
    name: *const c_char,
    out: *mut i32,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let v = match unsafe { c_str(name, "interpolation") }?.parse::<Interpolation>()? {
            Interpolation::Linear => FerroscoreInterpolation::Linear,
            Interpolation::Lower => FerroscoreInterpolation::Lower,
            Interpolation::Higher => FerroscoreInterpolation::Higher,
            Interpolation::Nearest => FerroscoreInterpolation::Nearest,
            Interpolation::Midpoint => FerroscoreInterpolation::Midpoint,
        };
        // SAFETY: checked by scalar_out.
        unsafe { put(out, v as i32) };
        Ok(())
    })
}

/// Parses a `closed` name (`"both"`, `"left"`, `"right"`, `"neither"`) into
/// a `FerroscoreClosed` value.
///
/// # Safety
/// `name` NULL or a NUL-terminated string; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_closed_from_name(
    name: *const c_char,
    out: *mut i32,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let v = match unsafe { c_str(name, "closed") }?.parse::<Closed>()? {
            Closed::Both => FerroscoreClosed::Both,
            Closed::Left => FerroscoreClosed::Left,
            Closed::Right => FerroscoreClosed::Right,
            Closed::Neither => FerroscoreClosed::Neither,
        };
        // SAFETY: checked by scalar_out.
        unsafe { put(out, v as i32) };
        Ok(())
    })
}
