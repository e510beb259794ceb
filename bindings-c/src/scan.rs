//! Compiled scans of the scan language: a program handle (compiled once,
//! immutable, shareable between threads) and a resumable state handle.

use std::borrow::Cow;
use std::ffi::c_char;

use fscore::scan::{Program, ScanState};
use fscore::Float;

use crate::kernels::Strided;
use crate::ptr::{
    c_str, exclusive, free_handle, input, new_handle, output, put, reference, scalar_out, span,
};
use crate::status::{landing_pad, landing_pad_void, string_out, FerroscoreStatus, Res};

/// A compiled scan program (opaque). Made by `ferroscore_scan_compile`,
/// freed by `ferroscore_scan_free`; read-only, so one program may be used
/// by many threads at once.
#[derive(Debug, Clone)]
pub struct FerroscoreScanProgram(Program);

/// A resumable run of a scan program (opaque): its states, its last output
/// and the row count. Made by `ferroscore_scan_state_new`.
#[derive(Debug, Clone)]
pub struct FerroscoreScanState(ScanState);

/// `"a, b"` -> `["a", "b"]`; NULL or blank -> none. Names are identifiers
/// (the core checks them), so a comma cannot be part of one.
///
/// # Safety
/// `p` NULL or a C string.
unsafe fn name_list<'a>(p: *const c_char, what: &'static str) -> Res<Vec<&'a str>> {
    if p.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: forwarded from the export's contract.
    let s = unsafe { c_str(p, what) }?;
    Ok(if s.trim().is_empty() {
        Vec::new()
    } else {
        s.split(',').map(str::trim).collect()
    })
}

/// Compiles `source` into a program in `*out` (free it with
/// `ferroscore_scan_free`). `inputs`: the input names, comma-separated, in
/// the order of the input columns (NULL or "" means one input, `x`);
/// `param_names` (comma-separated, NULL or "" for none) with their values
/// `param_values[0..n_params]` are constants folded into the program;
/// `skipna` skips rows where an input is missing. A syntax error, an unknown
/// name or a wrong arity is `FERROSCORE_STATUS_PARSE_ERROR`, with the line,
/// the column and a caret in the message.
///
/// # Safety
/// `source` NULL or a C string; `inputs`, `param_names` NULL or C strings;
/// `param_values` NULL or valid for `n_params` reads; `out` NULL or valid
/// for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_compile(
    source: *const c_char,
    inputs: *const c_char,
    param_names: *const c_char,
    param_values: *const f64,
    n_params: usize,
    skipna: bool,
    out: *mut *mut FerroscoreScanProgram,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            // SAFETY (these four): forwarded from this function's contract.
            let source = unsafe { c_str(source, "source") }?;
            let inputs = unsafe { name_list(inputs, "inputs") }?;
            let names = unsafe { name_list(param_names, "param_names") }?;
            let values = unsafe { input(param_values, n_params, "param_values") }?;
            if names.len() != values.len() {
                return Err(fscore::Error::LengthMismatch {
                    name: "param_values",
                    expected: names.len(),
                    actual: values.len(),
                }
                .into());
            }
            let params: Vec<(&str, f64)> = names.into_iter().zip(values.iter().copied()).collect();
            let p = Program::compile(source, &inputs, &params)?.with_skipna(skipna);
            Ok(FerroscoreScanProgram(p))
        })
    })
}

/// Frees a program; NULL is a no-op. States made from it keep their own
/// reference and stay valid.
///
/// # Safety
/// `program` NULL or a program from `ferroscore_scan_compile`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_free(program: *mut FerroscoreScanProgram) {
    // SAFETY: forwarded from this function's contract.
    landing_pad_void(|| unsafe { free_handle(program) })
}

/// Number of input columns a program takes.
///
/// # Safety
/// `program` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_n_inputs(
    program: *const FerroscoreScanProgram,
    out: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let p = unsafe { reference(program, "program") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, p.0.inputs().len()) };
        Ok(())
    })
}

/// Number of states of a program (the length of `init` and of
/// `ferroscore_scan_state_values`).
///
/// # Safety
/// `program` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_n_states(
    program: *const FerroscoreScanProgram,
    out: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let p = unsafe { reference(program, "program") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, p.0.states().len()) };
        Ok(())
    })
}

/// Copies the program's input names (`"x"`, or as given), comma-separated,
/// into `buf` as the report string getters do.
///
/// # Safety
/// `program` NULL or live; `buf` NULL or valid for `len` writes; `needed`
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_input_names(
    program: *const FerroscoreScanProgram,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from this function's contract.
        let p = unsafe { reference(program, "program") }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { string_out(&p.0.inputs().join(","), buf, len, needed) }
    })
}

/// Copies the program's state names (`"s"`, or the names it assigns),
/// comma-separated, into `buf` as the report string getters do.
///
/// # Safety
/// As `ferroscore_scan_input_names`.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_names(
    program: *const FerroscoreScanProgram,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from this function's contract.
        let p = unsafe { reference(program, "program") }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { string_out(&p.0.states().join(","), buf, len, needed) }
    })
}

/// A fresh state of `program` in `*out` (free it with
/// `ferroscore_scan_state_free`): `init[0..n_init]` gives one initial value
/// per state, or one value for all.
///
/// # Safety
/// `program` NULL or live; `init` NULL or valid for `n_init` reads; `out`
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_new(
    program: *const FerroscoreScanProgram,
    init: *const f64,
    n_init: usize,
    out: *mut *mut FerroscoreScanState,
) -> FerroscoreStatus {
    landing_pad(|| {
        new_handle(out, || {
            // SAFETY (both): forwarded from this function's contract.
            let p = unsafe { reference(program, "program") }?;
            let init = unsafe { input(init, n_init, "init") }?;
            Ok(FerroscoreScanState(p.0.state(init)?))
        })
    })
}

/// Number of states of a scan state (its program's).
///
/// # Safety
/// `state` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_n_states(
    state: *const FerroscoreScanState,
    out: *mut usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(state, "state") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, st.0.states().len()) };
        Ok(())
    })
}

/// Copies the current states into `out[0..out_len]` (`out_len` must be the
/// number of states, `ferroscore_scan_state_n_states`).
///
/// # Safety
/// `state` NULL or live; `out` NULL or valid for `out_len` writes.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_values(
    state: *const FerroscoreScanState,
    out: *mut f64,
    out_len: usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(state, "state") }?;
        let v = st.0.states();
        if v.len() != out_len {
            let e = fscore::Error::LengthMismatch {
                name: "out",
                expected: v.len(),
                actual: out_len,
            };
            return Err(e.into());
        }
        // SAFETY: forwarded; the state is library memory.
        let out = unsafe { output(out, out_len, "out", &[]) }?;
        out.copy_from_slice(v);
        Ok(())
    })
}

/// The last output of a scan state (its initial value before any row).
///
/// # Safety
/// `state` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_last_output(
    state: *const FerroscoreScanState,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(state, "state") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, st.0.last_output()) };
        Ok(())
    })
}

/// Rows a scan state has consumed (the next row's index `i`).
///
/// # Safety
/// `state` NULL or live; `out` NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn ferroscore_scan_state_rows(
    state: *const FerroscoreScanState,
    out: *mut u64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from this function's contract.
        let st = unsafe { reference(state, "state") }?;
        // SAFETY: checked by scalar_out.
        unsafe { put(out, st.0.rows()) };
        Ok(())
    })
}

/// Input columns and the extent they were read from.
type Columns<'a, T> = (Vec<Cow<'a, [T]>>, &'a [T]);

/// The input columns of a strided `n_rows x n_cols` array: borrowed when a
/// column is contiguous, gathered otherwise; plus the extent read.
///
/// # Safety
/// As `Strided::view`.
unsafe fn columns<'a, T: Float>(x: &Strided<*const T>) -> Res<Columns<'a, T>> {
    // SAFETY: forwarded from the export's contract.
    let slice = unsafe { x.extent_slice() }?;
    let (r, rs, cs) = (x.n_rows, x.row_stride, x.col_stride);
    let cols = (0..x.n_cols)
        .map(|j| {
            if r == 0 {
                Cow::Borrowed(&[][..])
            } else if rs == 1 {
                Cow::Borrowed(&slice[j * cs..j * cs + r])
            } else {
                Cow::Owned((0..r).map(|i| slice[i * rs + j * cs]).collect())
            }
        })
        .collect();
    Ok((cols, slice))
}

/// Runs a program on the input columns of `x` (column j is input j), from
/// `init`, into `out[0..out_len]` (`out_len == n_rows`).
///
/// # Safety
/// `program` NULL or live; `x` as `Strided::view`; `init` NULL or valid for
/// `n_init` reads; `out` NULL or valid for `out_len` writes.
pub(crate) unsafe fn run<T: Float>(
    program: *const FerroscoreScanProgram,
    x: Strided<*const T>,
    init: *const f64,
    n_init: usize,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let p = unsafe { reference(program, "program") }?;
        // SAFETY: forwarded from the export's contract.
        let (cols, xs) = unsafe { columns(&x) }?;
        // SAFETY: forwarded from the export's contract.
        let init = unsafe { input(init, n_init, "init") }?;
        let ins = [("x", span(xs)), ("init", span(init))];
        // SAFETY: forwarded from the export's contract; disjoint from the inputs.
        let out = unsafe { output(out, out_len, "out", &ins) }?;
        let refs: Vec<&[T]> = cols.iter().map(|c| &c[..]).collect();
        Ok(p.0.run_into(&refs, init, out)?)
    })
}

/// Feeds the input columns of `x` to a scan state.
///
/// # Safety
/// `state` NULL or a live state not used elsewhere during the call; `x` as
/// `Strided::view`; `out` NULL or valid for `out_len` writes.
pub(crate) unsafe fn update<T: Float>(
    state: *mut FerroscoreScanState,
    x: Strided<*const T>,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let st = unsafe { exclusive(state, "state") }?;
        // SAFETY: forwarded from the export's contract.
        let (cols, xs) = unsafe { columns(&x) }?;
        // SAFETY: forwarded from the export's contract; disjoint from `x`.
        let out = unsafe { output(out, out_len, "out", &[("x", span(xs))]) }?;
        let refs: Vec<&[T]> = cols.iter().map(|c| &c[..]).collect();
        Ok(st.0.update_into(&refs, out)?)
    })
}
