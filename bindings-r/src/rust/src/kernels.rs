//! Kernel calls: parse the options, run the core on every column, write back.

use crate::conv::*;
use extendr_api::prelude::*;
use ferroscore::aggregate as agg;
use ferroscore::score::{
    self, CumKind, CumState, EwmMeanState, EwmOptions, EwmVarState, Interpolation, RollingKind,
    RollingOptions, RollingState, Scan, ScoreOptions, ScoreState,
};
use rayon::prelude::*;

/// Feeds `x` through `st` chunk by chunk, turning each chunk's NaNs into
/// `NA_real_` while it is in cache.
pub(crate) fn scan_chunked<S: Scan>(st: &mut S, x: &[f64], out: &mut [f64]) -> BResult<()> {
    for (xc, oc) in x.chunks(CHUNK).zip(out.chunks_mut(CHUNK)) {
        st.update_into(xc, oc)?;
        restore_na(oc);
    }
    Ok(())
}

/// Runs `f(column, out_column)` on every column, columns in parallel.
fn per_column<F>(x: &Numeric<'_>, out: &mut [f64], f: F) -> BResult<()>
where
    F: Fn(&[f64], &mut [f64]) -> BResult<()> + Sync + Send,
{
    if x.nrow == 0 || x.ncol == 0 {
        return Ok(());
    }
    if x.ncol == 1 {
        return f(&x.values, out);
    }
    out.par_chunks_mut(x.nrow)
        .zip(x.values.par_chunks(x.nrow))
        .try_for_each(|(o, c)| f(c, o))
}

/// Allocates the output shaped as `x`, runs the scan `f` on every column.
fn map_scan<F>(x: Robj, f: F) -> BResult<Robj>
where
    F: Fn(&[f64], &mut [f64]) -> BResult<()> + Sync + Send,
{
    let xs = numeric(&x, "x")?;
    let mut out = alloc_like(&x, xs.values.len());
    per_column(&xs, real_mut(&mut out), f)?;
    Ok(out)
}

/// A fresh copy of `st` per column.
fn scan_with<S: Scan + Clone + Send + Sync>(
    st: &S,
) -> impl Fn(&[f64], &mut [f64]) -> BResult<()> + Sync + Send + '_ {
    move |c, o| scan_chunked(&mut st.clone(), c, o)
}

// ---- options (shared by the one-shot kernels and the resumable states) ----

pub(crate) fn score_options(
    up: &Robj,
    down: &Robj,
    init: &Robj,
    skipna: &Robj,
) -> BResult<ScoreOptions> {
    let o = ScoreOptions {
        up: f64_arg(up, "up")?,
        down: f64_arg(down, "down")?,
        init: f64_arg(init, "init")?,
        skipna: bool_arg(skipna, "na_rm")?,
    };
    o.validate()?;
    Ok(o)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn ewm_options(
    alpha: &Robj,
    span: &Robj,
    com: &Robj,
    halflife: &Robj,
    adjust: &Robj,
    ignore_na: &Robj,
    min_periods: &Robj,
    bias: &Robj,
) -> BResult<EwmOptions> {
    let mut o = EwmOptions::from_params(
        opt_f64_arg(alpha, "alpha")?,
        opt_f64_arg(span, "span")?,
        opt_f64_arg(com, "com")?,
        opt_f64_arg(halflife, "halflife")?,
    )?;
    o.adjust = bool_arg(adjust, "adjust")?;
    o.ignore_na = bool_arg(ignore_na, "ignore_na")?;
    o.min_periods = usize_arg(min_periods, "min_periods")?;
    o.bias = bool_arg(bias, "bias")?;
    o.validate()?;
    Ok(o)
}

pub(crate) fn rolling_kind(stat: &Robj, q: &Robj, interpolation: &Robj) -> BResult<RollingKind> {
    let k = match str_arg(stat, "stat")? {
        "sum" => RollingKind::Sum,
        "mean" => RollingKind::Mean,
        "var" => RollingKind::Var,
        "std" | "sd" => RollingKind::Std,
        "zscore" => RollingKind::Zscore,
        "min" => RollingKind::Min,
        "max" => RollingKind::Max,
        "median" => RollingKind::Median,
        "quantile" => RollingKind::Quantile {
            q: f64_arg(q, "q")?,
            interpolation: str_arg(interpolation, "interpolation")?.parse::<Interpolation>()?,
        },
        s => {
            return Err(arg_err(
                "stat",
                format!(
                "must be one of sum, mean, var, sd, zscore, min, max, median, quantile; got {s:?}"
            ),
            ))
        }
    };
    k.validate()?;
    Ok(k)
}

pub(crate) fn rolling_options(
    window: &Robj,
    min_periods: &Robj,
    center: &Robj,
    ddof: &Robj,
    skipna: &Robj,
) -> BResult<RollingOptions> {
    let o = RollingOptions {
        window: usize_arg(window, "window")?,
        min_periods: opt_usize_arg(min_periods, "min_periods")?,
        center: bool_arg(center, "center")?,
        ddof: usize_arg(ddof, "ddof")?,
        skipna: bool_arg(skipna, "na_rm")?,
    };
    o.validate()?;
    Ok(o)
}

pub(crate) fn cum_kind(stat: &Robj) -> BResult<CumKind> {
    Ok(match str_arg(stat, "stat")? {
        "sum" => CumKind::Sum,
        "max" => CumKind::Max,
        "min" => CumKind::Min,
        "drawdown" => CumKind::Drawdown,
        s => {
            return Err(arg_err(
                "stat",
                format!("must be one of sum, max, min, drawdown; got {s:?}"),
            ))
        }
    })
}

/// The times of a time-based `ewm_mean`: `nrow` finite numbers (the core
/// checks the order).
pub(crate) fn times_arg<'a>(times: &'a Robj, nrow: usize) -> BResult<Numeric<'a>> {
    let t = numeric(times, "times")?;
    if t.values.len() != nrow {
        return Err(BindError::Core(ferroscore::Error::LengthMismatch {
            name: "times",
            expected: nrow,
            actual: t.values.len(),
        }));
    }
    Ok(t)
}

// ---- scans ----

pub(crate) fn score_series(
    x: Robj,
    up: Robj,
    down: Robj,
    init: Robj,
    skipna: Robj,
) -> BResult<Robj> {
    let st = ScoreState::new(&score_options(&up, &down, &init, &skipna)?)?;
    map_scan(x, scan_with(&st))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn ewm(
    x: Robj,
    stat: Robj,
    alpha: Robj,
    span: Robj,
    com: Robj,
    halflife: Robj,
    adjust: Robj,
    ignore_na: Robj,
    min_periods: Robj,
    bias: Robj,
    times: Robj,
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
    match str_arg(&stat, "stat")? {
        "mean" if times.is_null() => map_scan(x, scan_with(&EwmMeanState::new(&o)?)),
        "mean" => {
            let st = EwmMeanState::new(&o)?;
            let nrow = numeric(&x, "x")?.nrow;
            let t = times_arg(&times, nrow)?;
            map_scan(x, |c, out| {
                let mut s = st.clone();
                for ((xc, oc), tc) in c
                    .chunks(CHUNK)
                    .zip(out.chunks_mut(CHUNK))
                    .zip(t.values.chunks(CHUNK))
                {
                    s.update_times_into(xc, tc, oc)?;
                    restore_na(oc);
                }
                Ok(())
            })
        }
        s @ ("var" | "std" | "sd") => {
            if !times.is_null() {
                return Err(arg_err("times", "only ewm_mean takes times"));
            }
            map_scan(x, scan_with(&EwmVarState::new(&o, s != "var")?))
        }
        s => Err(arg_err(
            "stat",
            format!("must be one of mean, var, sd; got {s:?}"),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn rolling(
    x: Robj,
    stat: Robj,
    window: Robj,
    min_periods: Robj,
    center: Robj,
    ddof: Robj,
    q: Robj,
    interpolation: Robj,
    skipna: Robj,
) -> BResult<Robj> {
    let kind = rolling_kind(&stat, &q, &interpolation)?;
    let o = rolling_options(&window, &min_periods, &center, &ddof, &skipna)?;
    if o.center {
        // Centered windows look ahead: one call per column, then NA.
        map_scan(x, |c, out| {
            score::rolling_into(c, kind, &o, out)?;
            restore_na(out);
            Ok(())
        })
    } else {
        map_scan(x, scan_with(&RollingState::new(kind, &o)?))
    }
}

pub(crate) fn cum(x: Robj, stat: Robj, skipna: Robj) -> BResult<Robj> {
    let st = CumState::new(cum_kind(&stat)?, bool_arg(&skipna, "na_rm")?);
    map_scan(x, scan_with(&st))
}

// ---- reductions ----

/// A reduction of one column.
type Reduction = dyn Fn(&[f64]) -> BResult<f64> + Sync + Send;

/// One value per column (a vector gives one value), named by the columns.
pub(crate) fn reduce(x: Robj, stat: Robj, ddof: Robj, p: Robj) -> BResult<Robj> {
    let xs = numeric(&x, "x")?;
    let stat = str_arg(&stat, "stat")?;
    let f: Box<Reduction> = match stat {
        "sum" => Box::new(|c| Ok(agg::sum(c))),
        "mean" => Box::new(|c| Ok(agg::mean(c))),
        "min" => Box::new(|c| Ok(agg::min(c))),
        "max" => Box::new(|c| Ok(agg::max(c))),
        "count" => Box::new(|c| Ok(agg::count(c) as f64)),
        "var" | "std" | "sd" => {
            let d = usize_arg(&ddof, "ddof")?;
            if stat == "var" {
                Box::new(move |c| Ok(agg::var(c, d)?))
            } else {
                Box::new(move |c| Ok(agg::std(c, d)?))
            }
        }
        "power_sum" => {
            let p = f64_arg(&p, "p")?;
            Box::new(move |c| Ok(agg::power_sum(c, p)?))
        }
        s => return Err(arg_err("stat", format!("unknown reduction {s:?}"))),
    };
    let vals: Vec<f64> = if xs.ncol <= 1 && x.dim().is_none() {
        vec![f(&xs.values)?]
    } else if xs.nrow == 0 {
        (0..xs.ncol).map(|_| f(&[])).collect::<BResult<_>>()?
    } else {
        xs.values
            .par_chunks(xs.nrow)
            .map(&f)
            .collect::<BResult<_>>()?
    };
    let mut out = doubles_na(vals);
    if let Some(dn) = x.get_attrib("dimnames") {
        if let Some(l) = dn.as_list() {
            if l.len() == 2 {
                let cn = l.elt(1).unwrap_or_default();
                if !cn.is_null() {
                    let _ = out.set_attrib("names", cn);
                }
            }
        }
    }
    Ok(out)
}

pub(crate) fn dot(a: Robj, b: Robj) -> BResult<Robj> {
    let a = numeric(&a, "a")?;
    let b = numeric(&b, "b")?;
    Ok(doubles_na(vec![agg::dot(&a.values, &b.values)?]))
}

/// `c(count, mean, m2, min, max)` of the non-missing values.
pub(crate) fn moments(x: Robj) -> BResult<Robj> {
    let xs = numeric(&x, "x")?;
    Ok(moments_robj(&agg::Moments::from_slice(&xs.values)))
}

fn moments_robj(m: &agg::Moments) -> Robj {
    let mut r = doubles_na(vec![m.count as f64, m.mean, m.m2, m.min, m.max]);
    let _ = r.set_attrib("names", ["count", "mean", "m2", "min", "max"]);
    r
}

fn moments_from(x: &Robj, name: &str) -> BResult<agg::Moments> {
    let v = numeric(x, name)?;
    let bad = || arg_err(name, "must be a summary made by moments()");
    if v.values.len() != 5 {
        return Err(bad());
    }
    let c = v.values[0];
    if !(c >= 0.0 && c.fract() == 0.0) {
        return Err(bad());
    }
    Ok(agg::Moments {
        count: c as u64,
        mean: v.values[1],
        m2: v.values[2],
        min: v.values[3],
        max: v.values[4],
    })
}

pub(crate) fn moments_merge(a: Robj, b: Robj) -> BResult<Robj> {
    let m = moments_from(&a, "x")?.merge(&moments_from(&b, "y")?);
    Ok(moments_robj(&m))
}

pub(crate) fn moments_var(m: Robj, ddof: Robj) -> BResult<Robj> {
    let m = moments_from(&m, "x")?;
    let d = usize_arg(&ddof, "ddof")?;
    Ok(doubles_na(vec![m.var(d), m.std(d)]))
}

// ---- groups ----

/// `group_<stat>(x, codes)`: codes are 0-based integers, negative (or `NA`)
/// skips the row; `n_groups` results.
pub(crate) fn group(
    x: Robj,
    codes: Robj,
    n_groups: Robj,
    stat: Robj,
    ddof: Robj,
    p: Robj,
) -> BResult<Robj> {
    let xs = numeric(&x, "x")?;
    let g: &[i32] = match codes.rtype() {
        Rtype::Integers => codes.as_integer_slice().unwrap_or(&[]),
        _ => {
            return Err(arg_err(
                "groups",
                format!("must be integer codes, got {}", type_name(&codes)),
            ))
        }
    };
    let ng = opt_usize_arg(&n_groups, "n_groups")?;
    let v = &xs.values;
    let out: Vec<f64> = match str_arg(&stat, "stat")? {
        "sum" => agg::group_sum(v, g, ng)?,
        "mean" => agg::group_mean(v, g, ng)?,
        "min" => agg::group_min(v, g, ng)?,
        "max" => agg::group_max(v, g, ng)?,
        "count" => agg::group_count(v, g, ng)?,
        "var" => agg::group_var(v, g, ng, usize_arg(&ddof, "ddof")?)?,
        "std" | "sd" => agg::group_std(v, g, ng, usize_arg(&ddof, "ddof")?)?,
        "power_sum" => agg::group_power_sum(v, g, ng, f64_arg(&p, "p")?)?,
        s => return Err(arg_err("stat", format!("unknown group aggregation {s:?}"))),
    };
    Ok(doubles_na(out))
}
