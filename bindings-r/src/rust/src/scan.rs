//! The scan language: compiled programs as R external pointers, runs over
//! vectors, matrix columns (in parallel) and several inputs, resumable
//! states. The core compiles and runs; this converts.

use crate::conv::*;
use crate::state::{unwrap_state, State};
use extendr_api::prelude::*;
use ferroscore::scan::{Program, ScanState};
use rayon::prelude::*;

fn unwrap_program(x: &Robj) -> BResult<ExternalPtr<Program>> {
    let bad = || arg_err("program", "must be a program made by compile_scan()");
    if !x.is_external_pointer() {
        return Err(bad());
    }
    ExternalPtr::<Program>::try_from(x.clone()).map_err(|_| bad())
}

/// A character vector without `NA` (its elements), as `name` names it.
fn strings(x: &Robj, name: &str) -> BResult<Vec<String>> {
    if x.is_null() {
        return Ok(Vec::new());
    }
    if x.rtype() != Rtype::Strings {
        return Err(arg_err(
            name,
            format!("must be a character vector, got {}", type_name(x)),
        ));
    }
    let s =
        Strings::try_from(x.clone()).map_err(|_| arg_err(name, "must be a character vector"))?;
    let mut out = Vec::with_capacity(s.len());
    for r in s.iter() {
        if r.is_na() {
            return Err(arg_err(name, "must not contain NA"));
        }
        out.push(r.to_string());
    }
    Ok(out)
}

/// Compiles `source` (inputs empty: one input `x`; params as names and
/// values) into an external pointer.
pub(crate) fn compile(
    source: Robj,
    inputs: Robj,
    param_names: Robj,
    param_values: Robj,
    skipna: Robj,
) -> BResult<Robj> {
    let src = str_arg(&source, "source")?;
    let inputs = strings(&inputs, "inputs")?;
    let names = strings(&param_names, "params")?;
    let values = numeric(&param_values, "params")?;
    if values.values.len() != names.len() {
        return Err(arg_err("params", "must be a named list of single numbers"));
    }
    let ins: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let params: Vec<(&str, f64)> = names
        .iter()
        .map(String::as_str)
        .zip(values.values.iter().copied())
        .collect();
    let p = Program::compile(src, &ins, &params)?.with_skipna(bool_arg(&skipna, "na_rm")?);
    Ok(ExternalPtr::new(p).into())
}

/// `TRUE` if `x` is a live program pointer (`FALSE` after `readRDS`).
pub(crate) fn is_live(x: Robj) -> BResult<Robj> {
    Ok(unwrap_program(&x).is_ok().into())
}

/// What `print()` and the R object show: inputs, states, backend.
pub(crate) fn info(x: Robj) -> BResult<Robj> {
    let p = unwrap_program(&x)?;
    let p = p
        .try_addr()
        .map_err(|_| arg_err("program", "is no longer valid"))?;
    Ok(list!(
        inputs = p.inputs().to_vec(),
        states = p.states().to_vec(),
        backend = p.backend()
    )
    .into())
}

/// The inputs of a run: a list with one numeric vector or matrix per input
/// (in the program's order), all of one shape.
struct Inputs<'a> {
    cols: Vec<Numeric<'a>>,
    nrow: usize,
    ncol: usize,
}

fn inputs<'a>(items: &'a [Robj], names: &[String]) -> BResult<Inputs<'a>> {
    let mut cols = Vec::with_capacity(items.len());
    for (k, it) in items.iter().enumerate() {
        let name = names.get(k).map_or("x", String::as_str);
        cols.push(numeric(it, name)?);
    }
    let (nrow, ncol) = cols.first().map_or((0, 1), |c| (c.nrow, c.ncol));
    for (k, c) in cols.iter().enumerate().skip(1) {
        if c.nrow != nrow || c.ncol != ncol {
            return Err(arg_err(
                names.get(k).map_or("x", String::as_str),
                format!(
                    "must have the shape of `{}` ({nrow} x {ncol}), got {} x {}",
                    names[0], c.nrow, c.ncol
                ),
            ));
        }
    }
    Ok(Inputs { cols, nrow, ncol })
}

fn list_items(x: &Robj) -> BResult<Vec<Robj>> {
    match x.as_list() {
        Some(l) => Ok(l.values().collect()),
        None => Err(arg_err("x", "must be a list of inputs")),
    }
}

/// Feeds rows `lo..lo+n` of every input through `st` in cache-sized chunks,
/// writing `NA_real_` for NaN.
fn feed(st: &mut ScanState, cols: &[&[f64]], out: &mut [f64]) -> BResult<()> {
    let n = out.len();
    let mut lo = 0;
    let mut chunk: Vec<&[f64]> = Vec::with_capacity(cols.len());
    while lo < n {
        let hi = (lo + CHUNK).min(n);
        chunk.clear();
        chunk.extend(cols.iter().map(|c| &c[lo..hi]));
        st.update_into(&chunk, &mut out[lo..hi])?;
        restore_na(&mut out[lo..hi]);
        lo = hi;
    }
    Ok(())
}

/// Runs the program over every column of the inputs (columns in parallel),
/// each from `init`. The output has the shape, names and dimnames of the
/// first input.
pub(crate) fn run(program: Robj, x: Robj, init: Robj) -> BResult<Robj> {
    let p = unwrap_program(&program)?;
    let p = p
        .try_addr()
        .map_err(|_| arg_err("program", "is no longer valid"))?;
    let items = list_items(&x)?;
    if items.len() != p.inputs().len() {
        return Err(BindError::Core(ferroscore::Error::LengthMismatch {
            name: "inputs",
            expected: p.inputs().len(),
            actual: items.len(),
        }));
    }
    let ins = inputs(&items, p.inputs())?;
    let init = numeric(&init, "init")?;
    // Checks init once, before any output is allocated.
    let fresh = ScanState::new(p, &init.values)?;
    let mut out = alloc_like(&items[0], ins.nrow * ins.ncol);
    let o = real_mut(&mut out);
    let nrow = ins.nrow;
    let column = |j: usize, oc: &mut [f64]| -> BResult<()> {
        let cs: Vec<&[f64]> = ins
            .cols
            .iter()
            .map(|c| &c.values[j * nrow..(j + 1) * nrow])
            .collect();
        feed(&mut fresh.clone(), &cs, oc)
    };
    if nrow == 0 {
        return Ok(out);
    }
    if ins.ncol == 1 {
        column(0, o)?;
    } else {
        o.par_chunks_mut(nrow)
            .enumerate()
            .try_for_each(|(j, oc)| column(j, oc))?;
    }
    Ok(out)
}

/// A resumable state of the program at `init`, in the package's state
/// pointer (so `state_copy` and `print` work as for the other kernels).
pub(crate) fn new_state(program: Robj, init: Robj) -> BResult<Robj> {
    let p = unwrap_program(&program)?;
    let p = p
        .try_addr()
        .map_err(|_| arg_err("program", "is no longer valid"))?;
    let init = numeric(&init, "init")?;
    let st = ScanState::new(p, &init.values)?;
    Ok(ExternalPtr::new(State::Program(st)).into())
}

/// A state restored from [`parts`] (after `readRDS`).
pub(crate) fn state_from_parts(program: Robj, parts: Robj) -> BResult<Robj> {
    let p = unwrap_program(&program)?;
    let p = p
        .try_addr()
        .map_err(|_| arg_err("program", "is no longer valid"))?;
    let v = numeric(&parts, "parts")?;
    let v = &v.values;
    if v.len() < 2 {
        return Err(arg_err("parts", "is too short"));
    }
    let k = v.len() - 2;
    let rows = v[k + 1];
    if !(rows >= 0.0 && rows.fract() == 0.0) {
        return Err(arg_err("parts", "has a bad row count"));
    }
    let st = ScanState::from_parts(p, &v[..k], v[k], rows as u64)?;
    Ok(ExternalPtr::new(State::Program(st)).into())
}

fn scan_state_mut(state: &Robj) -> BResult<ExternalPtr<State>> {
    let ptr = unwrap_state(state)?;
    match ptr.try_addr() {
        Ok(State::Program(_)) => Ok(ptr),
        Ok(_) => Err(arg_err("state", "is not a scan program state")),
        Err(_) => Err(arg_err("state", "is no longer valid")),
    }
}

/// The state values, the last output and the row count, as one double
/// vector (what the R object keeps to survive `saveRDS`).
pub(crate) fn parts(state: Robj) -> BResult<Robj> {
    let ptr = scan_state_mut(&state)?;
    let Ok(State::Program(st)) = ptr.try_addr() else {
        return Err(arg_err("state", "is not a scan program state"));
    };
    let mut v = st.states().to_vec();
    v.push(st.last_output());
    v.push(st.rows() as f64);
    Ok(v.into())
}

/// Feeds one chunk of every input (a list, program order); the state moves
/// on in place.
pub(crate) fn state_update(state: Robj, x: Robj) -> BResult<Robj> {
    let mut ptr = scan_state_mut(&state)?;
    let items = list_items(&x)?;
    let Ok(State::Program(st)) = ptr.try_addr_mut() else {
        return Err(arg_err("state", "is not a scan program state"));
    };
    let names = st.program().inputs().to_vec();
    if items.len() != names.len() {
        return Err(BindError::Core(ferroscore::Error::LengthMismatch {
            name: "inputs",
            expected: names.len(),
            actual: items.len(),
        }));
    }
    let ins = inputs(&items, &names)?;
    if ins.ncol > 1 {
        return Err(arg_err(
            names.first().map_or("x", String::as_str),
            "must be a vector (a state follows one series)",
        ));
    }
    let mut out = alloc_like(&items[0], ins.nrow);
    let cs: Vec<&[f64]> = ins.cols.iter().map(|c| &c.values[..]).collect();
    feed(st, &cs, real_mut(&mut out))?;
    Ok(out)
}
