//! Resumable scan states as R external pointers.

use crate::conv::*;
use crate::kernels::{
    cum_kind, ewm_options, rolling_kind, rolling_options, scan_chunked, score_options, times_arg,
};
use extendr_api::prelude::*;
use ferroscore::scan::ScanState;
use ferroscore::score::{CumState, EwmMeanState, EwmVarState, RollingState, ScoreState, Snapshot};

/// Any scan's state.
#[derive(Debug, Clone)]
pub(crate) enum State {
    /// `score_series`.
    Score(ScoreState),
    /// `ewm_mean`.
    EwmMean(EwmMeanState),
    /// `ewm_var` / `ewm_std`.
    EwmVar(EwmVarState),
    /// `rolling_*` (trailing windows).
    Rolling(RollingState),
    /// `cumsum`, `cummax`, `cummin`, `drawdown`.
    Cum(CumState),
    /// A compiled scan program (`compile_scan`).
    Program(ScanState),
}

fn wrap(s: State) -> Robj {
    ExternalPtr::new(s).into()
}

pub(crate) fn unwrap_state(x: &Robj) -> BResult<ExternalPtr<State>> {
    let bad = || arg_err("state", "must be a state made by scan_state()");
    if !x.is_external_pointer() {
        return Err(bad());
    }
    ExternalPtr::<State>::try_from(x.clone()).map_err(|_| bad())
}

pub(crate) fn new_score(up: Robj, down: Robj, init: Robj, skipna: Robj) -> BResult<Robj> {
    let o = score_options(&up, &down, &init, &skipna)?;
    Ok(wrap(State::Score(ScoreState::new(&o)?)))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn new_ewm(
    stat: Robj,
    alpha: Robj,
    span: Robj,
    com: Robj,
    halflife: Robj,
    adjust: Robj,
    ignore_na: Robj,
    min_periods: Robj,
    bias: Robj,
) -> BResult<Robj> {
    let o = ewm_options(
        &alpha,
        &span,
        &com,
        &halflife,
        &adjust,
        &ignore_na,
        &min_periods,
        &bias,
    )?;
    Ok(wrap(match str_arg(&stat, "stat")? {
        "mean" => State::EwmMean(EwmMeanState::new(&o)?),
        "var" => State::EwmVar(EwmVarState::new(&o, false)?),
        "std" | "sd" => State::EwmVar(EwmVarState::new(&o, true)?),
        s => {
            return Err(arg_err(
                "stat",
                format!("must be one of mean, var, sd; got {s:?}"),
            ))
        }
    }))
}

pub(crate) fn new_rolling(
    stat: Robj,
    window: Robj,
    min_periods: Robj,
    ddof: Robj,
    q: Robj,
    interpolation: Robj,
    skipna: Robj,
) -> BResult<Robj> {
    let kind = rolling_kind(&stat, &q, &interpolation)?;
    let center: Robj = false.into();
    let o = rolling_options(&window, &min_periods, &center, &ddof, &skipna)?;
    Ok(wrap(State::Rolling(RollingState::new(kind, &o)?)))
}

pub(crate) fn new_cum(stat: Robj, skipna: Robj) -> BResult<Robj> {
    Ok(wrap(State::Cum(CumState::new(
        cum_kind(&stat)?,
        bool_arg(&skipna, "na_rm")?,
    ))))
}

/// Feeds a chunk; the state moves on (in place).
pub(crate) fn update(state: Robj, x: Robj, times: Robj) -> BResult<Robj> {
    let mut ptr = unwrap_state(&state)?;
    let xs = numeric(&x, "x")?;
    if xs.ncol > 1 {
        return Err(arg_err(
            "x",
            "must be a vector (a state follows one series)",
        ));
    }
    let mut out = alloc_like(&x, xs.values.len());
    let o = real_mut(&mut out);
    let st = ptr
        .try_addr_mut()
        .map_err(|_| arg_err("state", "is no longer valid"))?;
    if !times.is_null() && !matches!(st, State::EwmMean(_)) {
        return Err(arg_err("times", "only an ewm_mean state takes times"));
    }
    match st {
        State::Score(s) => scan_chunked(s, &xs.values, o)?,
        State::EwmMean(s) if !times.is_null() => {
            let t = times_arg(&times, xs.values.len())?;
            // The core checks every time before it moves the state.
            s.update_times_into(&xs.values, &t.values, o)?;
            restore_na(o);
        }
        State::EwmMean(s) => scan_chunked(s, &xs.values, o)?,
        State::EwmVar(s) => scan_chunked(s, &xs.values, o)?,
        State::Rolling(s) => scan_chunked(s, &xs.values, o)?,
        State::Cum(s) => scan_chunked(s, &xs.values, o)?,
        State::Program(s) => scan_chunked(s, &xs.values, o)?,
    }
    Ok(out)
}

/// An independent copy of a state.
pub(crate) fn copy(state: Robj) -> BResult<Robj> {
    let ptr = unwrap_state(&state)?;
    let st = ptr
        .try_addr()
        .map_err(|_| arg_err("state", "is no longer valid"))?;
    Ok(wrap(st.clone()))
}

/// A one-line description for `print()`.
pub(crate) fn describe(state: Robj) -> BResult<Robj> {
    let ptr = unwrap_state(&state)?;
    let st = ptr
        .try_addr()
        .map_err(|_| arg_err("state", "is no longer valid"))?;
    let s = match st {
        State::Score(s) => format!("score_series state: s = {} ({:?})", s.state(), s.options()),
        State::EwmMean(s) => format!("ewm_mean state: mean = {}", s.mean()),
        State::EwmVar(_) => "ewm_var/ewm_sd state".to_string(),
        State::Rolling(s) => format!("rolling state: {:?}", s.kind()),
        State::Cum(_) => "cumulative state".to_string(),
        State::Program(s) => {
            let vals: Vec<String> = s
                .program()
                .states()
                .iter()
                .zip(s.states())
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            format!("{}, after {} rows", vals.join(", "), s.rows())
        }
    };
    Ok(s.into())
}

/// Whether `state` is a state whose pointer is still valid (not one reloaded
/// by `readRDS()`).
pub(crate) fn is_live(state: Robj) -> BResult<Robj> {
    let live = unwrap_state(&state)
        .map(|p| p.try_addr().is_ok())
        .unwrap_or(false);
    Ok(live.into())
}

/// A kernel state's carried values as plain numbers (the core's `Snapshot`),
/// which the R object keeps so that it survives `saveRDS()`.
pub(crate) fn save(state: Robj) -> BResult<Robj> {
    let ptr = unwrap_state(&state)?;
    let st = ptr
        .try_addr()
        .map_err(|_| arg_err("state", "is no longer valid"))?;
    let v = match st {
        State::Score(s) => s.save(),
        State::EwmMean(s) => s.save(),
        State::EwmVar(s) => s.save(),
        State::Rolling(s) => s.save(),
        State::Cum(s) => s.save(),
        State::Program(_) => return Err(arg_err("state", "a program's state keeps its own parts")),
    };
    // Copied bit for bit (NaN stays NaN: these are not output values).
    let mut out = Robj::alloc_vector(extendr_ffi::SEXPTYPE::REALSXP, v.len());
    real_mut(&mut out).copy_from_slice(&v);
    Ok(out)
}

/// Loads numbers made by [`save`] into `state`, a fresh state built with the
/// same options; returns `state`.
pub(crate) fn load(state: Robj, data: Robj) -> BResult<Robj> {
    let mut ptr = unwrap_state(&state)?;
    let bad = || arg_err("state", "has saved values that are not numbers");
    if data.rtype() != Rtype::Doubles {
        return Err(bad());
    }
    let d = data.as_real_slice().ok_or_else(bad)?;
    let st = ptr
        .try_addr_mut()
        .map_err(|_| arg_err("state", "is no longer valid"))?;
    match st {
        State::Score(s) => s.load(d)?,
        State::EwmMean(s) => s.load(d)?,
        State::EwmVar(s) => s.load(d)?,
        State::Rolling(s) => s.load(d)?,
        State::Cum(s) => s.load(d)?,
        State::Program(_) => return Err(arg_err("state", "a program's state keeps its own parts")),
    }
    Ok(state)
}
