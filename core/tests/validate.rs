//! Validation against naive per-rule loops.

mod common;
use ferroscore::validate::{validate, Closed, Column, Rule, RuleSet, Table};
use proptest::prelude::*;
use std::collections::HashSet;

/// The failing rows of `rule` on `x`, by the documented semantics, naively.
fn naive(x: &[f64], rule: &Rule) -> Vec<u64> {
    let mut fails = Vec::new();
    let mut prev: Option<f64> = None;
    let mut seen = HashSet::new();
    let fin: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    let mean = fin.iter().sum::<f64>() / fin.len() as f64;
    let sd =
        (fin.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (fin.len() as f64 - 1.0)).sqrt();
    for (i, &v) in x.iter().enumerate() {
        let fail = match rule {
            Rule::NotMissing => v.is_nan(),
            Rule::Finite => !v.is_finite(),
            _ if v.is_nan() => false,
            Rule::InRange { lo, hi, closed } => !match closed {
                Closed::Both => *lo <= v && v <= *hi,
                Closed::Left => *lo <= v && v < *hi,
                Closed::Right => *lo < v && v <= *hi,
                Closed::Neither => *lo < v && v < *hi,
            },
            Rule::InSet(s) => !s.contains(&v),
            Rule::Unique => !seen.insert((v + 0.0).to_bits()),
            Rule::Monotonic { decreasing, strict } => {
                let f = prev.is_some_and(|p| match (decreasing, strict) {
                    (false, false) => v < p,
                    (false, true) => v <= p,
                    (true, false) => v > p,
                    (true, true) => v >= p,
                });
                prev = Some(v);
                f
            }
            Rule::MaxAbsZscore(k) => (v - mean).abs() / sd > *k,
            Rule::NoGaps(step) => {
                let f = prev.is_some_and(|p| v - p > *step);
                prev = Some(v);
                f
            }
        };
        if fail {
            fails.push(i as u64);
        }
    }
    fails
}

fn rules() -> Vec<Rule> {
    vec![
        Rule::NotMissing,
        Rule::Finite,
        Rule::in_range(-2.0, 3.0),
        Rule::InRange {
            lo: -1.0,
            hi: 1.0,
            closed: Closed::Neither,
        },
        Rule::InRange {
            lo: 0.0,
            hi: 2.0,
            closed: Closed::Left,
        },
        Rule::InSet(vec![0.0, 1.0, 2.0]),
        Rule::Unique,
        Rule::monotonic(false, false),
        Rule::monotonic(true, true),
        Rule::MaxAbsZscore(1.5),
        Rule::NoGaps(1.0),
    ]
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => (-4i32..5).prop_map(f64::from),
        3 => -5.0..5.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-0.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_rule_matches_its_naive_loop(x in prop::collection::vec(value(), 0..9000), max in 0usize..12) {
        let t = Table::new().with("x", Column::F64(&x));
        let mut rs = RuleSet::new();
        for r in rules() {
            rs.push("x", r);
        }
        let rep = validate(&t, &rs, max).unwrap();
        for (res, rule) in rep.results.iter().zip(rules()) {
            let exp = naive(&x, &rule);
            prop_assert_eq!(res.n_failed, exp.len() as u64, "{}", rule);
            let k = exp.len().min(max);
            prop_assert_eq!(&res.failed_rows, &exp[..k].to_vec(), "{}", rule);
            for (&r, &v) in res.failed_rows.iter().zip(&res.failed_values) {
                prop_assert!(v.to_bits() == x[r as usize].to_bits() || (v == 0.0 && x[r as usize] == 0.0));
            }
        }
        prop_assert_eq!(rep.ok(), rep.results.iter().all(|r| r.n_failed == 0));
    }

    #[test]
    fn unique_on_sorted_columns_matches_the_naive_loop(
        mut x in prop::collection::vec(-30i32..30, 0..3000),
        desc in any::<bool>(),
        nan_every in 0usize..50,
        max in 0usize..12,
    ) {
        // Sorted data takes the linear path; NaN anywhere must not break it.
        x.sort_unstable();
        if desc {
            x.reverse();
        }
        let mut f: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        if nan_every > 0 {
            for v in f.iter_mut().step_by(nan_every) {
                *v = f64::NAN;
            }
        }
        let t = Table::new().with("x", Column::F64(&f));
        let rep = validate(&t, &RuleSet::new().with("x", Rule::Unique), max).unwrap();
        let exp = naive(&f, &Rule::Unique);
        prop_assert_eq!(rep.results[0].n_failed, exp.len() as u64);
        prop_assert_eq!(&rep.results[0].failed_rows, &exp[..exp.len().min(max)].to_vec());
    }

    #[test]
    fn order_rules_match_the_naive_loop_on_mostly_sorted_columns(
        steps in prop::collection::vec(prop_oneof![1 => Just(0i32), 30 => 1i32..3], 0..3000),
        desc in any::<bool>(),
        swaps in prop::collection::vec((0usize..3000, 0usize..3000), 0..4),
        nans in prop::collection::vec(0usize..3000, 0..3),
        max in 0usize..12,
    ) {
        // Long runs without a missing value take the 64-row mask paths of
        // the order rules; a few swaps and missing values break them. Steps
        // of 0 are rare duplicates (one may straddle two 64-row chunks),
        // steps of 2 gaps.
        let mut x: Vec<i32> = steps
            .iter()
            .scan(0, |acc, s| {
                *acc += s;
                Some(*acc)
            })
            .collect();
        if desc {
            x.reverse();
        }
        let n = x.len().max(1);
        for (a, b) in swaps {
            x.swap(a % n, b % n);
        }
        let mut f: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        for i in nans {
            if let Some(v) = f.get_mut(i) {
                *v = f64::NAN;
            }
        }
        let rules = [
            Rule::Unique,
            Rule::monotonic(false, false),
            Rule::monotonic(false, true),
            Rule::monotonic(true, false),
            Rule::monotonic(true, true),
            Rule::NoGaps(1.0),
            Rule::NotMissing,
            Rule::in_range(100.0, 4000.0),
        ];
        let t = Table::new().with("x", Column::F64(&f));
        let mut rs = RuleSet::new();
        for r in &rules {
            rs.push("x", r.clone());
        }
        let rep = validate(&t, &rs, max).unwrap();
        for (res, rule) in rep.results.iter().zip(&rules) {
            let exp = naive(&f, rule);
            prop_assert_eq!(res.n_failed, exp.len() as u64, "{}", rule);
            prop_assert_eq!(&res.failed_rows, &exp[..exp.len().min(max)].to_vec(), "{}", rule);
        }
    }

    #[test]
    fn f32_and_i64_columns_agree_with_f64(x in prop::collection::vec(-50i64..50, 0..3000)) {
        let f: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let g: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let t = Table::new().with("a", Column::F64(&f)).with("b", Column::F32(&g)).with("c", Column::I64(&x));
        let mut rs = RuleSet::new();
        for c in ["a", "b", "c"] {
            for r in rules() {
                rs.push(c, r);
            }
        }
        let rep = validate(&t, &rs, 5).unwrap();
        let n = rules().len();
        for i in 0..n {
            prop_assert_eq!(&rep.results[i].failed_rows, &rep.results[n + i].failed_rows);
            prop_assert_eq!(&rep.results[i].failed_rows, &rep.results[2 * n + i].failed_rows);
            prop_assert_eq!(rep.results[i].n_failed, rep.results[2 * n + i].n_failed);
        }
    }
}

#[test]
fn i64_keys_beyond_2_pow_53_stay_exact() {
    let big = 1_i64 << 60;
    let ids = [big, big + 1, big + 3];
    let t = Table::new().with("id", Column::I64(&ids));
    let rep = validate(
        &t,
        &RuleSet::new()
            .with("id", Rule::Unique)
            .with("id", Rule::NoGaps(1.0)),
        10,
    )
    .unwrap();
    assert!(rep.results[0].passed(), "distinct keys are distinct");
    assert_eq!(rep.results[1].failed_rows, vec![2]);
}

#[test]
fn bad_rules_and_tables_are_errors() {
    let a = [1.0, 2.0];
    let b = [1.0];
    let t = Table::new().with("a", Column::F64(&a));
    assert!(validate(&t, &RuleSet::new().with("zz", Rule::Finite), 1).is_err());
    assert!(validate(&t, &RuleSet::new().with("a", Rule::in_range(2.0, 1.0)), 1).is_err());
    assert!(validate(&t, &RuleSet::new().with("a", Rule::NoGaps(0.0)), 1).is_err());
    assert!(validate(
        &t,
        &RuleSet::new().with("a", Rule::in_range(f64::NAN, 1.0)),
        1
    )
    .is_err());
    let uneven = Table::new()
        .with("a", Column::F64(&a))
        .with("b", Column::F64(&b));
    let e = validate(&uneven, &RuleSet::new(), 1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "length mismatch for `table`: expected 2, got 1"
    );
    let empty = Table::new();
    assert!(validate(&empty, &RuleSet::new(), 1).unwrap().ok());
}

#[test]
fn the_report_reads_well() {
    let x = [1.0, f64::NAN, 7.0];
    let t = Table::new().with("price", Column::F64(&x));
    let rep = validate(
        &t,
        &RuleSet::new()
            .with("price", Rule::NotMissing)
            .with("price", Rule::in_range(0.0, 5.0)),
        10,
    )
    .unwrap();
    let text = rep.to_string();
    assert!(
        text.starts_with("validation FAILED: 3 rows, 2 checks"),
        "{text}"
    );
    assert!(
        text.contains("price  in_range(0, 5, closed=both)  FAILED  1  [2: 7]"),
        "{text}"
    );
}
