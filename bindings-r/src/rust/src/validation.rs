//! `validate()`: R columns and rule specs in, the core's report out as a list.

use crate::conv::*;
use extendr_api::prelude::*;
use ferroscore::validate::{validate, Closed, Column, Rule, RuleSet, Table};

fn field(spec: &List, name: &str) -> Robj {
    spec.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// One rule from its R spec: `list(kind = "in_range", lo = 0, hi = 1, closed = "both")`.
fn rule_from(spec: &Robj) -> BResult<Rule> {
    let bad = || {
        arg_err(
            "rules",
            "must hold rules made by the rule constructors (in_range(), ...)",
        )
    };
    let l = spec.as_list().ok_or_else(bad)?;
    let kind = field(&l, "kind");
    Ok(match str_arg(&kind, "kind").map_err(|_| bad())? {
        "not_missing" => Rule::NotMissing,
        "finite" => Rule::Finite,
        "in_range" => Rule::InRange {
            lo: f64_arg(&field(&l, "lo"), "lo")?,
            hi: f64_arg(&field(&l, "hi"), "hi")?,
            closed: str_arg(&field(&l, "closed"), "closed")?.parse::<Closed>()?,
        },
        "in_set" => {
            let v = field(&l, "values");
            Rule::InSet(numeric(&v, "values")?.values.into_owned())
        }
        "unique" => Rule::Unique,
        "monotonic" => Rule::Monotonic {
            decreasing: bool_arg(&field(&l, "decreasing"), "decreasing")?,
            strict: bool_arg(&field(&l, "strict"), "strict")?,
        },
        "max_abs_zscore" => Rule::MaxAbsZscore(f64_arg(&field(&l, "k"), "k")?),
        "no_gaps" => Rule::NoGaps(f64_arg(&field(&l, "step"), "step")?),
        _ => return Err(bad()),
    })
}

/// Runs the rules; `cols` are double vectors named `names`, `rule_cols[i]`
/// is the column of `rules[i]`.
pub(crate) fn run(
    cols: Robj,
    names: Robj,
    rule_cols: Robj,
    rules: Robj,
    max_failures: Robj,
) -> BResult<Robj> {
    let cols = cols
        .as_list()
        .ok_or_else(|| arg_err("data", "must be a data.frame or a list of columns"))?;
    let names = names.as_string_vector().unwrap_or_default();
    let rule_cols = rule_cols.as_string_vector().unwrap_or_default();
    let rules = rules
        .as_list()
        .ok_or_else(|| arg_err("rules", "must be a list"))?;
    if names.len() != cols.len() || rule_cols.len() != rules.len() {
        return Err(arg_err("rules", "must be a named list of rules"));
    }
    let max_failures = usize_arg(&max_failures, "max_failures")?;
    let data: Vec<Robj> = cols.values().collect();
    let mut slices: Vec<Numeric<'_>> = Vec::with_capacity(data.len());
    for (d, n) in data.iter().zip(&names) {
        slices.push(numeric(d, n)?);
    }
    let mut table = Table::new();
    for (s, n) in slices.iter().zip(&names) {
        table.push(n.as_str(), Column::F64(&s.values));
    }
    let mut set = RuleSet::new();
    for (c, r) in rule_cols.iter().zip(rules.values()) {
        set.push(c.as_str(), rule_from(&r)?);
    }
    let report = validate(&table, &set, max_failures)?;
    let res = &report.results;
    let rows: Vec<Robj> = res
        .iter()
        .map(|r| {
            Robj::from(
                r.failed_rows
                    .iter()
                    .map(|&i| (i + 1) as f64)
                    .collect::<Vec<f64>>(),
            )
        })
        .collect();
    let values: Vec<Robj> = res
        .iter()
        .map(|r| doubles_na(r.failed_values.clone()))
        .collect();
    let out = list!(
        column = res
            .iter()
            .map(|r| r.column.clone())
            .collect::<Vec<String>>(),
        rule = res.iter().map(|r| r.rule.clone()).collect::<Vec<String>>(),
        n_failed = res.iter().map(|r| r.n_failed as f64).collect::<Vec<f64>>(),
        passed = res.iter().map(|r| r.passed()).collect::<Vec<bool>>(),
        rows = List::from_values(rows),
        values = List::from_values(values),
        n_rows = report.n_rows as f64,
        ok = report.ok()
    );
    Ok(out.into())
}
