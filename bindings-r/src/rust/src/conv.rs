//! Conversions between R objects and the core's slices, options and errors.
//!
//! Nothing here computes a statistic: it reads R arguments, reports what is
//! wrong with them, and writes results back as R vectors (`NA_real_` where the
//! core wrote NaN).

use extendr_api::prelude::*;
use std::borrow::Cow;
use std::fmt;

/// Rows per chunk when a scan runs through its resumable state: the chunk's
/// output is still in cache when its NaNs become `NA_real_`.
pub(crate) const CHUNK: usize = 4096;

/// What can be wrong with a call: the core's error, or an R argument that does
/// not convert.
#[derive(Debug)]
pub(crate) enum BindError {
    /// The core rejected the input.
    Core(ferroscore::Error),
    /// An argument has the wrong R type or shape.
    Arg {
        /// The argument, as the R user spells it.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A Rust panic (a bug): reported, never unwound into R.
    Internal(String),
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindError::Core(e) => write!(f, "{e}"),
            BindError::Arg { name, reason } => write!(f, "invalid argument `{name}`: {reason}"),
            BindError::Internal(m) => write!(f, "internal error in ferroscore: {m}"),
        }
    }
}

impl From<ferroscore::Error> for BindError {
    fn from(e: ferroscore::Error) -> Self {
        BindError::Core(e)
    }
}

/// `Result<T, BindError>`.
pub(crate) type BResult<T> = std::result::Result<T, BindError>;

/// An argument error.
pub(crate) fn arg_err(name: &str, reason: impl Into<String>) -> BindError {
    BindError::Arg {
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// Runs `f`, turning an error (or a panic) into an R value of class
/// `ferroscore_rs_error` that the R wrapper raises as a `ferroscore_error`
/// condition. Errors never unwind through R, and no backtrace is printed.
pub(crate) fn guarded(f: impl FnOnce() -> BResult<Robj>) -> Robj {
    let res = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Err(BindError::Internal(msg))
        }
    };
    match res {
        Ok(r) => r,
        Err(e) => error_value(&e),
    }
}

/// The R value standing for an error: its message, with the argument it is
/// about in the attribute `argument`.
fn error_value(e: &BindError) -> Robj {
    let argument: Option<String> = match e {
        BindError::Core(c) => c.argument().map(str::to_string),
        BindError::Arg { name, .. } => Some(name.clone()),
        BindError::Internal(_) => None,
    };
    let mut r: Robj = e.to_string().into();
    let _ = r.set_attrib("argument", argument.unwrap_or_default());
    let _ = r.set_class(["ferroscore_rs_error"]);
    r
}

/// R's `NA_real_`.
pub(crate) fn na_real() -> f64 {
    <f64 as CanBeNA>::na()
}

/// Writes `NA_real_` wherever the core wrote NaN.
#[inline]
pub(crate) fn restore_na(out: &mut [f64]) {
    let na = na_real();
    for o in out.iter_mut() {
        *o = if o.is_nan() { na } else { *o };
    }
}

/// The R type of `x`, as `typeof()` names it.
pub(crate) fn type_name(x: &Robj) -> &'static str {
    match x.rtype() {
        Rtype::Null => "NULL",
        Rtype::Logicals => "logical",
        Rtype::Integers => "integer",
        Rtype::Doubles => "double",
        Rtype::Complexes => "complex",
        Rtype::Strings => "character",
        Rtype::List => "list",
        Rtype::Function | Rtype::Builtin | Rtype::Special => "function",
        Rtype::Environment => "environment",
        Rtype::ExternalPtr => "externalptr",
        Rtype::Raw => "raw",
        Rtype::Symbol => "symbol",
        Rtype::Language => "language",
        Rtype::S4 => "S4",
        _ => "object",
    }
}

/// A numeric vector or matrix as `f64`: borrowed when R holds doubles,
/// converted from integers and logicals (`NA` becomes `NA_real_`).
pub(crate) struct Numeric<'a> {
    /// The values, column after column.
    pub values: Cow<'a, [f64]>,
    /// Rows (the length, for a vector).
    pub nrow: usize,
    /// Columns (1 for a vector).
    pub ncol: usize,
}

/// Reads `x` as numbers: a double, integer or logical vector or matrix
/// (factors and other classed non-numeric objects are refused).
pub(crate) fn numeric<'a>(x: &'a Robj, name: &str) -> BResult<Numeric<'a>> {
    let values: Cow<'a, [f64]> = match x.rtype() {
        Rtype::Doubles => Cow::Borrowed(x.as_real_slice().unwrap_or(&[])),
        Rtype::Integers => {
            if x.is_factor() {
                return Err(arg_err(
                    name,
                    "must be numeric, got a factor (use as.numeric(as.character(x)) or codes)",
                ));
            }
            let na = na_real();
            let s = x.as_integer_slice().unwrap_or(&[]);
            Cow::Owned(
                s.iter()
                    .map(|&v| if v == i32::MIN { na } else { f64::from(v) })
                    .collect(),
            )
        }
        Rtype::Logicals => {
            let na = na_real();
            let s = x.as_logical_slice().unwrap_or(&[]);
            Cow::Owned(
                s.iter()
                    .map(|v| match Option::<bool>::from(*v) {
                        None => na,
                        Some(b) => f64::from(u8::from(b)),
                    })
                    .collect(),
            )
        }
        _ => {
            return Err(arg_err(
                name,
                format!("must be a numeric vector or matrix, got {}", type_name(x)),
            ))
        }
    };
    let n = values.len();
    let dim = x.get_attrib("dim");
    let dim = dim.as_ref().and_then(|d| d.as_integer_slice());
    let (nrow, ncol) = match dim {
        Some(d) if d.len() == 2 => (d[0].max(0) as usize, d[1].max(0) as usize),
        Some(d) if d.len() > 2 => {
            return Err(arg_err(
                name,
                format!(
                    "must be a vector or a matrix, got an array of {} dimensions",
                    d.len()
                ),
            ))
        }
        _ => (n, 1),
    };
    if nrow * ncol != n {
        return Err(arg_err(
            name,
            "has a dim attribute that does not match its length",
        ));
    }
    Ok(Numeric { values, nrow, ncol })
}

/// A fresh double vector of length `n` carrying `like`'s names, dim and
/// dimnames (not its class: a cumulative sum of Dates is not a Date).
pub(crate) fn alloc_like(like: &Robj, n: usize) -> Robj {
    let mut out = Robj::alloc_vector(extendr_ffi::SEXPTYPE::REALSXP, n);
    if like.has_attrib("dim") {
        for a in ["dim", "dimnames"] {
            if let Some(v) = like.get_attrib(a) {
                let _ = out.set_attrib(a, v);
            }
        }
    } else if let Some(v) = like.get_attrib("names") {
        if v.len() == n {
            let _ = out.set_attrib("names", v);
        }
    }
    out
}

/// The double slice of a vector made by [`alloc_like`].
pub(crate) fn real_mut(x: &mut Robj) -> &mut [f64] {
    x.as_real_slice_mut().unwrap_or(&mut [])
}

/// A double vector from `v`, NaN written as `NA_real_`.
pub(crate) fn doubles_na(mut v: Vec<f64>) -> Robj {
    restore_na(&mut v);
    Robj::from(v)
}

fn scalar_len(x: &Robj, name: &str, what: &str) -> BResult<()> {
    if x.len() == 1 {
        Ok(())
    } else {
        Err(arg_err(
            name,
            format!(
                "must be {what}, got a {} of length {}",
                type_name(x),
                x.len()
            ),
        ))
    }
}

/// A single number (NaN and `NA` are passed on as NaN for the core to judge).
pub(crate) fn f64_arg(x: &Robj, name: &str) -> BResult<f64> {
    let v = match x.rtype() {
        Rtype::Doubles => {
            scalar_len(x, name, "a single number")?;
            x.as_real_slice().map_or(f64::NAN, |s| s[0])
        }
        Rtype::Integers if !x.is_factor() => {
            scalar_len(x, name, "a single number")?;
            match x.as_integer_slice().map_or(i32::MIN, |s| s[0]) {
                i32::MIN => f64::NAN,
                i => f64::from(i),
            }
        }
        _ => {
            return Err(arg_err(
                name,
                format!("must be a single number, got {}", type_name(x)),
            ))
        }
    };
    Ok(v)
}

/// `NULL` or a single number.
pub(crate) fn opt_f64_arg(x: &Robj, name: &str) -> BResult<Option<f64>> {
    if x.is_null() {
        Ok(None)
    } else {
        f64_arg(x, name).map(Some)
    }
}

/// A single whole number `>= 0`.
pub(crate) fn usize_arg(x: &Robj, name: &str) -> BResult<usize> {
    let what = "a single whole number >= 0";
    let v = match x.rtype() {
        Rtype::Doubles | Rtype::Integers if !x.is_factor() => f64_arg(x, name)?,
        _ => {
            return Err(arg_err(
                name,
                format!("must be {what}, got {}", type_name(x)),
            ))
        }
    };
    if v.is_nan() {
        return Err(arg_err(name, format!("must be {what}, got NA")));
    }
    if v < 0.0 || v.fract() != 0.0 || v > 4.5e15 {
        return Err(arg_err(name, format!("must be {what}, got {v}")));
    }
    Ok(v as usize)
}

/// `NULL` or a single whole number `>= 0`.
pub(crate) fn opt_usize_arg(x: &Robj, name: &str) -> BResult<Option<usize>> {
    if x.is_null() {
        Ok(None)
    } else {
        usize_arg(x, name).map(Some)
    }
}

/// `TRUE` or `FALSE`.
pub(crate) fn bool_arg(x: &Robj, name: &str) -> BResult<bool> {
    if x.rtype() == Rtype::Logicals && x.len() == 1 {
        if let Some(s) = x.as_logical_slice() {
            if let Some(b) = Option::<bool>::from(s[0]) {
                return Ok(b);
            }
        }
        return Err(arg_err(name, "must be TRUE or FALSE, got NA"));
    }
    Err(arg_err(
        name,
        format!(
            "must be TRUE or FALSE, got a {} of length {}",
            type_name(x),
            x.len()
        ),
    ))
}

/// A single string.
pub(crate) fn str_arg<'a>(x: &'a Robj, name: &str) -> BResult<&'a str> {
    if x.rtype() == Rtype::Strings && x.len() == 1 {
        if let Some(s) = x.as_str() {
            if !x.is_na() {
                return Ok(s);
            }
        }
        return Err(arg_err(name, "must be a single string, got NA"));
    }
    Err(arg_err(
        name,
        format!(
            "must be a single string, got a {} of length {}",
            type_name(x),
            x.len()
        ),
    ))
}
