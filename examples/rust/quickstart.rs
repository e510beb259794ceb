//! The seed workload: a 10-million-value series through `score_series` and
//! `power_sum`, timed against plain Rust loops.
//!
//! `make demo` (or `cargo run --release -p ferroscore-benches --example quickstart`).

use ferroscore::aggregate::power_sum;
use ferroscore::score::{score_series_into, ScoreOptions};
use std::time::Instant;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    (best, last.expect("runs >= 1"))
}

fn main() {
    let n = 10_000_000;
    let x = ferroscore_benches::series(n, 10, 1);
    let mut out = vec![0.0; n];
    let opts = ScoreOptions::default();

    let (t_score, _) = best_of(5, || {
        score_series_into(&x, &opts, &mut out).expect("valid options")
    });
    let (t_naive_score, naive) = best_of(5, || {
        let x = std::hint::black_box(&x);
        let mut s = 0.0_f64;
        let mut o = vec![0.0; n];
        for (o, &v) in o.iter_mut().zip(x) {
            if !v.is_nan() {
                s = if v > s { s * 0.9 + v } else { s * 0.5 };
            }
            *o = s;
        }
        o
    });
    let max_diff = out
        .iter()
        .zip(&naive)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);

    let (t_pow, p) = best_of(5, || power_sum(&x, 1.5).expect("finite p"));
    let (t_naive_pow, pn) = best_of(5, || {
        std::hint::black_box(&x)
            .iter()
            .filter(|&&v| v > 0.0)
            .map(|v| v.powf(1.5))
            .sum::<f64>()
    });

    println!("ferroscore quickstart: {n} values, 1% missing\n");
    println!("{:<34} {:>10} {:>12}", "kernel", "ms", "ns/value");
    for (name, t) in [
        ("score_series (ferroscore)", t_score),
        ("score_series (plain Rust loop)", t_naive_score),
        ("power_sum p=1.5 (ferroscore)", t_pow),
        ("power_sum p=1.5 (filter+powf)", t_naive_pow),
    ] {
        println!("{name:<34} {:>10.2} {:>12.3}", t * 1e3, t * 1e9 / n as f64);
    }
    println!(
        "\nscore_series last value {:.6}, max |diff| vs plain loop {max_diff:.1e}",
        out[n - 1]
    );
    println!(
        "power_sum {p:.6} (plain {pn:.6}, relative diff {:.1e})",
        ((p - pn) / pn).abs()
    );
    assert!(
        max_diff < 1e-9 && ((p - pn) / pn).abs() < 1e-12,
        "results disagree"
    );
}
