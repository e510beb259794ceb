//! The scan language: user-written recurrences, compiled once, run at
//! native speed, with no JIT and no dependency.
//!
//! ```
//! use ferroscore::scan::Program;
//! let p = Program::compile(
//!     "if x > s then s * up + x else s * down",
//!     &["x"],
//!     &[("up", 0.9), ("down", 0.5)],
//! )?;
//! let y = p.run(&[&[1.0_f64, 0.0, 2.0][..]], &[0.0])?;
//! assert_eq!(y, vec![1.0, 0.5, 0.5 * 0.9 + 2.0]);
//! # Ok::<(), ferroscore::Error>(())
//! ```
//!
//! A program is either one expression, the new value of the state `s` (and
//! the output), or statements, one per line or separated by `;`:
//!
//! ```text
//! let d = x - m        # a temporary of this row
//! m = m + a * d        # states: every name assigned is a state
//! v = (1 - a) * (v + a * d * d)
//! out = sqrt(v)        # the output (needed with several states)
//! ```
//!
//! Statements run in order, like the body of a loop: a state read before
//! its assignment in the row is its value from the previous row, after it
//! the new value. Names: `x` (or the input names given to
//! [`Program::compile`]), the states, parameters (constants given at compile
//! time), `let` temporaries, `i` (the row index, counted from 0 across
//! chunks). See `docs/scan.md` for the grammar, the operators and their
//! precedence, the functions, missing values and performance.
//!
//! Missing values: with `skipna` (the default) a row where any input is NaN
//! is skipped: the states stay as they are and the output repeats the
//! previous row's output (at the start: the initial state when the output is
//! a state, NaN otherwise), as [`score_series`](crate::score::score_series)
//! does. With `skipna = false` NaN flows through the arithmetic.
//!
//! Arithmetic is IEEE `f64`, each operator rounded once, as a Python, R or C
//! loop computes it (`a * b + c` is not fused: write `fma(a, b, c)` for one
//! rounding). `f32` input is widened to `f64` and the output rounded back.

mod compile;
mod exec;
mod ir;

use crate::error::check_out;
use crate::score::Scan;
use crate::{Error, Float, Result};
use std::sync::Arc;

pub use compile::{MAX_DEPTH, MAX_NODES, MAX_SOURCE};

#[derive(Debug)]
struct Inner {
    source: String,
    inputs: Vec<String>,
    params: Vec<(String, f64)>,
    states: Vec<String>,
    plan: exec::Plan,
    vm_only: bool,
}

/// A compiled scan program: immutable, cheap to clone (shared), `Send` and
/// `Sync`, so one compiled program serves many arrays, columns and threads.
///
/// ```
/// use ferroscore::scan::Program;
/// let p = Program::compile("s + x * w", &[], &[("w", 2.0)])?;
/// assert_eq!(p.inputs(), ["x"]);
/// assert_eq!(p.states(), ["s"]);
/// assert_eq!(p.run(&[&[1.0_f64, 2.0][..]], &[0.0])?, vec![2.0, 6.0]);
/// assert_eq!(p.run(&[&[1.0_f32][..]], &[10.0])?, vec![12.0_f32]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Program {
    inner: Arc<Inner>,
    skipna: bool,
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

fn check_name(what: &'static str, name: &str, seen: &[&str]) -> Result<()> {
    if !is_ident(name) {
        return Err(Error::invalid(
            what,
            format!("`{name}` is not a name (letters, digits and `_`, not starting with a digit)"),
        ));
    }
    if compile::KEYWORDS.contains(&name) {
        return Err(Error::invalid(what, format!("`{name}` is a reserved word")));
    }
    if seen.contains(&name) {
        return Err(Error::invalid(what, format!("`{name}` is given twice")));
    }
    Ok(())
}

/// The names positional inputs get: `x`, `x2`, `x3`, ...
///
/// ```
/// assert_eq!(ferroscore::scan::input_names(3), ["x", "x2", "x3"]);
/// ```
pub fn input_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            if k == 0 {
                "x".to_string()
            } else {
                format!("x{}", k + 1)
            }
        })
        .collect()
}

impl Program {
    /// Compiles `source`.
    ///
    /// `inputs` names the input columns in the order [`run`](Self::run)
    /// takes them (empty means one input, `x`); `params` are named constants,
    /// folded into the program. Unknown names, wrong arities, type errors and
    /// syntax errors are an [`Error::Parse`] with the line, the column and a
    /// caret; bad input or parameter names an [`Error::InvalidArgument`].
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("m = max(m, x - y); out = m", &["x", "y"], &[])?;
    /// assert_eq!(p.run(&[&[3.0_f64, 1.0][..], &[1.0, 0.0][..]], &[0.0])?, vec![2.0, 2.0]);
    /// let e = Program::compile("s +", &[], &[]).unwrap_err();
    /// assert_eq!(e.code(), ferroscore::error::Code::Parse);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn compile(source: &str, inputs: &[&str], params: &[(&str, f64)]) -> Result<Program> {
        Self::build(source, inputs, params, false)
    }

    fn build(
        source: &str,
        inputs: &[&str],
        params: &[(&str, f64)],
        vm_only: bool,
    ) -> Result<Program> {
        let inputs: Vec<String> = if inputs.is_empty() {
            input_names(1)
        } else {
            inputs.iter().map(|s| s.to_string()).collect()
        };
        if inputs.len() > u16::MAX as usize {
            return Err(Error::invalid("inputs", "too many inputs"));
        }
        let mut seen: Vec<&str> = Vec::new();
        for n in &inputs {
            check_name("inputs", n, &seen)?;
            seen.push(n);
        }
        for (n, _) in params {
            check_name("params", n, &seen)?;
            seen.push(n);
        }
        let params: Vec<(String, f64)> = params.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        let parsed = compile::parse(source, &inputs, &params)?;
        let states = parsed.states.clone();
        let plan = exec::plan(parsed, inputs.len(), vm_only);
        Ok(Program {
            inner: Arc::new(Inner {
                source: source.to_string(),
                inputs,
                params,
                states,
                plan,
                vm_only,
            }),
            skipna: true,
        })
    }

    /// The same program with other parameter values (compiled again, since
    /// parameters are folded in; compiling the seed rule takes microseconds).
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s * a + x", &[], &[("a", 0.5)])?;
    /// let q = p.with_params(&[("a", 1.0)])?;
    /// assert_eq!(q.run(&[&[1.0_f64, 1.0][..]], &[0.0])?, vec![1.0, 2.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn with_params(&self, params: &[(&str, f64)]) -> Result<Program> {
        let inputs: Vec<&str> = self.inner.inputs.iter().map(String::as_str).collect();
        let mut p = Self::build(&self.inner.source, &inputs, params, self.inner.vm_only)?;
        p.skipna = self.skipna;
        Ok(p)
    }

    /// The same program with `skipna` set (default `true`): skip rows where
    /// an input is missing, or let NaN flow through the arithmetic.
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s + x", &[], &[])?;
    /// let x = [1.0_f64, f64::NAN, 1.0];
    /// assert_eq!(p.run(&[&x[..]], &[0.0])?, vec![1.0, 1.0, 2.0]);
    /// assert!(p.clone().with_skipna(false).run(&[&x[..]], &[0.0])?[2].is_nan());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn with_skipna(mut self, skipna: bool) -> Program {
        self.skipna = skipna;
        self
    }

    /// Whether missing rows are skipped.
    ///
    /// ```
    /// assert!(ferroscore::scan::Program::compile("s", &[], &[])?.skipna());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn skipna(&self) -> bool {
        self.skipna
    }

    /// The source text.
    ///
    /// ```
    /// assert_eq!(ferroscore::scan::Program::compile("s+x", &[], &[])?.source(), "s+x");
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Input names, in the order the runs take the inputs.
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s + a * b", &["a", "b"], &[])?;
    /// assert_eq!(p.inputs(), ["a", "b"]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn inputs(&self) -> &[String] {
        &self.inner.inputs
    }

    /// Parameters and their values.
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s * k", &[], &[("k", 2.0)])?;
    /// assert_eq!(p.params(), [("k".to_string(), 2.0)]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn params(&self) -> &[(String, f64)] {
        &self.inner.params
    }

    /// State names, in the order of `init` and [`ScanState::states`] (order
    /// of first assignment in the source; `s` for a one-expression program).
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("b = a; a = x; out = a + b", &[], &[])?;
    /// assert_eq!(p.states(), ["b", "a"]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn states(&self) -> &[String] {
        &self.inner.states
    }

    /// The row back end chosen: `"affine"` (a native kernel for one state
    /// updated by a select between affine forms of it) or `"bytecode"`.
    /// Both give the same bits.
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let seed = "if x > s then s * up + x else s * down";
    /// let p = Program::compile(seed, &[], &[("up", 0.9), ("down", 0.5)])?;
    /// assert_eq!(p.backend(), "affine");
    /// assert_eq!(Program::compile("s * s + x", &[], &[])?.backend(), "bytecode");
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn backend(&self) -> &'static str {
        if self.inner.plan.is_affine() {
            "affine"
        } else {
            "bytecode"
        }
    }

    /// The same program on the general bytecode back end (for tests and
    /// measurements: the results are the same bits).
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s * 0.5 + x", &[], &[])?.bytecode();
    /// assert_eq!(p.backend(), "bytecode");
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn bytecode(&self) -> Program {
        let inputs: Vec<&str> = self.inner.inputs.iter().map(String::as_str).collect();
        let params: Vec<(&str, f64)> = self
            .inner
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), *v))
            .collect();
        match Self::build(&self.inner.source, &inputs, &params, true) {
            Ok(mut p) => {
                p.skipna = self.skipna;
                p
            }
            Err(_) => self.clone(),
        }
    }

    /// A fresh resumable state, at `init` (one value per state, or one value
    /// for all).
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s + x", &[], &[])?;
    /// let mut st = p.state(&[0.0])?;
    /// st.update(&[&[1.0_f64, 2.0][..]])?;
    /// assert_eq!(st.update(&[&[3.0_f64][..]])?, vec![6.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn state(&self, init: &[f64]) -> Result<ScanState> {
        ScanState::new(self, init)
    }

    /// Runs the program over whole inputs (all of one length), from `init`.
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s * 0.5 + x", &[], &[])?;
    /// assert_eq!(p.run(&[&[2.0_f64, 2.0][..]], &[0.0])?, vec![2.0, 3.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn run<T: Float>(&self, inputs: &[&[T]], init: &[f64]) -> Result<Vec<T>> {
        self.state(init)?.update(inputs)
    }

    /// [`run`](Self::run) into a caller's buffer (`out.len()` = input length).
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("max(s, x)", &[], &[])?;
    /// let mut out = [0.0_f64; 3];
    /// p.run_into(&[&[1.0, 3.0, 2.0][..]], &[f64::NEG_INFINITY], &mut out)?;
    /// assert_eq!(out, [1.0, 3.0, 3.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn run_into<T: Float>(&self, inputs: &[&[T]], init: &[f64], out: &mut [T]) -> Result<()> {
        self.state(init)?.update_into(inputs, out)
    }
}

/// The resumable state of a [`Program`]: state values, the last output and
/// the row count. Feeding a series in chunks gives bit-identical output to
/// one run on the whole series.
///
/// ```
/// use ferroscore::scan::Program;
/// let p = Program::compile("if x > s then s * 0.9 + x else s * 0.5", &[], &[])?;
/// let x: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 100) as f64).collect();
/// let whole = p.run(&[&x[..]], &[0.0])?;
/// let mut st = p.state(&[0.0])?;
/// let mut parts = st.update(&[&x[..333]])?;
/// parts.extend(st.update(&[&x[333..]])?);
/// assert_eq!(whole, parts);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScanState {
    program: Program,
    states: Vec<f64>,
    last: f64,
    rows: u64,
    scratch: exec::Scratch,
}

impl ScanState {
    /// A fresh state of `program` at `init`: one value per state (in the
    /// order of [`Program::states`]), or one value for all states.
    ///
    /// ```
    /// use ferroscore::scan::{Program, ScanState};
    /// let p = Program::compile("a = a + x; b = b * x; out = a + b", &[], &[])?;
    /// assert_eq!(ScanState::new(&p, &[0.0, 1.0])?.states(), [0.0, 1.0]);
    /// assert_eq!(ScanState::new(&p, &[2.0])?.states(), [2.0, 2.0]);
    /// assert!(ScanState::new(&p, &[1.0, 2.0, 3.0]).is_err());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn new(program: &Program, init: &[f64]) -> Result<ScanState> {
        let plan = &program.inner.plan;
        let states: Vec<f64> = if init.len() == plan.n_states {
            init.to_vec()
        } else if init.len() == 1 {
            vec![init[0]; plan.n_states]
        } else {
            return Err(Error::LengthMismatch {
                name: "init",
                expected: plan.n_states,
                actual: init.len(),
            });
        };
        let last = plan.out_state.map_or(f64::NAN, |k| states[k]);
        Ok(ScanState {
            program: program.clone(),
            states,
            last,
            rows: 0,
            scratch: plan.scratch(),
        })
    }

    /// Restores a state saved with [`states`](Self::states),
    /// [`last_output`](Self::last_output) and [`rows`](Self::rows) (for
    /// pickling and for shipping states between processes).
    ///
    /// ```
    /// use ferroscore::scan::{Program, ScanState};
    /// let p = Program::compile("s + x", &[], &[])?;
    /// let mut a = p.state(&[0.0])?;
    /// a.update(&[&[1.0_f64, f64::NAN][..]])?;
    /// let mut b = ScanState::from_parts(&p, a.states(), a.last_output(), a.rows())?;
    /// assert_eq!(b.update(&[&[1.0_f64][..]])?, a.update(&[&[1.0_f64][..]])?);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn from_parts(
        program: &Program,
        states: &[f64],
        last_output: f64,
        rows: u64,
    ) -> Result<ScanState> {
        let n = program.inner.plan.n_states;
        if states.len() != n {
            return Err(Error::LengthMismatch {
                name: "states",
                expected: n,
                actual: states.len(),
            });
        }
        let mut st = ScanState::new(program, states)?;
        st.last = last_output;
        st.rows = rows;
        Ok(st)
    }

    /// The program this state runs.
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s + x", &[], &[])?;
    /// assert_eq!(p.state(&[0.0])?.program().source(), "s + x");
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The current state values, in the order of [`Program::states`].
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s + x", &[], &[])?;
    /// let mut st = p.state(&[1.0])?;
    /// st.update(&[&[2.0_f64][..]])?;
    /// assert_eq!(st.states(), [3.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn states(&self) -> &[f64] {
        &self.states
    }

    /// The output of the last row (what a skipped row repeats).
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s + x", &[], &[])?;
    /// assert_eq!(p.state(&[5.0])?.last_output(), 5.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn last_output(&self) -> f64 {
        self.last
    }

    /// Rows consumed so far (the next row's `i`).
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("i", &[], &[])?;
    /// let mut st = p.state(&[0.0])?;
    /// st.update(&[&[0.0_f64; 3][..]])?;
    /// assert_eq!(st.rows(), 3);
    /// assert_eq!(st.update(&[&[0.0_f64][..]])?, vec![3.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Consumes one chunk of every input (all of length `out.len()`, in the
    /// order of [`Program::inputs`]) and writes one output per row.
    ///
    /// ```
    /// use ferroscore::scan::Program;
    /// let p = Program::compile("s + x * y", &["x", "y"], &[])?;
    /// let mut st = p.state(&[0.0])?;
    /// let mut out = [0.0_f64; 2];
    /// st.update_into(&[&[1.0, 2.0][..], &[3.0, 4.0][..]], &mut out)?;
    /// assert_eq!(out, [3.0, 11.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn update_into<T: Float>(&mut self, inputs: &[&[T]], out: &mut [T]) -> Result<()> {
        let plan = &self.program.inner.plan;
        if inputs.len() != plan.n_inputs {
            return Err(Error::LengthMismatch {
                name: "inputs",
                expected: plan.n_inputs,
                actual: inputs.len(),
            });
        }
        // The first input sets the length: the others must match it, and
        // `out` must match it (an error names whichever is off).
        let n = inputs.first().map_or(out.len(), |x| x.len());
        for x in inputs {
            if x.len() != n {
                return Err(Error::LengthMismatch {
                    name: "inputs",
                    expected: n,
                    actual: x.len(),
                });
            }
        }
        check_out(n, out.len())?;
        let skipna = self.program.skipna;
        let mut lo = 0;
        while lo < n {
            let m = (n - lo).min(exec::BLOCK);
            let any = plan.load(&mut self.scratch, inputs, lo, m, skipna);
            plan.run_block(
                &mut self.scratch,
                m,
                self.rows,
                any,
                &mut self.states,
                &mut self.last,
            );
            for (o, &v) in out[lo..lo + m].iter_mut().zip(plan.out(&self.scratch, m)) {
                *o = T::from_f64(v);
            }
            self.rows += m as u64;
            lo += m;
        }
        Ok(())
    }

    /// [`update_into`](Self::update_into), returning a new vector.
    ///
    /// ```
    /// let p = ferroscore::scan::Program::compile("s * 2", &[], &[])?;
    /// assert_eq!(p.state(&[1.0])?.update(&[&[0.0_f64; 3][..]])?, vec![2.0, 4.0, 8.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    pub fn update<T: Float>(&mut self, inputs: &[&[T]]) -> Result<Vec<T>> {
        let n = inputs.first().map_or(0, |x| x.len());
        let mut out = vec![T::NAN_VALUE; n];
        self.update_into(inputs, &mut out)?;
        Ok(out)
    }
}

/// One-input programs are scans like the kernels of [`crate::score`].
///
/// ```
/// use ferroscore::scan::Program;
/// use ferroscore::score::Scan;
/// let mut st = Program::compile("s + x", &[], &[])?.state(&[0.0])?;
/// assert_eq!(Scan::update(&mut st, &[1.0_f64, 2.0])?, vec![1.0, 3.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
impl Scan for ScanState {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()> {
        ScanState::update_into(self, &[x], out)
    }
}

/// Compiles `source` with one input `x` and runs it from `init` (a
/// one-state program) — `scan(src, x, init, params)` of the other languages.
///
/// ```
/// let y = ferroscore::scan::scan("s * k + x", &[1.0_f64, 1.0], 0.0, &[("k", 0.5)])?;
/// assert_eq!(y, vec![1.0, 1.5]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn scan<T: Float>(source: &str, x: &[T], init: f64, params: &[(&str, f64)]) -> Result<Vec<T>> {
    Program::compile(source, &[], params)?.run(&[x], &[init])
}
