//! With the `parallel` feature: reductions, group aggregations and
//! validation give bit-identical results on a 1-thread and a 4-thread pool.
#![cfg(feature = "parallel")]

mod common;
use ferroscore::aggregate as agg;
use ferroscore::validate::{validate, Column, Rule, RuleSet, Table};

fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
}

fn all_results(x: &[f64], y: &[f64], codes: &[i64]) -> Vec<u64> {
    let mut r = vec![
        agg::sum(x),
        agg::mean(x),
        agg::var(x, 1).unwrap(),
        agg::min(x),
        agg::power_sum(x, 1.5).unwrap(),
        agg::power_sum(x, 2.7).unwrap(),
        agg::dot(x, y).unwrap(),
        agg::count(x) as f64,
    ];
    let m = agg::Moments::from_slice(x);
    r.extend([m.mean, m.m2]);
    r.extend(agg::group_sum(x, codes, Some(1000)).unwrap());
    r.extend(agg::group_std(x, codes, Some(1000), 1).unwrap());
    r.extend(agg::group_power_sum(x, codes, Some(1000), 1.5).unwrap());
    r.into_iter().map(f64::to_bits).collect()
}

#[test]
fn one_thread_and_four_threads_give_the_same_bits() {
    let mut rng = common::Rng::new(42);
    let n = 1_000_003; // not a multiple of the block size
    let x = rng.series(n, 0.01);
    let y = rng.series(n, 0.01);
    let codes: Vec<i64> = (0..n).map(|_| (rng.next_u64() % 1000) as i64).collect();
    let one = pool(1).install(|| all_results(&x, &y, &codes));
    let four = pool(4).install(|| all_results(&x, &y, &codes));
    assert_eq!(one, four);
    // and the answers are right, not just repeatable
    let naive: f64 = x.iter().filter(|v| !v.is_nan()).sum();
    assert!((f64::from_bits(one[0]) - naive).abs() < 1e-9 * naive.abs().max(1.0));
}

#[test]
fn validation_is_the_same_on_any_pool() {
    let mut rng = common::Rng::new(9);
    let n = 200_000;
    let a = rng.series(n, 0.001);
    let ids: Vec<i64> = (0..n as i64)
        .map(|i| if i % 50_000 == 7 { 3 } else { i })
        .collect();
    let t = Table::new()
        .with("a", Column::F64(&a))
        .with("id", Column::I64(&ids));
    let rules = RuleSet::new()
        .with("a", Rule::NotMissing)
        .with("a", Rule::in_range(-3.0, 3.0))
        .with("a", Rule::MaxAbsZscore(3.5))
        .with("id", Rule::Unique)
        .with("id", Rule::monotonic(false, true));
    let one = pool(1).install(|| validate(&t, &rules, 5).unwrap());
    let four = pool(4).install(|| validate(&t, &rules, 5).unwrap());
    // (Debug text: the reports hold NaN values, which are != themselves)
    assert_eq!(format!("{one:?}"), format!("{four:?}"));
    assert_eq!(one.results[3].n_failed, 4);
    assert_eq!(
        one.results[3].failed_rows,
        vec![7, 50_007, 100_007, 150_007]
    );
}

#[test]
fn rolling_chunked_over_threads_gives_the_same_bits() {
    use ferroscore::score::{rolling, Interpolation, RollingOptions};
    let mut rng = common::Rng::new(9);
    let n = 200_003;
    let mut x = rng.series(n, 0.02);
    for i in (0..n).step_by(7919) {
        x[i] = if i % 2 == 0 { f64::INFINITY } else { -1e12 };
    }
    let kinds = common::rolling_kinds(0.3, Interpolation::Nearest);
    for w in [1, 2, 7, 100, 1000] {
        for center in [false, true] {
            for skipna in [true, false] {
                let o = RollingOptions {
                    center,
                    skipna,
                    min_periods: Some(1.min(w)),
                    ..RollingOptions::new(w)
                };
                for k in kinds {
                    let bits = |t: usize| -> Vec<u64> {
                        pool(t)
                            .install(|| rolling(&x, k, &o).unwrap())
                            .into_iter()
                            .map(f64::to_bits)
                            .collect()
                    };
                    assert_eq!(
                        bits(1),
                        bits(3),
                        "{k:?} w={w} center={center} skipna={skipna}"
                    );
                }
            }
        }
    }
}
