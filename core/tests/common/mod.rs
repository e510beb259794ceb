//! Helpers shared by the integration tests: a seeded generator and naive
//! references.
#![allow(dead_code)]

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    /// `n` normals with `nan_frac` of them NaN.
    pub fn series(&mut self, n: usize, nan_frac: f64) -> Vec<f64> {
        (0..n)
            .map(|_| {
                if self.uniform() < nan_frac {
                    f64::NAN
                } else {
                    self.normal()
                }
            })
            .collect()
    }
}

/// Exact-ish two-pass variance of the finite values (shifted by `shift`, which
/// must make `v - shift` exact).
pub fn two_pass_var(v: &[f64], shift: f64, ddof: usize) -> f64 {
    let d: Vec<f64> = v
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| x - shift)
        .collect();
    if d.len() <= ddof {
        return f64::NAN;
    }
    let m = d.iter().sum::<f64>() / d.len() as f64;
    d.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (d.len() - ddof) as f64
}

pub fn close(got: f64, exp: f64, rtol: f64, atol: f64) -> bool {
    if exp.is_nan() {
        return got.is_nan();
    }
    if exp.is_infinite() {
        return got == exp;
    }
    (got - exp).abs() <= atol + rtol * exp.abs()
}

/// Equal bit for bit, any NaN matching any NaN.
pub fn same_bits_or_nan(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
}

/// Every rolling statistic; the quantile with `q` and `interpolation`.
pub fn rolling_kinds(
    q: f64,
    interpolation: ferroscore::score::Interpolation,
) -> [ferroscore::score::RollingKind; 9] {
    use ferroscore::score::RollingKind::*;
    [
        Sum,
        Mean,
        Var,
        Std,
        Zscore,
        Min,
        Max,
        Median,
        Quantile { q, interpolation },
    ]
}
