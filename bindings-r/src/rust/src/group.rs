//! Group codes for integer and numeric groups: what `factor()` computes
//! (the sorted unique values, and each row's 0-based position among them),
//! without `factor()`'s conversion of every value to a string.
//!
//! Groups whose values span a small range (all integer groups in practice)
//! go through a table indexed by value: three passes, no sort, no hash.
//! Others sort their unique values and look each row up by binary search.

use crate::conv::*;
use extendr_api::prelude::*;
use rayon::prelude::*;

/// Rows from which the final pass runs on several threads.
const PAR_ROWS: usize = 1 << 16;

/// Codes (NA where `key` is `None`) and the sorted unique keys.
fn factorize<F>(n: usize, key: F, codes: &mut [i32]) -> Vec<i64>
where
    F: Fn(usize) -> Option<i64> + Sync,
{
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for i in 0..n {
        if let Some(k) = key(i) {
            lo = lo.min(k);
            hi = hi.max(k);
        }
    }
    if lo > hi {
        codes.fill(i32::MIN);
        return Vec::new();
    }
    let range = (i128::from(hi) - i128::from(lo)) as u128 + 1;
    let dense_limit = n as u128 + (1 << 16);
    if range <= dense_limit {
        // Table indexed by value - lo: presence, then the code.
        let mut table = vec![-1_i32; range as usize];
        for i in 0..n {
            if let Some(k) = key(i) {
                table[(k - lo) as usize] = 0;
            }
        }
        let mut uniq = Vec::new();
        for (j, t) in table.iter_mut().enumerate() {
            if *t == 0 {
                *t = uniq.len() as i32;
                uniq.push(lo + j as i64);
            }
        }
        let code = |i: usize| key(i).map_or(i32::MIN, |k| table[(k - lo) as usize]);
        fill(codes, code);
        uniq
    } else {
        let mut uniq: Vec<i64> = (0..n).filter_map(&key).collect();
        uniq.sort_unstable();
        uniq.dedup();
        let code = |i: usize| {
            key(i).map_or(i32::MIN, |k| {
                uniq.binary_search(&k).map_or(i32::MIN, |p| p as i32)
            })
        };
        fill(codes, code);
        uniq
    }
}

fn fill(codes: &mut [i32], code: impl Fn(usize) -> i32 + Sync) {
    if codes.len() < PAR_ROWS {
        for (i, c) in codes.iter_mut().enumerate() {
            *c = code(i);
        }
    } else {
        codes
            .par_chunks_mut(PAR_ROWS)
            .enumerate()
            .for_each(|(b, cs)| {
                let base = b * PAR_ROWS;
                for (i, c) in cs.iter_mut().enumerate() {
                    *c = code(base + i);
                }
            });
    }
}

/// R's test for `NA_real_` (as opposed to another NaN): the low word 1954.
fn is_r_na(v: f64) -> bool {
    v.is_nan() && (v.to_bits() & 0xFFFF_FFFF) == 1954
}

/// `list(codes, values, n_groups, keep)` for an integer or double vector
/// (codes 0-based, `NA` for missing groups; values sorted, of `g`'s type;
/// `keep`: `NULL`, or which of the `n_groups` results are the values'; see
/// [`as_codes`]), or `NULL` when
/// `factor()` must decide (a double NaN that is not `NA`, which `factor()`
/// makes a level "NaN").
pub(crate) fn codes(g: Robj) -> BResult<Robj> {
    let n = g.len();
    let mut codes = Robj::alloc_vector(extendr_ffi::SEXPTYPE::INTSXP, n);
    let values: Robj = match g.rtype() {
        Rtype::Integers if !g.is_factor() => {
            let s = g.as_integer_slice().unwrap_or(&[]);
            if let Some(r) = as_codes(&g, s) {
                return Ok(r);
            }
            let key = |i: usize| {
                let v = s[i];
                (v != i32::MIN).then_some(i64::from(v))
            };
            let out = codes.as_integer_slice_mut().unwrap_or(&mut []);
            let u = factorize(n, key, out);
            u.into_iter().map(|k| k as i32).collect::<Vec<i32>>().into()
        }
        Rtype::Doubles => {
            let s = g.as_real_slice().unwrap_or(&[]);
            let mut whole = true;
            for &v in s {
                if v.is_nan() {
                    if !is_r_na(v) {
                        return Ok(Robj::from(()));
                    }
                } else if !(v.fract() == 0.0 && v.abs() < 9.0e15) {
                    whole = false;
                }
            }
            let out = codes.as_integer_slice_mut().unwrap_or(&mut []);
            if whole {
                let key = |i: usize| {
                    let v = s[i];
                    (!v.is_nan()).then_some(v as i64)
                };
                let u = factorize(n, key, out);
                u.into_iter().map(|k| k as f64).collect::<Vec<f64>>().into()
            } else {
                // Order-preserving integer keys of the doubles (-0 is 0,
                // as unique() and factor() have it).
                let bits = |v: f64| {
                    let b = (v + 0.0).to_bits() as i64;
                    if b < 0 {
                        b ^ i64::MAX
                    } else {
                        b
                    }
                };
                let key = |i: usize| {
                    let v = s[i];
                    (!v.is_nan()).then(|| bits(v))
                };
                let u = factorize(n, key, out);
                u.into_iter()
                    .map(|b| f64::from_bits((if b < 0 { b ^ i64::MAX } else { b }) as u64))
                    .collect::<Vec<f64>>()
                    .into()
            }
        }
        _ => {
            return Err(arg_err(
                "groups",
                format!("must be integer or double, got {}", type_name(&g)),
            ))
        }
    };
    let ng = values.len() as i32;
    Ok(list!(codes = codes, values = values, n_groups = ng, keep = ()).into())
}

/// Non-negative integer groups whose largest value is not far above their
/// number of distinct values are their own codes: no codes vector is made
/// (allocating one, 4 bytes a row, cost more than the aggregation). The core
/// then aggregates into `max + 1` slots and `keep` (1-based) picks the
/// groups present.
fn as_codes(g: &Robj, s: &[i32]) -> Option<Robj> {
    let mut lo = i32::MAX;
    let mut hi = i32::MIN;
    for &v in s {
        if v != i32::MIN {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if lo > hi || lo < 0 || hi as usize > s.len() + (1 << 16) {
        return None;
    }
    let mut seen = vec![false; hi as usize + 1];
    for &v in s {
        if v >= 0 {
            seen[v as usize] = true;
        }
    }
    let values: Vec<i32> = (0..=hi).filter(|&k| seen[k as usize]).collect();
    if hi as usize + 1 > 2 * values.len() + 4096 {
        return None;
    }
    let keep: Vec<i32> = values.iter().map(|&v| v + 1).collect();
    let codes = g.clone();
    Some(
        list!(
            codes = codes,
            values = values,
            n_groups = hi + 1,
            keep = keep
        )
        .into(),
    )
}
