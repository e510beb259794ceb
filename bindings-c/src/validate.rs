//! Validation: rule-set and report handles, and the table as an array of
//! `FerroscoreColumn`s.

use std::ffi::{c_char, c_void};

use fscore::validate::{validate, Column, Report, Rule, RuleSet, Table};

use crate::options;
use crate::ptr::{c_str, exclusive, free_handle, input, new_handle, put, reference, scalar_out};
use crate::status::{invalid, landing_pad, landing_pad_void, string_out, FerroscoreStatus, Res};

/// A set of (column, rule) pairs, in order (opaque). Made by
/// `ferroscore_ruleset_new`, filled by `ferroscore_ruleset_add_*`, freed by
/// `ferroscore_ruleset_free`.
#[derive(Debug, Clone, Default)]
pub struct FerroscoreRuleSet(RuleSet);

/// The columnar outcome of `ferroscore_validate` (opaque): one result per
/// (column, rule) in the rule set's order. Freed by `ferroscore_report_free`.
#[derive(Debug, Clone)]
pub struct FerroscoreReport(Report);

/// One named column of a table: `len` values of type `dtype` (a
/// `FerroscoreDtype`) at `data`. The table is an array of these; every
/// column must have the same `len`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FerroscoreColumn {
    /// The column's name, NUL-terminated UTF-8.
    pub name: *const c_char,
    /// A `FerroscoreDtype`: F64, F32 or I64.
    pub dtype: i32,
    /// The values (`double`, `float` or `int64_t`); NULL only when `len` is 0.
    pub data: *const c_void,
    /// Number of values.
    pub len: usize,
}

/// A new, empty rule set in `*out`.
///
/// # Safety
/// `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_new(
    out: *mut *mut FerroscoreRuleSet,
) -> FerroscoreStatus {
    landing_pad(|| new_handle(out, || Ok(FerroscoreRuleSet::default())))
}

/// Frees a rule set; NULL is a no-op.
///
/// # Safety
/// `rules` NULL or a rule set from `ferroscore_ruleset_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_free(rules: *mut FerroscoreRuleSet) {
    // SAFETY: forwarded from this function's contract.
    landing_pad_void(|| unsafe { free_handle(rules) })
}

/// Number of (column, rule) pairs in a rule set.
///
/// # Safety
/// `rules` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_len(
    rules: *const FerroscoreRuleSet,
    out: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let rules = unsafe { reference(rules, "rules") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, rules.0.entries().len()) };
        Ok(())
    })
}

/// Adds `rule` for `column` after checking its parameters with the core.
///
/// # Safety
/// `rules` NULL or live and unused elsewhere; `column` NULL or a C string.
unsafe fn add(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    rule: impl FnOnce() -> Res<Rule>,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let rules = unsafe { exclusive(rules, "rules") }?;
        // SAFETY: forwarded from the export's contract.
        let column = unsafe { c_str(column, "column") }?;
        let rule = rule()?;
        rule.validate()?;
        rules.0.push(column, rule);
        Ok(())
    })
}

/// Adds `not_missing` for `column`: missing (NaN) values fail.
///
/// # Safety
/// `rules` NULL or a live rule set not used elsewhere during the call;
/// `column` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_not_missing(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::NotMissing)) }
}

/// Adds `finite` for `column`: missing and infinite values fail.
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_finite(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::Finite)) }
}

/// Adds `in_range(lo, hi, closed)` for `column`; `closed` is a
/// `FerroscoreClosed` (`FERROSCORE_CLOSED_BOTH` is pandas' default).
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_in_range(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    lo: f64,
    hi: f64,
    closed: i32,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        add(rules, column, || {
            Ok(Rule::InRange {
                lo,
                hi,
                closed: options::closed(closed)?,
            })
        })
    }
}

/// Adds `in_set(values[0..n])` for `column` (the values are copied).
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`; `values` NULL or valid for `n`
/// reads.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_in_set(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    values: *const f64,
    n: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract (`values` too).
    unsafe {
        add(rules, column, || {
            Ok(Rule::InSet(input(values, n, "values")?.to_vec()))
        })
    }
}

/// Adds `unique` for `column`: 2nd and later occurrences of a value fail.
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_unique(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::Unique)) }
}

/// Adds `monotonic(decreasing, strict)` for `column`.
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_monotonic(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    decreasing: bool,
    strict: bool,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::monotonic(decreasing, strict))) }
}

/// Adds `max_abs_zscore(k)` for `column` (`k` finite, > 0).
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_max_abs_zscore(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    k: f64,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::MaxAbsZscore(k))) }
}

/// Adds `no_gaps(step)` for `column` (sorted keys; `step` finite, > 0).
///
/// # Safety
/// As `ferroscore_ruleset_add_not_missing`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_ruleset_add_no_gaps(
    rules: *mut FerroscoreRuleSet,
    column: *const c_char,
    step: f64,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(rules, column, || Ok(Rule::NoGaps(step))) }
}

/// Runs every rule of `rules` on its column of the table `columns[0..n_columns]`
/// in one fused pass per column (columns in parallel), recording the first
/// `max_failures` failing rows of each (column, rule); the report goes to
/// `*out` (free it with `ferroscore_report_free`). The table's data are only
/// read during the call.
///
/// # Safety
/// `columns` NULL or valid for `n_columns` reads, each column's `name` a C
/// string and `data` valid for `len` values of its dtype; `rules` NULL or
/// live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_validate(
    columns: *const FerroscoreColumn,
    n_columns: usize,
    rules: *const FerroscoreRuleSet,
    max_failures: usize,
    out: *mut *mut FerroscoreReport,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from this function's contract.
        let cols = unsafe { input(columns, n_columns, "columns") }?;
        // SAFETY: forwarded from this function's contract.
        let rules = unsafe { reference(rules, "rules") }?;
        let mut table = Table::new();
        for c in cols {
            // SAFETY: forwarded from this function's contract.
            let name = unsafe { c_str(c.name, "columns.name") }?;
            // SAFETY (all three): forwarded; each `data` holds `len` values of `dtype`.
            let col = match c.dtype {
                0 => Column::F64(unsafe { input(c.data.cast::<f64>(), c.len, "columns.data") }?),
                1 => Column::F32(unsafe { input(c.data.cast::<f32>(), c.len, "columns.data") }?),
                2 => Column::I64(unsafe { input(c.data.cast::<i64>(), c.len, "columns.data") }?),
                d => {
                    return Err(invalid(
                        "dtype",
                        format!("unknown dtype {d} of column `{name}` (0..=2)"),
                    ))
                }
            };
            table.push(name, col);
        }
        new_handle(out, || {
            Ok(FerroscoreReport(validate(&table, &rules.0, max_failures)?))
        })
    })
}

/// Frees a report; NULL is a no-op.
///
/// # Safety
/// `report` NULL or a report from `ferroscore_validate`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_free(report: *mut FerroscoreReport) {
    // SAFETY: forwarded from this function's contract.
    landing_pad_void(|| unsafe { free_handle(report) })
}

/// Reads one value out of a report.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
unsafe fn get<V>(
    report: *const FerroscoreReport,
    out: *mut V,
    f: impl FnOnce(&Report) -> Res<V>,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from the export's contract.
        let r = unsafe { reference(report, "report") }?;
        let v = f(&r.0)?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, v) };
        Ok(())
    })
}

fn result(r: &Report, i: usize) -> Res<&fscore::validate::RuleResult> {
    r.results.get(i).ok_or_else(|| {
        invalid(
            "index",
            format!(
                "must be < {} (the report's results), got {i}",
                r.results.len()
            ),
        )
    })
}

/// True in `*out` when every rule passed.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_ok(
    report: *const FerroscoreReport,
    out: *mut bool,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(r.ok())) }
}

/// Number of rows of the validated table.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_n_rows(
    report: *const FerroscoreReport,
    out: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(r.n_rows)) }
}

/// Number of results (one per (column, rule)); results are indexed
/// `0..n_results`.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_n_results(
    report: *const FerroscoreReport,
    out: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(r.results.len())) }
}

/// Failing rows over all results.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_n_failed_total(
    report: *const FerroscoreReport,
    out: *mut u64,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(r.n_failed_total())) }
}

/// How many rows fail result `index`.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_n_failed(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut u64,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(result(r, index)?.n_failed)) }
}

/// True in `*out` when no row fails result `index`.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_passed(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut bool,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(result(r, index)?.passed())) }
}

/// How many failing rows result `index` recorded (at most `max_failures`):
/// the length `ferroscore_report_failed_rows` and `_failed_values` fill.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_n_recorded(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { get(report, out, |r| Ok(result(r, index)?.failed_rows.len())) }
}

/// Copies the recorded failing rows of result `index` (0-based, ascending)
/// into `out[0..k]`, `k` from `ferroscore_report_n_recorded`; `out_len`
/// must be at least `k` (else `FERROSCORE_STATUS_LENGTH_MISMATCH`).
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for `out_len` writes.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_failed_rows(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut u64,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { copy_recorded(report, index, out, out_len, |r| &r.failed_rows) }
}

/// Copies the values at the recorded failing rows of result `index` (as
/// `double`) into `out[0..k]`; `out_len` must be at least `k`.
///
/// # Safety
/// `report` NULL or live; `out` NULL or valid for `out_len` writes.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_failed_values(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut f64,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { copy_recorded(report, index, out, out_len, |r| &r.failed_values) }
}

/// # Safety
/// `report` NULL or live; `out` NULL or valid for `out_len` writes.
unsafe fn copy_recorded<V: Copy>(
    report: *const FerroscoreReport,
    index: usize,
    out: *mut V,
    out_len: usize,
    f: impl FnOnce(&fscore::validate::RuleResult) -> &Vec<V>,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let r = unsafe { reference(report, "report") }?;
        let v = f(result(&r.0, index)?);
        if out_len < v.len() {
            return Err(fscore::Error::LengthMismatch {
                name: "out",
                expected: v.len(),
                actual: out_len,
            }
            .into());
        }
        // SAFETY: forwarded; the report is library memory, never the caller's buffer.
        let out = unsafe { crate::ptr::output(out, v.len(), "out", &[]) }?;
        out.copy_from_slice(v);
        Ok(())
    })
}

/// # Safety
/// `report` NULL or live; `buf` NULL or valid for `len` writes; `needed`
/// NULL or valid.
unsafe fn text(
    report: *const FerroscoreReport,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
    f: impl FnOnce(&Report) -> Res<String>,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let r = unsafe { reference(report, "report") }?;
        let s = f(&r.0)?;
        // SAFETY: forwarded from the export's contract.
        unsafe { string_out(&s, buf, len, needed) }
    })
}

/// Copies the column name of result `index` into `buf` (NUL-terminated).
/// `*needed` (if not NULL) gets the name's length in bytes without the NUL;
/// `len = 0` only asks for it; a name longer than `len - 1` is truncated and
/// gives `FERROSCORE_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `report` NULL or live; `buf` NULL or valid for `len` writes; `needed`
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_column(
    report: *const FerroscoreReport,
    index: usize,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        text(report, buf, len, needed, |r| {
            Ok(result(r, index)?.column.clone())
        })
    }
}

/// Copies the rule of result `index` as text (`"in_range(0, 1, closed=both)"`)
/// into `buf`, as `ferroscore_report_column` does.
///
/// # Safety
/// As `ferroscore_report_column`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_rule(
    report: *const FerroscoreReport,
    index: usize,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        text(report, buf, len, needed, |r| {
            Ok(result(r, index)?.rule.clone())
        })
    }
}

/// Copies the whole report as readable text (one line per result) into
/// `buf`, as `ferroscore_report_column` does.
///
/// # Safety
/// As `ferroscore_report_column`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_report_summary(
    report: *const FerroscoreReport,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { text(report, buf, len, needed, |r| Ok(r.to_string())) }
}
