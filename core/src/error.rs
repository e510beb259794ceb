//! The one error type of the crate.
//!
//! Every binding maps it once: to a Python exception, an R condition of class
//! `ferroscore_error`, or a C status code ([`Error::code`]).

use std::fmt;

/// Everything that can be wrong with a call's input.
///
/// Each variant names the offending argument, so the message reads the same in
/// every language.
///
/// ```
/// use ferroscore::score::{rolling_mean, RollingOptions};
/// let err = rolling_mean(&[1.0_f64], &RollingOptions::new(0)).unwrap_err();
/// assert_eq!(err.to_string(), "invalid argument `window`: must be >= 1, got 0");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// An argument's value is outside its domain.
    InvalidArgument {
        /// The argument's name, as the user spells it (`window`, `alpha`, ...).
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two arrays that must have the same length do not.
    LengthMismatch {
        /// The argument whose length is wrong.
        name: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        actual: usize,
    },
    /// A group code is not below `n_groups`.
    GroupOutOfRange {
        /// The row holding the code.
        row: usize,
        /// The code found there.
        code: i64,
        /// The number of groups.
        n_groups: usize,
    },
    /// A validation rule names a column the table does not have.
    UnknownColumn {
        /// The column's name.
        name: String,
    },
    /// A rule cannot apply to a column of that type.
    UnsupportedRule {
        /// The column's name.
        column: String,
        /// Why the rule does not apply.
        reason: String,
    },
    /// The source text of a scan program is wrong: a syntax error, an unknown
    /// name, a function called with the wrong number of arguments, a number
    /// where a condition belongs, or a limit exceeded.
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let err = Program::compile("s * upp", &[], &[]).unwrap_err();
    /// let ferroscore::Error::Parse { line, column, .. } = &err else { panic!() };
    /// assert_eq!((*line, *column), (1, 5));
    /// assert!(err.to_string().ends_with("  s * upp\n      ^"));
    /// ```
    Parse {
        /// What is wrong.
        message: String,
        /// 1-based line of the offending token.
        line: usize,
        /// 1-based column (in characters) of the offending token.
        column: usize,
        /// The source line and a caret under the column (two lines, each
        /// indented by two spaces).
        snippet: String,
    },
}

/// `Result<T, ferroscore::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// Status codes for the C ABI and other bindings (stable numbers).
///
/// ```
/// use ferroscore::error::Code;
/// assert_eq!(Code::LengthMismatch as i32, 3);
/// ```
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Success.
    Ok = 0,
    /// [`Error::InvalidArgument`].
    InvalidArgument = 2,
    /// [`Error::LengthMismatch`].
    LengthMismatch = 3,
    /// [`Error::GroupOutOfRange`].
    GroupOutOfRange = 4,
    /// [`Error::UnknownColumn`].
    UnknownColumn = 5,
    /// [`Error::UnsupportedRule`].
    UnsupportedRule = 6,
    /// [`Error::Parse`].
    Parse = 9,
}

impl Error {
    /// Builds an [`Error::InvalidArgument`].
    ///
    /// ```
    /// let e = ferroscore::Error::invalid("q", "must be in [0, 1], got 2");
    /// assert!(e.to_string().contains("`q`"));
    /// ```
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }

    /// The argument this error is about, when it is about one.
    ///
    /// ```
    /// let e = ferroscore::Error::invalid("alpha", "must be in (0, 1]");
    /// assert_eq!(e.argument(), Some("alpha"));
    /// ```
    pub fn argument(&self) -> Option<&str> {
        match self {
            Error::InvalidArgument { name, .. } | Error::LengthMismatch { name, .. } => Some(name),
            Error::GroupOutOfRange { .. } => Some("groups"),
            Error::UnknownColumn { name } => Some(name),
            Error::UnsupportedRule { column, .. } => Some(column),
            Error::Parse { .. } => Some("source"),
        }
    }

    /// The stable status code of this error.
    ///
    /// ```
    /// use ferroscore::error::Code;
    /// assert_eq!(ferroscore::Error::invalid("p", "nan").code(), Code::InvalidArgument);
    /// ```
    pub fn code(&self) -> Code {
        match self {
            Error::InvalidArgument { .. } => Code::InvalidArgument,
            Error::LengthMismatch { .. } => Code::LengthMismatch,
            Error::GroupOutOfRange { .. } => Code::GroupOutOfRange,
            Error::UnknownColumn { .. } => Code::UnknownColumn,
            Error::UnsupportedRule { .. } => Code::UnsupportedRule,
            Error::Parse { .. } => Code::Parse,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Error::LengthMismatch {
                name,
                expected,
                actual,
            } => write!(
                f,
                "length mismatch for `{name}`: expected {expected}, got {actual}"
            ),
            Error::GroupOutOfRange {
                row,
                code,
                n_groups,
            } => write!(
                f,
                "invalid argument `groups`: code {code} at row {row} is not below n_groups = {n_groups}"
            ),
            Error::UnknownColumn { name } => write!(f, "unknown column `{name}`"),
            Error::UnsupportedRule { column, reason } => {
                write!(f, "rule not supported on column `{column}`: {reason}")
            }
            Error::Parse {
                message,
                line,
                column,
                snippet,
            } => write!(
                f,
                "scan syntax error at line {line}, column {column}: {message}\n{snippet}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Checks that `out` has the length of the input.
pub(crate) fn check_out(n: usize, out_len: usize) -> Result<()> {
    if n == out_len {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            name: "out",
            expected: n,
            actual: out_len,
        })
    }
}

/// Checks that a float parameter is finite.
pub(crate) fn check_finite(name: &'static str, v: f64) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid(name, format!("must be finite, got {v}")))
    }
}
