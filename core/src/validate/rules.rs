//! Rules and rule sets.

use crate::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// Which ends of an `in_range` interval are included.
///
/// ```
/// use ferroscore::validate::Closed;
/// assert_eq!("neither".parse::<Closed>()?, Closed::Neither);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Closed {
    /// `lo <= v <= hi` (the default).
    #[default]
    Both,
    /// `lo <= v < hi`.
    Left,
    /// `lo < v <= hi`.
    Right,
    /// `lo < v < hi`.
    Neither,
}

impl FromStr for Closed {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "both" => Ok(Closed::Both),
            "left" => Ok(Closed::Left),
            "right" => Ok(Closed::Right),
            "neither" => Ok(Closed::Neither),
            _ => Err(Error::invalid(
                "closed",
                format!("must be one of both, left, right, neither; got {s:?}"),
            )),
        }
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Closed::Both => "both",
            Closed::Left => "left",
            Closed::Right => "right",
            Closed::Neither => "neither",
        })
    }
}

/// A check on one column. See the [module docs](super) for the semantics.
///
/// ```
/// use ferroscore::validate::Rule;
/// assert_eq!(Rule::in_range(0.0, 1.0).to_string(), "in_range(0, 1, closed=both)");
/// assert!(Rule::MaxAbsZscore(-1.0).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// No missing values.
    NotMissing,
    /// No missing or infinite values.
    Finite,
    /// Values inside `[lo, hi]` (ends per `closed`).
    InRange {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
        /// Which ends are included.
        closed: Closed,
    },
    /// Values among the given ones.
    InSet(Vec<f64>),
    /// No value occurs twice.
    Unique,
    /// Values ordered.
    Monotonic {
        /// Decreasing instead of increasing.
        decreasing: bool,
        /// Equal neighbours fail too.
        strict: bool,
    },
    /// `|v - mean| / std <= k`.
    MaxAbsZscore(f64),
    /// Consecutive non-missing values differ by at most `step`.
    NoGaps(f64),
}

impl Rule {
    /// `in_range(lo, hi)` with both ends included.
    pub fn in_range(lo: f64, hi: f64) -> Rule {
        Rule::InRange {
            lo,
            hi,
            closed: Closed::Both,
        }
    }

    /// `monotonic(decreasing, strict)`.
    pub fn monotonic(decreasing: bool, strict: bool) -> Rule {
        Rule::Monotonic { decreasing, strict }
    }

    /// Checks the rule's parameters.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Rule::InRange { lo, hi, .. } => {
                if lo.is_nan() || hi.is_nan() {
                    return Err(Error::invalid("lo", "in_range bounds must not be NaN"));
                }
                if lo > hi {
                    return Err(Error::invalid(
                        "lo",
                        format!("in_range needs lo <= hi, got lo={lo}, hi={hi}"),
                    ));
                }
                Ok(())
            }
            Rule::MaxAbsZscore(k) if !(k > 0.0 && k.is_finite()) => Err(Error::invalid(
                "k",
                format!("max_abs_zscore needs a finite k > 0, got {k}"),
            )),
            Rule::NoGaps(step) if !(step > 0.0 && step.is_finite()) => Err(Error::invalid(
                "step",
                format!("no_gaps needs a finite step > 0, got {step}"),
            )),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NotMissing => f.write_str("not_missing"),
            Rule::Finite => f.write_str("finite"),
            Rule::InRange { lo, hi, closed } => write!(f, "in_range({lo}, {hi}, closed={closed})"),
            Rule::InSet(v) => {
                let items: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                write!(f, "in_set({})", items.join(", "))
            }
            Rule::Unique => f.write_str("unique"),
            Rule::Monotonic { decreasing, strict } => write!(
                f,
                "monotonic({}, strict={strict})",
                if *decreasing {
                    "decreasing"
                } else {
                    "increasing"
                }
            ),
            Rule::MaxAbsZscore(k) => write!(f, "max_abs_zscore({k})"),
            Rule::NoGaps(s) => write!(f, "no_gaps({s})"),
        }
    }
}

/// A mapping from column names to rules, in order.
///
/// ```
/// use ferroscore::validate::{Rule, RuleSet};
/// let rs = RuleSet::new().with("a", Rule::Finite).with("a", Rule::Unique);
/// assert_eq!(rs.entries().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSet {
    entries: Vec<(String, Rule)>,
}

impl RuleSet {
    /// An empty rule set.
    pub fn new() -> Self {
        RuleSet::default()
    }

    /// Adds a rule for a column (builder style).
    #[must_use]
    pub fn with(mut self, column: impl Into<String>, rule: Rule) -> Self {
        self.push(column, rule);
        self
    }

    /// Adds a rule for a column.
    pub fn push(&mut self, column: impl Into<String>, rule: Rule) {
        self.entries.push((column.into(), rule));
    }

    /// The (column, rule) pairs, in order.
    pub fn entries(&self) -> &[(String, Rule)] {
        &self.entries
    }
}
