//! Scans (one value out per value in): one `Kernel` class that holds a
//! kernel's validated options, runs them one-shot on 1-D/2-D arrays, and
//! keeps resumable per-lane states for chunked input.

use ferroscore::score::Snapshot;
use ferroscore::score::{
    cummax_into, cummin_into, cumsum_into, drawdown_into, ewm_mean_into, ewm_mean_times_into,
    ewm_std_into, ewm_var_into, rolling_into, score_series_into, CumKind, CumState, EwmMeanState,
    EwmOptions, EwmVarState, Interpolation, RollingKind, RollingOptions, RollingState, Scan,
    ScoreOptions, ScoreState,
};
use ferroscore::{Error, Float};
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::arrays::{detach_if, lanes, map_lanes, n_lanes, Floats};
use crate::errors::{invalid, to_py};

/// What a kernel computes, with its options.
#[derive(Debug, Clone, PartialEq)]
enum Spec {
    Score(ScoreOptions),
    Ewm {
        stat: Ewm,
        opts: EwmOptions,
    },
    Rolling {
        kind: RollingKind,
        opts: RollingOptions,
    },
    Cum {
        kind: CumKind,
        skipna: bool,
    },
}

/// The three exponentially weighted statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ewm {
    Mean,
    Var,
    Std,
}

/// A resumable state of any kernel.
#[derive(Debug, Clone)]
enum State {
    Score(ScoreState),
    EwmMean(EwmMeanState),
    EwmVar(EwmVarState),
    Rolling(Box<RollingState>),
    Cum(CumState),
}

impl Snapshot for State {
    fn save(&self) -> Vec<f64> {
        match self {
            State::Score(s) => s.save(),
            State::EwmMean(s) => s.save(),
            State::EwmVar(s) => s.save(),
            State::Rolling(s) => s.save(),
            State::Cum(s) => s.save(),
        }
    }

    fn load(&mut self, data: &[f64]) -> ferroscore::Result<()> {
        match self {
            State::Score(s) => s.load(data),
            State::EwmMean(s) => s.load(data),
            State::EwmVar(s) => s.load(data),
            State::Rolling(s) => s.load(data),
            State::Cum(s) => s.load(data),
        }
    }
}

impl Scan for State {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> ferroscore::Result<()> {
        match self {
            State::Score(s) => s.update_into(x, out),
            State::EwmMean(s) => s.update_into(x, out),
            State::EwmVar(s) => s.update_into(x, out),
            State::Rolling(s) => s.update_into(x, out),
            State::Cum(s) => s.update_into(x, out),
        }
    }
}

impl Spec {
    /// The kernel on one whole lane.
    fn run_into<T: Float>(&self, x: &[T], out: &mut [T]) -> ferroscore::Result<()> {
        match self {
            Spec::Score(o) => score_series_into(x, o, out),
            Spec::Ewm {
                stat: Ewm::Mean,
                opts,
            } => ewm_mean_into(x, opts, out),
            Spec::Ewm {
                stat: Ewm::Var,
                opts,
            } => ewm_var_into(x, opts, out),
            Spec::Ewm {
                stat: Ewm::Std,
                opts,
            } => ewm_std_into(x, opts, out),
            Spec::Rolling { kind, opts } => rolling_into(x, *kind, opts, out),
            Spec::Cum { kind, skipna } => match kind {
                CumKind::Sum => cumsum_into(x, *skipna, out),
                CumKind::Max => cummax_into(x, *skipna, out),
                CumKind::Min => cummin_into(x, *skipna, out),
                CumKind::Drawdown => drawdown_into(x, *skipna, out),
            },
        }
    }

    /// A fresh resumable state.
    fn state(&self) -> ferroscore::Result<State> {
        Ok(match self {
            Spec::Score(o) => State::Score(ScoreState::new(o)?),
            Spec::Ewm {
                stat: Ewm::Mean,
                opts,
            } => State::EwmMean(EwmMeanState::new(opts)?),
            Spec::Ewm { stat, opts } => State::EwmVar(EwmVarState::new(opts, *stat == Ewm::Std)?),
            Spec::Rolling { kind, opts } => {
                State::Rolling(Box::new(RollingState::new(*kind, opts)?))
            }
            Spec::Cum { kind, skipna } => State::Cum(CumState::new(*kind, *skipna)),
        })
    }
}

/// A kernel with validated options: `run` computes it on whole arrays,
/// `update` on successive chunks (carrying one state per lane).
#[pyclass(module = "ferroscore._ferroscore")]
pub struct Kernel {
    spec: Spec,
    name: String,
    states: Option<Vec<State>>,
}

impl Kernel {
    fn new(spec: Spec, name: String) -> PyResult<Self> {
        // Build a state once so that bad options fail at construction; a
        // centered rolling window is valid one-shot but has no state.
        match &spec {
            Spec::Rolling { kind, opts } => {
                opts.validate().map_err(to_py)?;
                kind.validate().map_err(to_py)?;
            }
            other => {
                other.state().map_err(to_py)?;
            }
        }
        Ok(Kernel {
            spec,
            name,
            states: None,
        })
    }

    fn run_typed<'py, T: Element + Float>(
        &self,
        py: Python<'py>,
        x: &PyReadonlyArrayDyn<'py, T>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
        let spec = &self.spec;
        map_lanes(py, x, out, |s, d| spec.run_into(s, d))
    }

    fn update_typed<'py, T: Element + Float>(
        &mut self,
        py: Python<'py>,
        x: &PyReadonlyArrayDyn<'py, T>,
    ) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
        let k = n_lanes(x.shape());
        if self.states.is_none() {
            let st = self.spec.state().map_err(to_py)?;
            self.states = Some(vec![st; k]);
        }
        let states = self.states.as_mut().expect("set above");
        if states.len() != k {
            return Err(to_py(Error::LengthMismatch {
                name: "x",
                expected: states.len(),
                actual: k,
            }));
        }
        let (data, lane) = lanes(x, "x")?;
        let out = PyArrayDyn::<T>::zeros(py, x.shape(), false);
        {
            let mut w = out.readwrite();
            let dst = w.as_slice_mut()?;
            if lane > 0 {
                detach_if(py, data.len(), || {
                    data.chunks(lane)
                        .zip(dst.chunks_mut(lane))
                        .zip(states.iter_mut())
                        .try_for_each(|((s, d), st)| st.update_into(s, d))
                })
                .map_err(to_py)?;
            }
        }
        Ok(out)
    }
}

fn parse_cum(kind: &str) -> PyResult<CumKind> {
    Ok(match kind {
        "cumsum" => CumKind::Sum,
        "cummax" => CumKind::Max,
        "cummin" => CumKind::Min,
        "drawdown" => CumKind::Drawdown,
        _ => {
            return Err(invalid(
                "kind",
                "must be cumsum, cummax, cummin or drawdown",
            ))
        }
    })
}

fn parse_rolling(kind: &str, q: Option<f64>, interpolation: &str) -> PyResult<RollingKind> {
    Ok(match kind {
        "sum" => RollingKind::Sum,
        "mean" => RollingKind::Mean,
        "var" => RollingKind::Var,
        "std" => RollingKind::Std,
        "zscore" => RollingKind::Zscore,
        "min" => RollingKind::Min,
        "max" => RollingKind::Max,
        "median" => RollingKind::Median,
        "quantile" => RollingKind::Quantile {
            q: q.ok_or_else(|| invalid("q", "rolling_quantile needs q"))?,
            interpolation: interpolation.parse::<Interpolation>().map_err(to_py)?,
        },
        _ => return Err(invalid("kind", "unknown rolling statistic")),
    })
}

/// A window length from a Python int: negative or zero is refused by name.
fn window_len(window: i64) -> PyResult<usize> {
    usize::try_from(window)
        .ok()
        .filter(|&w| w >= 1)
        .ok_or_else(|| {
            invalid(
                "window",
                &format!("must be a positive integer, got {window}"),
            )
        })
}

fn non_negative(name: &'static str, v: i64) -> PyResult<usize> {
    usize::try_from(v).map_err(|_| invalid(name, &format!("must be >= 0, got {v}")))
}

#[pymethods]
impl Kernel {
    /// `score_series` options.
    #[staticmethod]
    #[pyo3(signature = (up=0.9, down=0.5, init=0.0, skipna=true))]
    fn score(up: f64, down: f64, init: f64, skipna: bool) -> PyResult<Self> {
        let o = ScoreOptions {
            up,
            down,
            init,
            skipna,
        };
        Kernel::new(Spec::Score(o), "score_series".into())
    }

    /// `ewm_{mean,var,std}` options (exactly one of alpha/span/com/halflife).
    #[staticmethod]
    #[pyo3(signature = (stat, alpha=None, span=None, com=None, halflife=None, adjust=true, ignore_na=false, min_periods=0, bias=false))]
    #[allow(clippy::too_many_arguments)]
    fn ewm(
        stat: &str,
        alpha: Option<f64>,
        span: Option<f64>,
        com: Option<f64>,
        halflife: Option<f64>,
        adjust: bool,
        ignore_na: bool,
        min_periods: i64,
        bias: bool,
    ) -> PyResult<Self> {
        let stat = match stat {
            "mean" => Ewm::Mean,
            "var" => Ewm::Var,
            "std" => Ewm::Std,
            _ => return Err(invalid("stat", "must be mean, var or std")),
        };
        let mut opts = EwmOptions::from_params(alpha, span, com, halflife).map_err(to_py)?;
        opts.adjust = adjust;
        opts.ignore_na = ignore_na;
        opts.min_periods = non_negative("min_periods", min_periods)?;
        opts.bias = bias;
        let name = format!("ewm_{}", ["mean", "var", "std"][stat as usize]);
        Kernel::new(Spec::Ewm { stat, opts }, name)
    }

    /// `rolling_<kind>` options.
    #[staticmethod]
    #[pyo3(signature = (kind, window, min_periods=None, center=false, ddof=1, q=None, interpolation="linear", skipna=true))]
    #[allow(clippy::too_many_arguments)]
    fn rolling(
        kind: &str,
        window: i64,
        min_periods: Option<i64>,
        center: bool,
        ddof: i64,
        q: Option<f64>,
        interpolation: &str,
        skipna: bool,
    ) -> PyResult<Self> {
        let rk = parse_rolling(kind, q, interpolation)?;
        let mut opts = RollingOptions::new(window_len(window)?);
        opts.min_periods = min_periods
            .map(|m| non_negative("min_periods", m))
            .transpose()?;
        opts.center = center;
        opts.ddof = non_negative("ddof", ddof)?;
        opts.skipna = skipna;
        Kernel::new(Spec::Rolling { kind: rk, opts }, format!("rolling_{kind}"))
    }

    /// `cumsum`, `cummax`, `cummin` or `drawdown`.
    #[staticmethod]
    #[pyo3(signature = (kind, skipna=true))]
    fn cumulative(kind: &str, skipna: bool) -> PyResult<Self> {
        Kernel::new(
            Spec::Cum {
                kind: parse_cum(kind)?,
                skipna,
            },
            kind.to_string(),
        )
    }

    /// The kernel on whole lanes (the rows of a 2-D array, in parallel),
    /// into `out` when given (same shape and dtype, C-contiguous).
    #[pyo3(signature = (x, out=None))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(match Floats::extract(x, "x")? {
            Floats::F64(a) => self.run_typed(py, &a, out)?.into_any(),
            Floats::F32(a) => self.run_typed(py, &a, out)?.into_any(),
        })
    }

    /// `run(x)` when `x` is a C-contiguous 1-D or 2-D float64/float32 numpy
    /// array; `None` otherwise (the caller converts and calls `run`).
    fn try_run<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(f) = Floats::fast(x) else {
            return Ok(None);
        };
        Ok(Some(match f {
            Floats::F64(a) => self.run_typed(py, &a, None)?.into_any(),
            Floats::F32(a) => self.run_typed(py, &a, None)?.into_any(),
        }))
    }

    /// The next chunk: output as if all chunks so far were one array. A 2-D
    /// chunk carries one state per row; every chunk must have as many rows.
    fn update<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(match Floats::extract(x, "x")? {
            Floats::F64(a) => self.update_typed(py, &a)?.into_any(),
            Floats::F32(a) => self.update_typed(py, &a)?.into_any(),
        })
    }

    /// Forgets the carried state.
    fn reset(&mut self) {
        self.states = None;
    }

    /// The carried state of each lane as plain numbers (None before the
    /// first `update`): what pickling stores.
    fn save(&self) -> Option<Vec<Vec<f64>>> {
        self.states
            .as_ref()
            .map(|st| st.iter().map(Snapshot::save).collect())
    }

    /// Restores what `save` returned (for a kernel with the same options).
    fn load(&mut self, lanes: Option<Vec<Vec<f64>>>) -> PyResult<()> {
        self.states = match lanes {
            None => None,
            Some(lanes) => Some(
                lanes
                    .iter()
                    .map(|data| {
                        let mut st = self.spec.state()?;
                        st.load(data)?;
                        Ok(st)
                    })
                    .collect::<ferroscore::Result<Vec<_>>>()
                    .map_err(to_py)?,
            ),
        };
        Ok(())
    }

    /// The kernel's name (`rolling_mean`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Whether `update` can be used (everything but centered windows).
    #[getter]
    fn resumable(&self) -> bool {
        self.spec.state().is_ok()
    }

    fn __repr__(&self) -> String {
        format!("Kernel({}, {:?})", self.name, self.spec)
    }

    /// Pickling is not supported for carried state (see the docs).
    fn __reduce__<'py>(&self, _py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "a raw Kernel does not pickle: pickle the state objects (fs.Rolling, fs.EwmMean, ...)",
        ))
    }
}

/// `ewm_mean` with observation times (`times` as float64, same unit as
/// `halflife`); one lane per row, `times` shared by every lane.
#[pyfunction]
#[pyo3(signature = (x, times, halflife, adjust=true, ignore_na=false, min_periods=0))]
pub fn ewm_mean_times<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    times: PyReadonlyArrayDyn<'py, f64>,
    halflife: f64,
    adjust: bool,
    ignore_na: bool,
    min_periods: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let mut opts = EwmOptions::from_params(None, None, None, Some(halflife)).map_err(to_py)?;
    opts.adjust = adjust;
    opts.ignore_na = ignore_na;
    opts.min_periods = non_negative("min_periods", min_periods)?;
    let (t, _) = lanes(&times, "times")?;
    fn go<'py, T: Element + Float>(
        py: Python<'py>,
        a: &PyReadonlyArrayDyn<'py, T>,
        t: &[f64],
        opts: &EwmOptions,
    ) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
        map_lanes(py, a, None, |s, d| ewm_mean_times_into(s, t, opts, d))
    }
    Ok(match Floats::extract(x, "x")? {
        Floats::F64(a) => go(py, &a, t, &opts)?.into_any(),
        Floats::F32(a) => go(py, &a, t, &opts)?.into_any(),
    })
}
