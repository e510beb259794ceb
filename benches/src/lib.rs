//! Shared data generation for the ferroscore benchmarks.

/// A deterministic pseudo-random series: N(0, 1)-like values (sum of
/// uniforms), with about `nan_permille` missing values per thousand.
///
/// ```
/// let x = ferroscore_benches::series(1000, 10, 1);
/// assert_eq!(x.len(), 1000);
/// assert!(x.iter().any(|v| v.is_nan()));
/// ```
pub fn series(n: usize, nan_permille: u64, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    (0..n)
        .map(|_| {
            if next() % 1000 < nan_permille {
                f64::NAN
            } else {
                let u: f64 = (0..4)
                    .map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64)
                    .sum();
                (u - 2.0) * 1.7320508
            }
        })
        .collect()
}

/// Group codes `0..n_groups`, pseudo-random.
///
/// ```
/// let g = ferroscore_benches::codes(100, 7, 3);
/// assert!(g.iter().all(|&c| (0..7).contains(&c)));
/// ```
pub fn codes(n: usize, n_groups: usize, seed: u64) -> Vec<i64> {
    let mut s = seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % n_groups as u64) as i64
        })
        .collect()
}
