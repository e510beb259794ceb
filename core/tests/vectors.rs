//! Runs every case of the shared test vectors (`tests/vectors/`, written by
//! `scripts/make_vectors.py` from naive references cross-checked against
//! pandas, numpy and bottleneck) through the core.

use ferroscore::aggregate as agg;
use ferroscore::score::{
    self as sc, EwmOptions, Interpolation, RollingKind, RollingOptions, ScoreOptions,
};
use ferroscore::{Float, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn read_matrix(path: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let head: Vec<usize> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    let (rows, cols) = (head[0], head[1]);
    let mut out = vec![Vec::with_capacity(rows); cols];
    for line in lines.take(rows) {
        for (j, tok) in line.split_whitespace().enumerate() {
            out[j].push(
                tok.parse::<f64>()
                    .unwrap_or_else(|_| panic!("{}: bad value {tok:?}", path.display())),
            );
        }
    }
    out
}

struct Opts(HashMap<String, String>);

impl Opts {
    fn f(&self, k: &str) -> Option<f64> {
        self.0.get(k).map(|v| v.parse().unwrap())
    }
    fn u(&self, k: &str) -> Option<usize> {
        self.0.get(k).map(|v| v.parse().unwrap())
    }
    fn b(&self, k: &str, default: bool) -> bool {
        self.0.get(k).map_or(default, |v| v == "true")
    }
    fn s(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
}

fn cast<T: Float>(v: &[f64]) -> Vec<T> {
    v.iter().map(|&x| T::from_f64(x)).collect()
}

fn back<T: Float>(v: Vec<T>) -> Vec<f64> {
    v.into_iter().map(Float::to_f64).collect()
}

fn run<T: Float>(kernel: &str, o: &Opts, cols: &[Vec<f64>]) -> Result<Vec<f64>> {
    let empty = Vec::new();
    let x: Vec<T> = cast(cols.first().unwrap_or(&empty));
    let col2 = cols.get(1).unwrap_or(&empty);
    let ddof = o.u("ddof").unwrap_or(1);
    let rolling = || RollingOptions {
        window: o.u("window").unwrap(),
        min_periods: o.u("min_periods"),
        center: o.b("center", false),
        ddof,
        skipna: o.b("skipna", true),
    };
    let ewm = || -> Result<EwmOptions> {
        let mut e =
            EwmOptions::from_params(o.f("alpha"), o.f("span"), o.f("com"), o.f("halflife"))?;
        e.adjust = o.b("adjust", true);
        e.ignore_na = o.b("ignore_na", false);
        e.min_periods = o.u("min_periods").unwrap_or(0);
        e.bias = o.b("bias", false);
        Ok(e)
    };
    let codes: Vec<i64> = col2.iter().map(|&c| c as i64).collect();
    let ng = o.u("n_groups");
    let p = o.f("p").unwrap_or(1.5);
    let one = |v: f64| Ok(vec![v]);
    let roll = |k: RollingKind| sc::rolling(&x, k, &rolling()).map(back);
    match kernel {
        "score_series" => {
            let d = ScoreOptions::default();
            let opts = ScoreOptions {
                up: o.f("up").unwrap_or(d.up),
                down: o.f("down").unwrap_or(d.down),
                init: o.f("init").unwrap_or(d.init),
                skipna: o.b("skipna", true),
            };
            sc::score_series(&x, &opts).map(back)
        }
        "ewm_mean" if o.b("times", false) => sc::ewm_mean_times(&x, col2, &ewm()?).map(back),
        "ewm_mean" => sc::ewm_mean(&x, &ewm()?).map(back),
        "ewm_var" => sc::ewm_var(&x, &ewm()?).map(back),
        "ewm_std" => sc::ewm_std(&x, &ewm()?).map(back),
        "rolling_sum" => roll(RollingKind::Sum),
        "rolling_mean" => roll(RollingKind::Mean),
        "rolling_var" => roll(RollingKind::Var),
        "rolling_std" => roll(RollingKind::Std),
        "rolling_zscore" => roll(RollingKind::Zscore),
        "rolling_min" => roll(RollingKind::Min),
        "rolling_max" => roll(RollingKind::Max),
        "rolling_median" => roll(RollingKind::Median),
        "rolling_quantile" => roll(RollingKind::Quantile {
            q: o.f("q").unwrap(),
            interpolation: o
                .s("interpolation")
                .unwrap_or("linear")
                .parse::<Interpolation>()?,
        }),
        "cumsum" => Ok(back(sc::cumsum(&x, o.b("skipna", true)))),
        "cummax" => Ok(back(sc::cummax(&x, o.b("skipna", true)))),
        "cummin" => Ok(back(sc::cummin(&x, o.b("skipna", true)))),
        "drawdown" => Ok(back(sc::drawdown(&x, o.b("skipna", true)))),
        "sum" => one(agg::sum(&x)),
        "mean" => one(agg::mean(&x)),
        "var" => one(agg::var(&x, ddof)?),
        "std" => one(agg::std(&x, ddof)?),
        "min" => one(agg::min(&x)),
        "max" => one(agg::max(&x)),
        "count" => one(agg::count(&x) as f64),
        "power_sum" => one(agg::power_sum(&x, p)?),
        "dot" => one(agg::dot(&x, &cast::<T>(col2))?),
        "group_sum" => agg::group_sum(&x, &codes, ng).map(back),
        "group_mean" => agg::group_mean(&x, &codes, ng).map(back),
        "group_var" => agg::group_var(&x, &codes, ng, ddof).map(back),
        "group_std" => agg::group_std(&x, &codes, ng, ddof).map(back),
        "group_min" => agg::group_min(&x, &codes, ng).map(back),
        "group_max" => agg::group_max(&x, &codes, ng).map(back),
        "group_count" => agg::group_count(&x, &codes, ng).map(back),
        "group_power_sum" => agg::group_power_sum(&x, &codes, ng, p).map(back),
        other => panic!("unknown kernel {other}"),
    }
}

fn close(got: f64, exp: f64, rtol: f64, atol: f64) -> bool {
    if exp.is_nan() {
        return got.is_nan();
    }
    if exp.is_infinite() {
        return got == exp;
    }
    (got - exp).abs() <= atol + rtol * exp.abs()
}

#[test]
fn every_vector_case_matches() {
    let d = dir();
    let table = std::fs::read_to_string(d.join("cases.tsv")).expect("tests/vectors/cases.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (id, kernel, dtype, options) = (f[0], f[1], f[2], f[3]);
        let (rtol, atol): (f64, f64) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        let opts = Opts(
            options
                .split(',')
                .filter(|kv| *kv != "-")
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_string(), v.to_string())
                })
                .collect(),
        );
        let cols = read_matrix(&d.join(format!("{id}.in")));
        let exp = read_matrix(&d.join(format!("{id}.out")))
            .into_iter()
            .next()
            .unwrap_or_default();
        let got = match dtype {
            "f32" => run::<f32>(kernel, &opts, &cols),
            _ => run::<f64>(kernel, &opts, &cols),
        };
        n += 1;
        match got {
            Err(e) => failures.push(format!("{id}: error {e}")),
            Ok(got) if got.len() != exp.len() => failures.push(format!(
                "{id}: {} outputs, expected {}",
                got.len(),
                exp.len()
            )),
            Ok(got) => {
                if let Some(i) = (0..got.len()).find(|&i| !close(got[i], exp[i], rtol, atol)) {
                    failures.push(format!(
                        "{id} ({kernel} {options}): row {i}: got {:e}, expected {:e}",
                        got[i], exp[i]
                    ));
                }
            }
        }
    }
    assert!(n > 400, "only {n} vector cases found");
    assert!(
        failures.is_empty(),
        "{} of {n} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
