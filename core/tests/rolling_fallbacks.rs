//! The rolling moments' fallbacks (a cancelling `total - prefix`, a
//! cancelling anchor shift, a cancelling variance) on data built to trigger
//! them: spikes, level shifts, runs of missing values longer than a window,
//! constant runs, infinities. Every path must give the same bits (one call,
//! chunks, snapshots) and stay close to a naive window loop.

mod common;
use common::{close, same_bits_or_nan, Rng};
use ferroscore::score::{rolling, RollingKind, RollingOptions, RollingState, Scan, Snapshot};

/// A series with every trap in it, `w`-aware so traps cross block edges.
fn traps(w: usize, rng: &mut Rng) -> Vec<f64> {
    // First, aligned on the blocks of `w` rows: a block that starts with a
    // spike (its anchor), then a block that starts with missing values, so
    // that its windows hold only values far from their anchor.
    let mut x: Vec<f64> = (0..w).map(|_| rng.normal()).collect();
    x.push(1e15);
    x.extend((1..w).map(|_| rng.normal()));
    x.extend(std::iter::repeat_n(f64::NAN, w / 2 + 1));
    let mut level = 0.0;
    for seg in 0..24 {
        let len = w / 2 + (rng.next_u64() % (2 * w as u64 + 1)) as usize;
        for i in 0..len {
            let v = match seg % 8 {
                0 => level + rng.normal(),
                1 => f64::NAN,                // a run of missing values
                2 => level + 3.0,             // a constant run
                3 if i == len / 2 => 1e15,    // a spike
                4 if i == 1 => f64::INFINITY, // an infinity leaving later
                5 if i % 3 == 0 => f64::NAN,  // scattered missing values
                6 if i == 0 => {
                    level += 1e12; // a level shift
                    level + rng.normal()
                }
                _ => level + rng.normal(),
            };
            x.push(v);
        }
    }
    x
}

/// The naive statistic of one window (`xi`: the value z-scored).
fn naive(kind: RollingKind, win: &[f64], xi: f64, o: &RollingOptions) -> f64 {
    let obs: Vec<f64> = win.iter().copied().filter(|v| !v.is_nan()).collect();
    if obs.len() < o.min_periods() || (!o.skipna && obs.len() < win.len()) {
        return f64::NAN;
    }
    let (pinf, ninf) = (
        obs.contains(&f64::INFINITY),
        obs.contains(&f64::NEG_INFINITY),
    );
    let fin: Vec<f64> = obs.iter().copied().filter(|v| v.is_finite()).collect();
    let sum: f64 = fin.iter().sum();
    let n = fin.len() as f64;
    let var = || {
        if pinf || ninf || fin.len() <= o.ddof {
            return f64::NAN;
        }
        let m = sum / n;
        fin.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - o.ddof as f64)
    };
    let inf = match (pinf, ninf) {
        (true, true) => Some(f64::NAN),
        (true, false) => Some(f64::INFINITY),
        (false, true) => Some(f64::NEG_INFINITY),
        _ => None,
    };
    match kind {
        RollingKind::Sum => inf.unwrap_or(sum),
        RollingKind::Mean if obs.is_empty() => f64::NAN,
        RollingKind::Mean => inf.unwrap_or(sum / n),
        RollingKind::Var => var(),
        RollingKind::Std => var().sqrt(),
        _ => {
            let v = var();
            if v > 0.0 {
                (xi - sum / n) / v.sqrt()
            } else {
                f64::NAN
            }
        }
    }
}

#[test]
fn every_path_gives_the_same_bits_and_the_naive_values() {
    let mut rng = Rng::new(23);
    // The moments: sum, mean, var, std, zscore.
    let kinds = &common::rolling_kinds(0.5, Default::default())[..5];
    for w in [2, 3, 7, 64, 100] {
        let x = traps(w, &mut rng);
        for (minp, skipna) in [(None, true), (Some(1), true), (Some(2), false)] {
            let o = RollingOptions {
                min_periods: minp.map(|m: usize| m.min(w)),
                skipna,
                ..RollingOptions::new(w)
            };
            for &kind in kinds {
                let what = format!("{kind:?} w={w} minp={minp:?} skipna={skipna}");
                let whole = rolling(&x, kind, &o).unwrap();
                // In chunks of awkward lengths, through a snapshot at each cut.
                let mut st = RollingState::new(kind, &o).unwrap();
                let mut parts = Vec::new();
                let mut lo = 0;
                let mut step = 1;
                while lo < x.len() {
                    let hi = (lo + step).min(x.len());
                    parts.extend(st.update(&x[lo..hi]).unwrap());
                    let mut fresh = RollingState::new(kind, &o).unwrap();
                    fresh.load(&st.save()).unwrap();
                    st = fresh;
                    lo = hi;
                    step = step * 3 % (2 * w + 5) + 1;
                }
                assert!(same_bits_or_nan(&whole, &parts), "{what}: chunks differ");
                for i in 0..x.len() {
                    let win = &x[(i + 1).saturating_sub(w)..=i];
                    let exp = naive(kind, win, x[i], &o);
                    // The window's own scale: the rounding of its values.
                    let fin = win.iter().filter(|v| v.is_finite());
                    let scale = fin.fold(1.0f64, |m, v| m.max(v.abs()));
                    let atol = match kind {
                        RollingKind::Sum | RollingKind::Mean => 1e-12 * scale * w as f64,
                        RollingKind::Var => 1e-12 * scale * scale,
                        RollingKind::Std => 1e-6 * scale,
                        // (x - mean) / std: the mean's rounding over the std.
                        _ => {
                            let sd = naive(RollingKind::Std, win, x[i], &o);
                            1e-12 * scale * w as f64 / sd
                        }
                    };
                    assert!(
                        close(whole[i], exp, 1e-9, atol),
                        "{what} row {i}: got {} expected {exp}",
                        whole[i]
                    );
                }
            }
        }
    }
}
