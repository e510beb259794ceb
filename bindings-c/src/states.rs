//! Opaque handles for the resumable scan states. Feeding a series in chunks
//! through a state gives bit-identical output to one call on the whole
//! series. (Handles for compiled scans of the scan language follow when the
//! core has them.)

use fscore::score::{CumState, EwmMeanState, EwmVarState, RollingState, Scan, ScoreState};
use fscore::Float;

use crate::kernels::scan;
use crate::options::{
    self, FerroscoreEwmOptions, FerroscoreRollingOptions, FerroscoreScoreOptions,
};
use crate::ptr::{
    exclusive, free_handle, input, new_handle, output, put, reference, scalar_out, span,
};
use crate::status::{landing_pad, landing_pad_void, FerroscoreStatus};

/// Resumable state of `score_series` (opaque).
#[derive(Debug, Clone)]
pub struct FerroscoreScoreState(ScoreState);
/// Resumable state of `ewm_mean`, with or without times (opaque).
#[derive(Debug, Clone)]
pub struct FerroscoreEwmMeanState(EwmMeanState);
/// Resumable state of `ewm_var` or `ewm_std` (opaque).
#[derive(Debug, Clone)]
pub struct FerroscoreEwmVarState(EwmVarState);
/// Resumable state of a trailing rolling statistic (opaque).
#[derive(Debug, Clone)]
pub struct FerroscoreRollingState(RollingState);
/// Resumable state of cumsum / cummax / cummin / drawdown (opaque).
#[derive(Debug, Clone)]
pub struct FerroscoreCumState(CumState);

/// Access to the core state inside a handle.
pub(crate) trait Handle {
    /// The core state.
    type State: Scan;
    /// Borrows it mutably.
    fn state(&mut self) -> &mut Self::State;
}

macro_rules! handle {
    ($($h:ty => $s:ty),*) => {$(
        impl Handle for $h {
            type State = $s;
            fn state(&mut self) -> &mut $s {
                &mut self.0
            }
        }
    )*};
}
handle!(
    FerroscoreScoreState => ScoreState,
    FerroscoreEwmMeanState => EwmMeanState,
    FerroscoreEwmVarState => EwmVarState,
    FerroscoreRollingState => RollingState,
    FerroscoreCumState => CumState
);

/// Feeds a chunk to a state handle.
///
/// # Safety
/// `st` NULL or a live handle not used elsewhere during the call; `x` valid
/// for `n` reads, `out` for `out_len` writes (or NULL / 0).
pub(crate) unsafe fn update<H: Handle, T: Float>(
    st: *mut H,
    x: *const T,
    n: usize,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            let st = exclusive(st, "state")?;
            Ok(st.state().update_into(x, out)?)
        })
    }
}

/// Feeds a chunk with observation times to an ewm mean state.
///
/// # Safety
/// As [`update`]; `times` valid for `times_len` reads.
pub(crate) unsafe fn update_times<T: Float>(
    st: *mut FerroscoreEwmMeanState,
    x: *const T,
    n: usize,
    times: *const f64,
    times_len: usize,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let st = unsafe { exclusive(st, "state") }?;
        // SAFETY: forwarded from the export's contract.
        let x = unsafe { input(x, n, "x") }?;
        // SAFETY: forwarded from the export's contract.
        let times = unsafe { input(times, times_len, "times") }?;
        let ins = [("x", span(x)), ("times", span(times))];
        // SAFETY: forwarded from the export's contract; disjoint from the inputs.
        let out = unsafe { output(out, out_len, "out", &ins) }?;
        Ok(st.0.update_times_into(x, times, out)?)
    })
}

/// Frees a handle (NULL is a no-op).
///
/// # Safety
/// `st` NULL or a handle from `_new` / `_clone` of this type, not yet freed.
pub(crate) unsafe fn free<H>(st: *mut H) {
    // SAFETY: forwarded from the export's contract.
    landing_pad_void(|| unsafe { free_handle(st) })
}

/// Copies a handle into `*out`.
///
/// # Safety
/// `st` NULL or a live handle; `out` NULL or valid for one write.
pub(crate) unsafe fn clone<H: Clone>(st: *const H, out: *mut *mut H) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let st = unsafe { reference(st, "state") }?;
        new_handle(out, || Ok(st.clone()))
    })
}

/// A fresh `score_series` state in `*out` (free it with
/// `ferroscore_score_state_free`). `opts` NULL means the defaults.
///
/// # Safety
/// `opts` NULL or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_score_state_new(
    opts: *const FerroscoreScoreOptions,
    out: *mut *mut FerroscoreScoreState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            // SAFETY: forwarded from this function's contract.
            let o = unsafe { options::score(opts) }?;
            Ok(FerroscoreScoreState(ScoreState::new(&o)?))
        })
    })
}

/// The current state value `s` of a `score_series` state.
///
/// # Safety
/// `st` NULL or a live handle; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_score_state_value(
    st: *const FerroscoreScoreState,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(st, "state") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, st.0.state()) };
        Ok(())
    })
}

/// A fresh `ewm_mean` state in `*out` (free it with
/// `ferroscore_ewm_mean_state_free`).
///
/// # Safety
/// `opts` NULL (an error) or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ewm_mean_state_new(
    opts: *const FerroscoreEwmOptions,
    out: *mut *mut FerroscoreEwmMeanState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            // SAFETY: forwarded from this function's contract.
            let o = unsafe { options::ewm(opts) }?;
            Ok(FerroscoreEwmMeanState(EwmMeanState::new(&o)?))
        })
    })
}

/// The current mean of an ewm mean state (NaN before the first observation).
///
/// # Safety
/// `st` NULL or a live handle; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ewm_mean_state_value(
    st: *const FerroscoreEwmMeanState,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(st, "state") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, st.0.mean()) };
        Ok(())
    })
}

/// A fresh `ewm_var` (`std = false`) or `ewm_std` (`std = true`) state in
/// `*out` (free it with `ferroscore_ewm_var_state_free`).
///
/// # Safety
/// `opts` NULL (an error) or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ewm_var_state_new(
    opts: *const FerroscoreEwmOptions,
    std: bool,
    out: *mut *mut FerroscoreEwmVarState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            // SAFETY: forwarded from this function's contract.
            let o = unsafe { options::ewm(opts) }?;
            Ok(FerroscoreEwmVarState(EwmVarState::new(&o, std)?))
        })
    })
}

/// A fresh trailing rolling state in `*out` (free it with
/// `ferroscore_rolling_state_free`). `kind` is a `FerroscoreRollingKind`;
/// `q` and `interpolation` (a `FerroscoreInterpolation`) are read only for
/// `FERROSCORE_ROLLING_KIND_QUANTILE`. `opts->center` must be false
/// (centered windows look ahead).
///
/// # Safety
/// `opts` NULL (an error) or valid; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_rolling_state_new(
    kind: i32,
    q: f64,
    interpolation: i32,
    opts: *const FerroscoreRollingOptions,
    out: *mut *mut FerroscoreRollingState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            let kind = options::rolling_kind(kind, q, interpolation)?;
            // SAFETY: forwarded from this function's contract.
            let o = unsafe { options::rolling(opts) }?;
            Ok(FerroscoreRollingState(RollingState::new(kind, &o)?))
        })
    })
}

/// A fresh cumulative state in `*out` (free it with
/// `ferroscore_cum_state_free`); `kind` is a `FerroscoreCumKind`.
///
/// # Safety
/// `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_cum_state_new(
    kind: i32,
    skipna: bool,
    out: *mut *mut FerroscoreCumState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            Ok(FerroscoreCumState(CumState::new(
                options::cum_kind(kind)?,
                skipna,
            )))
        })
    })
}
