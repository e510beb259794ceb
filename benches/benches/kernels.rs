//! Criterion throughput of every kernel family at n = 1e6 and 1e7, float64,
//! 1% NaN, window 100, 1000 groups, single thread (the default pool is set to
//! one thread unless FERROSCORE_BENCH_THREADS says otherwise); the `_2t`
//! benches run on a pool of two threads of their own.
//!
//! `cargo bench -p ferroscore-benches` (or `make bench-core`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ferroscore::aggregate as agg;
use ferroscore::score::{
    self, EwmOptions, Interpolation, RollingKind, RollingOptions, ScoreOptions,
};
use ferroscore::validate::{validate, Column, Rule, RuleSet, Table};
use ferroscore_benches::{codes, series};
use std::hint::black_box;
use std::time::Duration;

fn sizes() -> Vec<usize> {
    match std::env::var("FERROSCORE_BENCH_SIZES") {
        Ok(s) => s
            .split(',')
            .filter_map(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as usize)
            .collect(),
        Err(_) => vec![1_000_000, 10_000_000],
    }
}

/// Sums `x` in sixteen lanes and nothing else: a plain streaming read.
fn read(x: &[f64]) -> [f64; 16] {
    x.chunks_exact(16).fold([0.0f64; 16], |mut a, c| {
        for j in 0..16 {
            a[j] += c[j];
        }
        a
    })
}

/// [`read`] of two arrays.
fn read2(x: &[f64], y: &[f64]) -> [f64; 16] {
    x.chunks_exact(16)
        .zip(y.chunks_exact(16))
        .fold([0.0f64; 16], |mut a, (c, d)| {
            for j in 0..16 {
                a[j] += c[j] + d[j];
            }
            a
        })
}

/// `f` on the first and on the second half of the rows `0..n`, in parallel.
fn halves<R: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> R + Sync) -> (R, R) {
    rayon::join(|| f(0..n / 2), || f(n / 2..n))
}

fn kernels(c: &mut Criterion) {
    let threads = std::env::var("FERROSCORE_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool of two threads");
    for n in sizes() {
        let x = series(n, 10, 1);
        let y = series(n, 10, 2);
        let g = codes(n, 1000, 3);
        let ids: Vec<i64> = (0..n as i64).collect();
        let mut out = vec![0.0f64; n];
        let mut grp = c.benchmark_group(format!("n={n:e}"));
        grp.throughput(Throughput::Elements(n as u64));
        grp.sample_size(10);
        grp.warm_up_time(Duration::from_millis(500));
        grp.measurement_time(Duration::from_secs(if n > 2_000_000 { 3 } else { 2 }));
        let id = |name: &str| BenchmarkId::new(name, n);

        // A plain streaming read of `x`: the floor for one-array reductions
        // (sixteen lanes: at 1e6, in cache, eight lanes wait on the adds).
        grp.bench_function(id("read_baseline"), |b| b.iter(|| read(black_box(&x))));
        // The same plain read of the two arrays `dot` reads.
        grp.bench_function(id("read_baseline_2"), |b| {
            b.iter(|| read2(black_box(&x), &y))
        });
        // Two threads (a pool of its own, whatever the global one): the
        // plain reads split in halves, and the reductions that one thread
        // already runs near the read's speed. What the reads gain bounds
        // what those reductions can gain.
        grp.bench_function(id("read_baseline_2t"), |b| {
            b.iter(|| two.install(|| halves(n, |r| read(&black_box(&x)[r]))))
        });
        grp.bench_function(id("read_baseline_2_2t"), |b| {
            b.iter(|| two.install(|| halves(n, |r| read2(&black_box(&x)[r.clone()], &y[r]))))
        });
        grp.bench_function(id("sum_2t"), |b| {
            b.iter(|| two.install(|| agg::sum(black_box(&x))))
        });
        grp.bench_function(id("dot_2t"), |b| {
            b.iter(|| two.install(|| agg::dot(black_box(&x), &y).unwrap()))
        });
        grp.bench_function(id("group_sum_1000_2t"), |b| {
            b.iter(|| two.install(|| agg::group_sum(black_box(&x), &g, Some(1000)).unwrap()))
        });
        grp.bench_function(id("score_series"), |b| {
            b.iter(|| {
                score::score_series_into(black_box(&x), &ScoreOptions::default(), &mut out).unwrap()
            })
        });
        grp.bench_function(id("power_sum"), |b| {
            b.iter(|| agg::power_sum(black_box(&x), 1.5).unwrap())
        });
        grp.bench_function(id("sum"), |b| b.iter(|| agg::sum(black_box(&x))));
        grp.bench_function(id("dot"), |b| {
            b.iter(|| agg::dot(black_box(&x), &y).unwrap())
        });
        grp.bench_function(id("var"), |b| {
            b.iter(|| agg::var(black_box(&x), 1).unwrap())
        });
        let w = RollingOptions::new(100);
        for (name, kind) in [
            ("rolling_mean", RollingKind::Mean),
            ("rolling_std", RollingKind::Std),
            ("rolling_min", RollingKind::Min),
            ("rolling_max", RollingKind::Max),
            ("rolling_median", RollingKind::Median),
            (
                "rolling_quantile",
                RollingKind::Quantile {
                    q: 0.9,
                    interpolation: Interpolation::Linear,
                },
            ),
        ] {
            grp.bench_function(id(name), |b| {
                b.iter(|| score::rolling_into(black_box(&x), kind, &w, &mut out).unwrap())
            });
        }
        let e = EwmOptions::alpha(0.1);
        grp.bench_function(id("ewm_mean"), |b| {
            b.iter(|| score::ewm_mean_into(black_box(&x), &e, &mut out).unwrap())
        });
        grp.bench_function(id("ewm_std"), |b| {
            b.iter(|| score::ewm_std_into(black_box(&x), &e, &mut out).unwrap())
        });
        grp.bench_function(id("cumsum"), |b| {
            b.iter(|| score::cumsum_into(black_box(&x), true, &mut out).unwrap())
        });
        grp.bench_function(id("group_sum_1000"), |b| {
            b.iter(|| agg::group_sum(black_box(&x), &g, Some(1000)).unwrap())
        });
        grp.bench_function(id("group_mean_1000"), |b| {
            b.iter(|| agg::group_mean(black_box(&x), &g, Some(1000)).unwrap())
        });
        grp.bench_function(id("group_std_1000"), |b| {
            b.iter(|| agg::group_std(black_box(&x), &g, Some(1000), 1).unwrap())
        });
        let rules = RuleSet::new()
            .with("x", Rule::NotMissing)
            .with("x", Rule::in_range(-10.0, 10.0))
            .with("id", Rule::Unique)
            .with("id", Rule::monotonic(false, true));
        let table = Table::new()
            .with("x", Column::F64(&x))
            .with("id", Column::I64(&ids));
        grp.bench_function(id("validate_4_rules"), |b| {
            b.iter(|| validate(black_box(&table), &rules, 10).unwrap())
        });
        grp.finish();
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
