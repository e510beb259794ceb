//! The accuracy contract of SPEC.md: rolling var/std on 1e9 + N(0, 1) within
//! 1e-9 relative error of an exact two-pass reference, and f32 input within
//! f32 rounding of the f64 result.

mod common;
use common::{two_pass_var, Rng};
use ferroscore::score::{rolling_std, rolling_var, RollingOptions};

#[test]
fn rolling_var_on_a_large_offset_is_exact_to_1e9() {
    let mut rng = Rng::new(7);
    let x: Vec<f64> = (0..30_000).map(|_| 1e9 + rng.normal()).collect();
    for w in [10, 100, 1000] {
        let got = rolling_var(&x, &RollingOptions::new(w)).unwrap();
        let sd = rolling_std(&x, &RollingOptions::new(w)).unwrap();
        let mut worst = 0.0f64;
        for i in w - 1..x.len() {
            // 1e9 + z - 1e9 is exact (Sterbenz), so this two-pass is exact to ~1e-16.
            let exp = two_pass_var(&x[i + 1 - w..=i], 1e9, 1);
            worst = worst.max(((got[i] - exp) / exp).abs());
            assert!(
                ((sd[i] - exp.sqrt()) / exp.sqrt()).abs() < 1e-9,
                "std w={w} row {i}"
            );
        }
        assert!(worst < 1e-9, "window {w}: max relative error {worst:e}");
        assert!(got[..w - 1].iter().all(|v| v.is_nan()));
    }
}

#[test]
fn rolling_var_survives_drift_steps_and_outliers() {
    // A random walk far from zero, a level shift of 1e12, and a 1e15 outlier:
    // cancellation traps for a sliding sum of squares.
    let mut rng = Rng::new(11);
    let mut level = 5e8;
    let mut x = Vec::new();
    for i in 0..20_000 {
        level += rng.normal() * 10.0;
        let shift = if i >= 10_000 { 1e12 } else { 0.0 };
        x.push(level + shift + rng.normal());
    }
    x[5_000] = 1e15;
    let w = 50;
    let got = rolling_var(&x, &RollingOptions::new(w)).unwrap();
    for i in w - 1..x.len() {
        let win = &x[i + 1 - w..=i];
        let shift = win[0];
        // Reference in the data's own scale: two-pass around the first value
        // (exact in the window where values are within 2x of it).
        let exp = two_pass_var(win, shift, 1);
        let err = ((got[i] - exp) / exp).abs();
        let window_spans_shift = i >= 10_000 && i + 1 - w < 10_000;
        let window_has_outlier = (i + 1 - w..=i).contains(&5_000);
        if !window_spans_shift && !window_has_outlier {
            assert!(
                err < 1e-9,
                "row {i}: got {} expected {exp} (rel err {err:e})",
                got[i]
            );
        } else {
            assert!(err < 1e-6, "row {i} (mixed-scale window): rel err {err:e}");
        }
    }
}

#[test]
fn f32_input_loses_nothing_to_f32_accumulation() {
    let mut rng = Rng::new(3);
    let x32: Vec<f32> = (0..20_000).map(|_| (1e4 + rng.normal()) as f32).collect();
    let x64: Vec<f64> = x32.iter().map(|&v| f64::from(v)).collect();
    for w in [10, 100, 1000] {
        let o = RollingOptions::new(w);
        let v32 = rolling_var(&x32, &o).unwrap();
        let v64 = rolling_var(&x64, &o).unwrap();
        for i in w - 1..x32.len() {
            // the only error allowed is the final rounding to f32
            let rel = ((f64::from(v32[i]) - v64[i]) / v64[i]).abs();
            assert!(
                rel <= f64::from(f32::EPSILON) / 2.0 * 1.01,
                "w={w} row {i}: rel {rel:e}"
            );
        }
    }
}

#[test]
fn group_var_on_a_large_offset_is_exact_to_1e9() {
    // One pass with per-group anchors, blocks merged exactly: within 1e-9 of
    // a two-pass reference on 1e9 + N(0, 1) (200_000 rows: several blocks).
    let mut rng = Rng::new(13);
    let n = 200_000;
    let x: Vec<f64> = (0..n).map(|_| 1e9 + rng.normal()).collect();
    let g: Vec<i64> = (0..n).map(|i| (i % 7) as i64).collect();
    let got = ferroscore::aggregate::group_var(&x, &g, None, 1).unwrap();
    for (k, v) in got.iter().enumerate() {
        let members: Vec<f64> = x
            .iter()
            .zip(&g)
            .filter(|(_, &c)| c == k as i64)
            .map(|(v, _)| *v)
            .collect();
        let exp = two_pass_var(&members, 1e9, 1);
        assert!(((v - exp) / exp).abs() < 1e-9, "group {k}: {v} vs {exp}");
    }
}

#[test]
fn rolling_sum_forgets_a_spike_once_it_leaves_the_window() {
    // Sliding add/remove sums (pandas, bottleneck) keep the rounding error of
    // a 1e15 spike forever; ferroscore's windows are sums restarted every
    // block, and rows whose `total - prefix` would cancel take the previous
    // block's backward sums. After the spike leaves, every window is within
    // a few ulps of the exact sum of its own values.
    let mut rng = Rng::new(17);
    for w in [7, 100, 1000] {
        let mut x: Vec<f64> = (0..20 * w).map(|_| rng.normal()).collect();
        for s in [3 * w + 1, 8 * w + w / 2, 15 * w - 1] {
            x[s] = 1e15;
        }
        let o = ferroscore::score::RollingOptions::new(w);
        let sums = ferroscore::score::rolling_sum(&x, &o).unwrap();
        let means = ferroscore::score::rolling_mean(&x, &o).unwrap();
        for i in w - 1..x.len() {
            let win = &x[i + 1 - w..=i];
            if win.contains(&1e15) {
                continue;
            }
            // Naive sum of normals with |x| < 10: its error is ~1e-13.
            let exp: f64 = win.iter().sum();
            let scale: f64 = win.iter().map(|v| v.abs()).sum();
            assert!(
                (sums[i] - exp).abs() <= 1e-12 * scale,
                "w={w} row {i}: {} vs {exp}",
                sums[i]
            );
            assert!((means[i] - exp / w as f64).abs() <= 1e-12 * scale / w as f64);
        }
    }
}
