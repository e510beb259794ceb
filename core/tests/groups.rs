//! Group aggregations against a naive per-group reference, on inputs long
//! enough for several leaves, and the two loops of the variance (anchoring,
//! then steady) against each other.

mod common;
use common::{close, same_bits_or_nan, two_pass_var, Rng};
use ferroscore::aggregate as agg;

/// `n` rows: normals around a per-group level (so the variance needs its
/// anchors), 1% NaN, codes in `0..ng` with 2% skipped (`-1`).
fn data(n: usize, ng: usize, seed: u64) -> (Vec<f64>, Vec<i64>) {
    let mut rng = Rng::new(seed);
    let codes: Vec<i64> = (0..n)
        .map(|_| {
            if rng.uniform() < 0.02 {
                -1
            } else {
                (rng.next_u64() % ng as u64) as i64
            }
        })
        .collect();
    let x = codes
        .iter()
        .map(|&c| {
            if rng.uniform() < 0.01 {
                f64::NAN
            } else {
                1e6 * (c.max(0) as f64) + rng.normal()
            }
        })
        .collect();
    (x, codes)
}

/// The finite values of each group.
fn members(x: &[f64], codes: &[i64], ng: usize) -> Vec<Vec<f64>> {
    let mut m = vec![Vec::new(); ng];
    for (&v, &c) in x.iter().zip(codes) {
        if c >= 0 && !v.is_nan() {
            m[c as usize].push(v);
        }
    }
    m
}

#[test]
fn every_group_kernel_matches_a_naive_loop_over_several_leaves() {
    // 2^16 rows per leaf at least: 300_001 rows make five leaves, the last
    // one short and not a multiple of the eight-row step.
    for (n, ng) in [(300_001, 7), (300_001, 1000), (1_003, 3)] {
        let (x, codes) = data(n, ng, n as u64 + ng as u64);
        let m = members(&x, &codes, ng);
        let sum = agg::group_sum(&x, &codes, Some(ng)).unwrap();
        let count = agg::group_count(&x, &codes, Some(ng)).unwrap();
        let mean = agg::group_mean(&x, &codes, Some(ng)).unwrap();
        let var = agg::group_var(&x, &codes, Some(ng), 1).unwrap();
        let std = agg::group_std(&x, &codes, Some(ng), 0).unwrap();
        let min = agg::group_min(&x, &codes, Some(ng)).unwrap();
        let max = agg::group_max(&x, &codes, Some(ng)).unwrap();
        for (g, v) in m.iter().enumerate() {
            let s: f64 = v.iter().sum();
            let level = 1e6 * g as f64;
            assert!(close(sum[g], s, 1e-12, 1e-6), "sum {g}: {} vs {s}", sum[g]);
            assert_eq!(count[g], v.len() as f64, "count {g}");
            let mu = if v.is_empty() {
                f64::NAN
            } else {
                s / v.len() as f64
            };
            assert!(close(mean[g], mu, 1e-12, 1e-9), "mean {g}");
            let exp = two_pass_var(v, level, 1);
            assert!(
                close(var[g], exp, 1e-9, 0.0),
                "var {g}: {} vs {exp}",
                var[g]
            );
            let exp = two_pass_var(v, level, 0).sqrt();
            assert!(
                close(std[g], exp, 1e-9, 0.0),
                "std {g}: {} vs {exp}",
                std[g]
            );
            let lo = v.iter().copied().fold(f64::NAN, f64::min);
            let hi = v.iter().copied().fold(f64::NAN, f64::max);
            assert!(
                same_bits_or_nan(&[min[g], max[g]], &[lo, hi]),
                "min/max {g}"
            );
        }
    }
}

#[test]
fn a_group_absent_from_every_leaf_changes_no_other_group() {
    // With one more group than the codes use, the variance's first loop,
    // which waits for every group's anchor, runs to the end of each leaf;
    // without it the second loop takes over early. Both must give the same
    // bits.
    let (mut x, codes) = data(200_000, 50, 9);
    // A group whose first rows are missing: its anchor is its first value.
    for (v, &c) in x.iter_mut().zip(&codes).take(5_000) {
        if c == 3 {
            *v = f64::NAN;
        }
    }
    for ddof in [0, 1] {
        let dense = agg::group_var(&x, &codes, Some(50), ddof).unwrap();
        let sparse = agg::group_var(&x, &codes, Some(51), ddof).unwrap();
        assert!(same_bits_or_nan(&dense, &sparse[..50]), "ddof {ddof}");
        assert!(sparse[50].is_nan());
    }
}

#[test]
fn an_out_of_range_code_is_reported_at_its_row_in_either_loop() {
    let (x, codes) = data(100_000, 4, 5);
    // Rows inside an eight-row step, in the short tail, in the second leaf,
    // and late in a leaf (after every anchor is set).
    for row in [0, 5, 13, 70_000, 99_999, 99_995] {
        let mut bad = codes.clone();
        bad[row] = 4;
        for e in [
            agg::group_sum(&x, &bad, Some(4)).unwrap_err(),
            agg::group_mean(&x, &bad, Some(4)).unwrap_err(),
            agg::group_var(&x, &bad, Some(4), 1).unwrap_err(),
        ] {
            assert_eq!(
                e.to_string(),
                format!("invalid argument `groups`: code 4 at row {row} is not below n_groups = 4")
            );
        }
    }
}
