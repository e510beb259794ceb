//! Speed of compiled scans against the hand-written kernels (ignored by
//! default; run with
//! `cargo test --release -p ferroscore --test scan_speed -- --ignored --nocapture`).
//!
//! Prints ns per value (median of several runs, warmed output buffers) and the
//! compile time of the seed rule in µs.

use ferroscore::scan::Program;
use ferroscore::score::{score_series_into, ScoreOptions};
use std::hint::black_box;
use std::time::Instant;

fn series(n: usize) -> Vec<f64> {
    // xorshift noise in [0, 10) with 1% NaN, like the criterion benches.
    let mut z = 0x9E37_79B9_7F4A_7C15_u64;
    (0..n)
        .map(|_| {
            z ^= z << 13;
            z ^= z >> 7;
            z ^= z << 17;
            if z % 100 == 0 && std::env::var("SCAN_NO_NAN").is_err() {
                f64::NAN
            } else {
                (z >> 11) as f64 / (1u64 << 53) as f64 * 10.0
            }
        })
        .collect()
}

fn median_ns(n: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e9 / n as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[reps / 2]
}

#[test]
#[ignore]
fn seed_vs_score_series() {
    let n: usize = std::env::var("SCAN_SPEED_N")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(10_000_000, |v| v as usize);
    let x = series(n);
    let mut out = vec![0.0; n];
    let opts = ScoreOptions::default();
    let params = [("up", 0.9), ("down", 0.5)];
    let seed = "if x > s then s * up + x else s * down";
    let seed_fma = "if x > s then fma(s, up, x) else s * down";

    // Interleaved pairs (kernel, scan): the median ratio is robust to the
    // drift of a shared machine.
    for src in [seed, seed_fma] {
        let p = Program::compile(src, &[], &params).unwrap();
        let mut ratios: Vec<(f64, f64, f64)> = (0..15)
            .map(|_| {
                let tk = median_ns(n, 1, || {
                    score_series_into(black_box(&x), &opts, &mut out).unwrap();
                });
                let ts = median_ns(n, 1, || {
                    p.run_into(&[black_box(&x[..])], &[0.0], &mut out).unwrap();
                });
                (ts / tk, tk, ts)
            })
            .collect();
        ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (r, tk, ts) = ratios[7];
        println!("interleaved `{src}`: {ts:.2} vs score_series {tk:.2} ns/value, median ratio {r:.2}x (min {:.2}x)", ratios[0].0);
    }
    if std::env::var("SCAN_ONLY_SEED").is_ok() {
        return;
    }
    let t_kernel = median_ns(n, 7, || {
        score_series_into(black_box(&x), &opts, &mut out).unwrap();
    });
    let mut report = vec![("score_series (hand-written)".to_string(), t_kernel)];
    for (name, src) in [("seed", seed), ("seed with fma", seed_fma)] {
        let p = Program::compile(src, &[], &params).unwrap();
        for (back, p) in [("affine", p.clone()), ("bytecode", p.bytecode())] {
            let t = median_ns(n, 7, || {
                p.run_into(&[black_box(&x[..])], &[0.0], &mut out).unwrap();
            });
            report.push((format!("scan {name} [{back}]"), t));
        }
    }
    let others = [
        (
            "ewm adjust=false",
            "if isnan(s) then x else if s == x then s else (f * s + a * x) / (f + a)",
        ),
        (
            "two states (mean, var)",
            "let d = x - m\nm = m + a * d\nv = (1 - a) * (v + a * d * d)\nout = sqrt(v)",
        ),
        ("cummax", "max(s, x)"),
    ];
    for (name, src) in others {
        let p = Program::compile(src, &[], &[("a", 0.1), ("f", 0.9)]).unwrap();
        let init = vec![f64::NAN; p.states().len()];
        let init = if name == "cummax" {
            vec![f64::NEG_INFINITY]
        } else {
            init
        };
        let t = median_ns(n, 5, || {
            p.run_into(&[black_box(&x[..])], &init, &mut out).unwrap();
        });
        report.push((format!("scan {name} [{}]", p.backend()), t));
    }
    for (name, t) in &report {
        println!(
            "{name:<45} {t:6.2} ns/value  ({:.2}x score_series)",
            t / t_kernel
        );
    }

    // Compile time of the seed rule.
    let reps = 2000;
    let mut ts: Vec<f64> = (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            black_box(Program::compile(black_box(seed), &[], &params).unwrap());
            t0.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    println!(
        "compile seed: median {:.2} µs, p99 {:.2} µs",
        ts[reps / 2],
        ts[reps * 99 / 100]
    );
    // Plus a fresh state (buffers) per run.
    let p = Program::compile(seed, &[], &params).unwrap();
    let mut ts: Vec<f64> = (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            black_box(p.state(&[0.0]).unwrap());
            t0.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    println!("new state (buffers): median {:.2} µs", ts[reps / 2]);
}
