//! Every resumable state saved and loaded into a fresh one mid-series gives
//! the same bits as one pass (what pickling in the bindings relies on).

mod common;
use ferroscore::score::{
    CumKind, CumState, EwmMeanState, EwmOptions, EwmVarState, Interpolation, RollingKind,
    RollingOptions, RollingState, Scan, ScoreOptions, ScoreState, Snapshot,
};

/// Runs `x` through `make()` in pieces; at every cut the state is saved and
/// loaded into a fresh `make()`.
fn through_snapshots<S: Scan + Snapshot>(
    make: impl Fn() -> S,
    x: &[f64],
    cuts: &[usize],
) -> Vec<f64> {
    let mut st = make();
    let mut out = Vec::new();
    let mut lo = 0;
    for &c in cuts.iter().chain(std::iter::once(&x.len())) {
        out.extend(st.update(&x[lo..c]).unwrap());
        let mut fresh = make();
        fresh.load(&st.save()).unwrap();
        st = fresh;
        lo = c;
    }
    out
}

fn same(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (p, q)) in a.iter().zip(b).enumerate() {
        assert!(
            p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
            "{what}: row {i}: {p} vs {q}"
        );
    }
}

#[test]
fn every_state_survives_save_and_load() {
    let mut rng = common::Rng::new(5);
    let mut x = rng.series(5000, 0.05);
    x[777] = f64::INFINITY;
    let cuts = [1, 2, 99, 100, 101, 250, 1001, 2500, 4999];
    for w in [1, 3, 100, 257] {
        let o = RollingOptions {
            min_periods: Some(1),
            ..RollingOptions::new(w)
        };
        for kind in common::rolling_kinds(0.7, Interpolation::Linear) {
            let make = || RollingState::new(kind, &o).unwrap();
            let whole = make().update(&x).unwrap();
            same(
                &through_snapshots(make, &x, &cuts),
                &whole,
                &format!("{kind:?} w={w}"),
            );
        }
    }
    let e = EwmOptions::alpha(0.2);
    let make = || EwmMeanState::new(&e).unwrap();
    same(
        &through_snapshots(make, &x, &cuts),
        &make().update(&x).unwrap(),
        "ewm_mean",
    );
    let make = || EwmVarState::new(&e, true).unwrap();
    same(
        &through_snapshots(make, &x, &cuts),
        &make().update(&x).unwrap(),
        "ewm_std",
    );
    let make = || ScoreState::new(&ScoreOptions::default()).unwrap();
    same(
        &through_snapshots(make, &x, &cuts),
        &make().update(&x).unwrap(),
        "score_series",
    );
    for k in [CumKind::Sum, CumKind::Max, CumKind::Min, CumKind::Drawdown] {
        let make = || CumState::new(k, false);
        same(
            &through_snapshots(make, &x, &cuts),
            &make().update(&x).unwrap(),
            "cumulative",
        );
    }
}

#[test]
fn bad_snapshots_are_errors() {
    let mut s = ScoreState::new(&ScoreOptions::default()).unwrap();
    assert!(s.load(&[1.0, 2.0]).is_err());
    let mut e = EwmMeanState::new(&EwmOptions::alpha(0.5)).unwrap();
    assert!(e.load(&[0.0, 0.0, 0.0, -1.0, f64::NAN]).is_err());
    let mut r = RollingState::new(RollingKind::Mean, &RollingOptions::new(2)).unwrap();
    assert!(r.load(&[1.0; 5]).is_err());
}
