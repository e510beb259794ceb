//! Property tests: chunked == one-shot for every scan, naive references for
//! the rolling kernels and reductions, and no panic on any input.

mod common;
use common::{close, two_pass_var};
use ferroscore::aggregate as agg;
use ferroscore::score::*;
use proptest::prelude::*;

/// Values with NaN, ±Inf, ties and a large offset mixed in.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -100.0..100.0f64,
        2 => (-3i32..4).prop_map(f64::from),
        1 => Just(f64::NAN),
        1 => (0.0..1.0f64).prop_map(|v| 1e9 + v),
    ]
}

fn value_with_inf() -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => value(),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
    ]
}

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(value(), 0..120)
}

/// Cut points for a random chunking of `n` values.
fn chunked<S: Scan + Clone>(state: &S, x: &[f64], cuts: &[usize]) -> Vec<f64> {
    let mut st = state.clone();
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (x.len() + 1)).collect();
    bounds.push(0);
    bounds.push(x.len());
    bounds.sort_unstable();
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        out.extend(st.update(&x[w[0]..w[1]]).unwrap());
    }
    out
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn kinds() -> impl Strategy<Value = RollingKind> {
    prop_oneof![
        Just(RollingKind::Sum),
        Just(RollingKind::Mean),
        Just(RollingKind::Var),
        Just(RollingKind::Std),
        Just(RollingKind::Zscore),
        Just(RollingKind::Min),
        Just(RollingKind::Max),
        Just(RollingKind::Median),
        (0.0..=1.0f64).prop_map(|q| RollingKind::Quantile {
            q,
            interpolation: Interpolation::Linear
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn scans_in_chunks_equal_one_call(
        x in prop::collection::vec(value_with_inf(), 0..150),
        cuts in prop::collection::vec(0usize..1000, 0..6),
        window in 1usize..25,
        minp in 0usize..25,
        kind in kinds(),
        alpha in 0.01..1.0f64,
        flags in any::<(bool, bool, bool)>(),
    ) {
        let (adjust, ignore_na, skipna) = flags;
        let mut e = EwmOptions::alpha(alpha);
        e.adjust = adjust;
        e.ignore_na = ignore_na;
        let ro = RollingOptions { min_periods: Some(minp.min(window)), skipna, ..RollingOptions::new(window) };
        let checks: Vec<(Vec<f64>, Vec<f64>)> = vec![
            (score_series(&x, &ScoreOptions { skipna, ..Default::default() }).unwrap(),
             chunked(&ScoreState::new(&ScoreOptions { skipna, ..Default::default() }).unwrap(), &x, &cuts)),
            (ewm_mean(&x, &e).unwrap(), chunked(&EwmMeanState::new(&e).unwrap(), &x, &cuts)),
            (ewm_var(&x, &e).unwrap(), chunked(&EwmVarState::new(&e, false).unwrap(), &x, &cuts)),
            (rolling(&x, kind, &ro).unwrap(), chunked(&RollingState::new(kind, &ro).unwrap(), &x, &cuts)),
            (cumsum(&x, skipna), chunked(&CumState::new(CumKind::Sum, skipna), &x, &cuts)),
            (drawdown(&x, skipna), chunked(&CumState::new(CumKind::Drawdown, skipna), &x, &cuts)),
        ];
        for (i, (whole, parts)) in checks.iter().enumerate() {
            prop_assert!(same_bits(whole, parts), "check {} differs: {:?} vs {:?}", i, whole, parts);
        }
    }

    #[test]
    fn ewm_times_in_chunks_equal_one_call(
        x in series(),
        cuts in prop::collection::vec(0usize..1000, 0..5),
        gaps in prop::collection::vec(0.0..3.0f64, 120),
        h in 0.1..5.0f64,
    ) {
        let times: Vec<f64> = gaps.iter().take(x.len()).scan(0.0, |t, g| { *t += g; Some(*t) }).collect();
        let o = EwmOptions::new(Decay::Halflife(h));
        let whole = ewm_mean_times(&x, &times, &o).unwrap();
        let mut st = EwmMeanState::new(&o).unwrap();
        let mut b: Vec<usize> = cuts.iter().map(|c| c % (x.len() + 1)).collect();
        b.extend([0, x.len()]);
        b.sort_unstable();
        let mut parts = Vec::new();
        for w in b.windows(2) {
            let mut out = vec![0.0; w[1] - w[0]];
            st.update_times_into(&x[w[0]..w[1]], &times[w[0]..w[1]], &mut out).unwrap();
            parts.extend(out);
        }
        prop_assert!(same_bits(&whole, &parts));
    }

    #[test]
    fn rolling_matches_a_naive_window_loop(
        x in prop::collection::vec(value_with_inf(), 0..100),
        window in 1usize..20,
        minp in 0usize..20,
        center in any::<bool>(),
        ddof in 0usize..3,
        skipna in any::<bool>(),
    ) {
        let o = RollingOptions { window, min_periods: Some(minp.min(window)), center, ddof, skipna };
        let n = x.len();
        let off = if center { (window - 1) / 2 } else { 0 };
        let got: Vec<Vec<f64>> = [RollingKind::Sum, RollingKind::Mean, RollingKind::Var, RollingKind::Min, RollingKind::Max, RollingKind::Median]
            .iter().map(|&k| rolling(&x, k, &o).unwrap()).collect();
        #[allow(clippy::needless_range_loop)]
        for i in 0..n {
            let end = (i + 1 + off).min(n);
            let start = (i + 1 + off).saturating_sub(window).min(n);
            let win = &x[start..end];
            let obs: Vec<f64> = win.iter().copied().filter(|v| !v.is_nan()).collect();
            let blocked = obs.len() < o.min_periods() || (!skipna && obs.len() < win.len());
            let has = |s: f64| obs.contains(&s);
            let (pinf, ninf) = (has(f64::INFINITY), has(f64::NEG_INFINITY));
            let inf = match (pinf, ninf) { (true, true) => Some(f64::NAN), (true, false) => Some(f64::INFINITY), (false, true) => Some(f64::NEG_INFINITY), _ => None };
            let fsum: f64 = obs.iter().filter(|v| v.is_finite()).sum();
            let nfin = obs.iter().filter(|v| v.is_finite()).count();
            let mut sorted = obs.clone();
            sorted.sort_by(f64::total_cmp);
            let nan = f64::NAN;
            let exp = [
                if blocked { nan } else { inf.unwrap_or(fsum) },
                if blocked || obs.is_empty() { nan } else { inf.unwrap_or(fsum / nfin as f64) },
                if blocked || inf.is_some() || pinf || ninf { nan } else { two_pass_var(&obs, obs.first().copied().unwrap_or(0.0), ddof) },
                if blocked || obs.is_empty() { nan } else { sorted[0] },
                if blocked || obs.is_empty() { nan } else { sorted[sorted.len() - 1] },
                if blocked || obs.is_empty() { nan } else if sorted.len() % 2 == 1 { sorted[sorted.len() / 2] } else { (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0 },
            ];
            // Sums near 1e9 carry absolute errors of ~1e-7 from the offset values.
            let scale = obs.iter().filter(|v| v.is_finite()).fold(1.0f64, |m, v| m.max(v.abs()));
            for (k, e) in exp.iter().enumerate() {
                let tol_abs = if k == 2 { scale * scale * 1e-12 } else { scale * 1e-12 * window as f64 };
                prop_assert!(close(got[k][i], *e, 1e-9, tol_abs), "kernel {} row {}: got {} expected {} (window {:?})", k, i, got[k][i], e, win);
            }
        }
    }

    #[test]
    fn reductions_match_naive_sums(x in prop::collection::vec(value_with_inf(), 0..300), p in prop_oneof![Just(1.5), Just(1.0), Just(2.0), 0.1..3.0f64]) {
        let obs: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
        let naive_sum: f64 = obs.iter().sum();
        let scale = obs.iter().filter(|v| v.is_finite()).fold(1.0f64, |m, v| m.max(v.abs()));
        prop_assert!(close(agg::sum(&x), naive_sum, 1e-12, scale * 1e-12 * x.len() as f64));
        prop_assert_eq!(agg::count(&x), obs.len() as u64);
        let ps: f64 = obs.iter().filter(|&&v| v > 0.0).map(|v| v.powf(p)).sum();
        let got = agg::power_sum(&x, p).unwrap();
        prop_assert!(close(got, ps, 1e-12, 1e-12 * ps.abs().max(1.0)), "power_sum {} vs {}", got, ps);
        let m = agg::Moments::from_slice(&x);
        let lo = obs.iter().copied().fold(f64::NAN, f64::min);
        let hi = obs.iter().copied().fold(f64::NAN, f64::max);
        prop_assert!(close(m.min, lo, 0.0, 0.0) && close(agg::min(&x), lo, 0.0, 0.0));
        prop_assert!(close(m.max, hi, 0.0, 0.0) && close(agg::max(&x), hi, 0.0, 0.0));
        prop_assert_eq!(m.count, obs.len() as u64);
        if !obs.is_empty() {
            // The mean's sum is `sum`'s, bit for bit (same lanes, same tree).
            let mean = agg::mean(&x);
            prop_assert_eq!(mean.to_bits(), (agg::sum(&x) / obs.len() as f64).to_bits());
        }
        if obs.len() > 1 && obs.iter().all(|v| v.is_finite()) {
            let exp = two_pass_var(&obs, obs[0], 1);
            let got = agg::var(&x, 1).unwrap();
            prop_assert!(close(got, exp, 1e-9, 1e-9 * scale * scale), "var {} vs {}", got, exp);
        }
    }

    #[test]
    fn moments_merge_like_the_whole(x in prop::collection::vec(-1e3..1e3f64, 0..300), cut in 0usize..300) {
        let c = cut.min(x.len());
        let whole = agg::Moments::from_slice(&x);
        let merged = agg::Moments::from_slice(&x[..c]).merge(&agg::Moments::from_slice(&x[c..]));
        prop_assert_eq!(whole.count, merged.count);
        prop_assert!(close(merged.mean, whole.mean, 1e-12, 1e-12));
        prop_assert!(close(merged.var(1), whole.var(1), 1e-10, 1e-9));
        prop_assert!(close(merged.max, whole.max, 0.0, 0.0));
    }

    #[test]
    fn f32_tracks_f64_within_f32_rounding(x in prop::collection::vec(-1e3..1e3f32, 1..200), window in 1usize..30, alpha in 0.05..1.0f64) {
        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let o = RollingOptions { min_periods: Some(1), ..RollingOptions::new(window) };
        for k in [RollingKind::Mean, RollingKind::Std, RollingKind::Median] {
            let a = rolling(&x, k, &o).unwrap();
            let b = rolling(&x64, k, &o).unwrap();
            for (u, v) in a.iter().zip(&b) {
                prop_assert!(close(f64::from(*u), *v, 1e-6, 1e-4), "{:?}: {} vs {}", k, u, v);
            }
        }
        let a = ewm_mean(&x, &EwmOptions::alpha(alpha)).unwrap();
        let b = ewm_mean(&x64, &EwmOptions::alpha(alpha)).unwrap();
        for (u, v) in a.iter().zip(&b) {
            prop_assert!(close(f64::from(*u), *v, 1e-6, 1e-4));
        }
    }

    /// Any options, any data: an `Ok` or an `Err`, never a panic.
    #[test]
    fn no_input_makes_the_core_panic(
        x in prop::collection::vec(value_with_inf(), 0..40),
        window in prop_oneof![Just(0usize), Just(usize::MAX), Just(usize::MAX / 2), 1usize..50],
        minp in prop::option::of(prop_oneof![Just(usize::MAX), 0usize..60]),
        q in prop_oneof![Just(f64::NAN), Just(-0.5), Just(2.0), 0.0..=1.0f64],
        alpha in prop_oneof![Just(f64::NAN), Just(0.0), Just(-1.0), Just(f64::INFINITY), 0.0..=1.5f64],
        ddof in prop_oneof![Just(usize::MAX), 0usize..5],
        codes in prop::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), -2i64..8], 0..40),
        n_groups in prop::option::of(prop_oneof![Just(usize::MAX), 0usize..10]),
        p in prop_oneof![Just(f64::NAN), Just(-2.0), Just(0.0), -3.0..3.0f64],
        center in any::<bool>(),
    ) {
        let o = RollingOptions { window, min_periods: minp, center, ddof, skipna: true };
        for k in [RollingKind::Sum, RollingKind::Var, RollingKind::Zscore, RollingKind::Max, RollingKind::Median,
                  RollingKind::Quantile { q, interpolation: Interpolation::Nearest }] {
            let _ = rolling(&x, k, &o);
            let _ = RollingState::new(k, &o).and_then(|mut s| s.update(&x));
        }
        for d in [Decay::Alpha(alpha), Decay::Span(alpha), Decay::Com(alpha), Decay::Halflife(alpha)] {
            let _ = ewm_mean(&x, &EwmOptions::new(d));
            let _ = ewm_std(&x, &EwmOptions { min_periods: ddof, ..EwmOptions::new(d) });
            let _ = ewm_mean_times(&x, &x, &EwmOptions::new(d));
        }
        let _ = score_series(&x, &ScoreOptions { up: alpha, down: p, init: q, skipna: center });
        let _ = agg::group_var(&x, &codes, n_groups, ddof);
        let _ = agg::group_max(&x, &codes, n_groups);
        let _ = agg::group_power_sum(&x, &codes, n_groups, p);
        let _ = agg::power_sum(&x, p);
        let _ = agg::dot(&x, &x[..x.len() / 2]);
        let _ = agg::var(&x, ddof);
        let mut short = vec![0.0; x.len().saturating_sub(1)];
        prop_assert!(score_series_into(&x, &ScoreOptions::default(), &mut short).is_err() || x.is_empty());
    }
}

#[test]
fn errors_name_the_argument() {
    let x = [1.0_f64, 2.0];
    let arg = |e: ferroscore::Error| e.argument().map(str::to_string);
    assert_eq!(
        arg(rolling_mean(&x, &RollingOptions::new(0)).unwrap_err()),
        Some("window".into())
    );
    let o = RollingOptions {
        min_periods: Some(3),
        ..RollingOptions::new(2)
    };
    assert_eq!(
        arg(rolling_mean(&x, &o).unwrap_err()),
        Some("min_periods".into())
    );
    assert_eq!(
        arg(rolling_quantile(&x, 1.5, Interpolation::Linear, &RollingOptions::new(1)).unwrap_err()),
        Some("q".into())
    );
    assert_eq!(
        arg(ewm_mean(&x, &EwmOptions::alpha(0.0)).unwrap_err()),
        Some("alpha".into())
    );
    assert_eq!(
        arg(ewm_mean(&x, &EwmOptions::new(Decay::Span(0.5))).unwrap_err()),
        Some("span".into())
    );
    assert_eq!(
        arg(EwmOptions::from_params(Some(0.5), None, Some(1.0), None).unwrap_err()),
        Some("alpha".into())
    );
    assert_eq!(
        arg(ewm_mean_times(&x, &[0.0], &EwmOptions::new(Decay::Halflife(1.0))).unwrap_err()),
        Some("times".into())
    );
    assert_eq!(
        arg(ewm_mean_times(&x, &[1.0, 0.0], &EwmOptions::new(Decay::Halflife(1.0))).unwrap_err()),
        Some("times".into())
    );
    assert_eq!(arg(agg::dot(&x, &[1.0]).unwrap_err()), Some("b".into()));
    let e = agg::group_sum(&x, &[0_i64, 3], Some(2)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid argument `groups`: code 3 at row 1 is not below n_groups = 2"
    );
    assert!(RollingState::new(
        RollingKind::Mean,
        &RollingOptions {
            center: true,
            ..RollingOptions::new(2)
        }
    )
    .is_err());
    assert!("spline".parse::<Interpolation>().is_err());
}

#[test]
fn empty_input_gives_empty_output_or_the_identity() {
    let e: [f64; 0] = [];
    assert!(rolling_mean(&e, &RollingOptions::new(3))
        .unwrap()
        .is_empty());
    assert!(ewm_mean(&e, &EwmOptions::alpha(0.5)).unwrap().is_empty());
    assert!(score_series(&e, &ScoreOptions::default())
        .unwrap()
        .is_empty());
    assert_eq!(agg::sum(&e), 0.0);
    assert_eq!(agg::power_sum(&e, 1.5).unwrap(), 0.0);
    assert!(agg::mean(&e).is_nan() && agg::var(&e, 1).unwrap().is_nan() && agg::min(&e).is_nan());
    assert!(agg::group_sum(&e, &[] as &[i64], None).unwrap().is_empty());
    assert_eq!(
        agg::group_sum(&e, &[] as &[i64], Some(2)).unwrap(),
        vec![0.0, 0.0]
    );
}

#[test]
fn huge_windows_allocate_nothing_up_front() {
    let x: Vec<f64> = (0..1000).map(f64::from).collect();
    let o = RollingOptions {
        min_periods: Some(1),
        ..RollingOptions::new(usize::MAX)
    };
    let s = rolling_sum(&x, &o).unwrap();
    assert_eq!(s[999], 499_500.0);
    let m = rolling_median(&x, &o).unwrap();
    assert_eq!(m[999], 499.5);
    let c = rolling_max(&x, &RollingOptions { center: true, ..o }).unwrap();
    assert!(c.iter().all(|&v| v == 999.0));
}

#[test]
fn median_with_large_windows_uses_several_blocks() {
    // window 5000 => blocks of ~141..282 values: exercises block splits/merges
    let mut rng = common::Rng::new(5);
    let x = rng.series(20_000, 0.01);
    let w = 5000;
    let got = rolling_quantile(
        &x,
        0.3,
        Interpolation::Linear,
        &RollingOptions {
            min_periods: Some(1),
            ..RollingOptions::new(w)
        },
    )
    .unwrap();
    for i in (0..x.len()).step_by(997) {
        let mut win: Vec<f64> = x[(i + 1).saturating_sub(w)..=i]
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect();
        win.sort_by(f64::total_cmp);
        let h = 0.3 * (win.len() - 1) as f64;
        let j = h as usize;
        let exp = if j + 1 < win.len() {
            win[j] + (win[j + 1] - win[j]) * (h - j as f64)
        } else {
            win[j]
        };
        assert_eq!(got[i], exp, "row {i}");
    }
}

/// The recurrence of `score_series` as plain `if`s, row by row.
fn plain_score(x: impl Iterator<Item = f64>, o: &ScoreOptions) -> Vec<f64> {
    let mut s = o.init;
    x.map(|v| {
        s = if v.is_nan() {
            if o.skipna {
                s
            } else {
                f64::NAN
            }
        } else if v > s {
            s.mul_add(o.up, v)
        } else {
            s * o.down
        };
        s
    })
    .collect()
}

/// `score_series` on inputs long enough for its eight speculative lanes
/// (tens of thousands of rows), against the recurrence written as plain
/// `if`s: the same bits, and the same in chunks that cut through lanes.
#[test]
fn score_series_matches_the_plain_recurrence_on_long_inputs() {
    let mut r = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        r
    };
    for (n, spread) in [(70_000, 3.0), (40_000, 1e6), (9_000, 0.0)] {
        let x: Vec<f64> = (0..n)
            .map(|_| match next() % 100 {
                0 => f64::NAN,
                1 if spread == 0.0 => 1.0,
                _ => ((next() >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * spread,
            })
            .collect();
        for (up, down, init, skipna) in [
            (0.9, 0.5, 0.0, true),
            (0.9, 0.5, 0.0, false),
            (0.3, -0.8, -0.0, true),
            (0.999, 0.999, 5.0, true),
            (1.0, 0.5, 0.0, true),
        ] {
            let o = ScoreOptions {
                up,
                down,
                init,
                skipna,
            };
            let plain = plain_score(x.iter().copied(), &o);
            let got = score_series(&x, &o).unwrap();
            let ctx = format!("n {n} up {up} down {down} skipna {skipna}");
            assert!(same_bits(&plain, &got), "{ctx}");
            let parts = chunked(&ScoreState::new(&o).unwrap(), &x, &[n / 3, n / 3 + 4_999]);
            assert!(same_bits(&plain, &parts), "{ctx}, in chunks");
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let got32 = score_series(&x32, &o).unwrap();
            let plain32 = plain_score(x32.iter().map(|&v| f64::from(v)), &o);
            for (i, (&p, &g)) in plain32.iter().zip(&got32).enumerate() {
                let want = p as f32;
                assert!(
                    want.to_bits() == g.to_bits() || want.is_nan() && g.is_nan(),
                    "{ctx}, f32 row {i}"
                );
            }
        }
    }
}
