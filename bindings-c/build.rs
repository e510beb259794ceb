//! Generates the repetitive `_f64` / `_f32` exports from one table (cbindgen
//! cannot see through macros, so they are written out as source into
//! `$OUT_DIR/exports.rs` and included by `lib.rs`), then writes the header
//! `include/ferroscore.h` with cbindgen from `src/` plus that file. The header
//! is committed; `make test-c` fails when a build changes it.

use std::fmt::Write as _;
use std::path::PathBuf;

/// One export: `name` gets the element suffix (`{T}` in `sig`/`body` is the
/// element type, `{G}` the group code type); `doc` is its summary line(s).
struct Export {
    name: &'static str,
    doc: &'static str,
    sig: &'static str,
    body: &'static str,
    /// Also one export per group-code type.
    grouped: bool,
}

const fn e(name: &'static str, doc: &'static str, sig: &'static str, body: &'static str) -> Export {
    Export {
        name,
        doc,
        sig,
        body,
        grouped: false,
    }
}

const fn g(name: &'static str, doc: &'static str, sig: &'static str, body: &'static str) -> Export {
    Export {
        name,
        doc,
        sig,
        body,
        grouped: true,
    }
}

const fn plain(
    name: &'static str,
    doc: &'static str,
    sig: &'static str,
    body: &'static str,
) -> Export {
    Export {
        name,
        doc,
        sig,
        body,
        grouped: false,
    }
}

const SCAN_SAFETY: &str =
    "`x` NULL or valid for `n` reads, `out` NULL or valid for `out_len` writes \
(not overlapping `x`); option pointers NULL or valid. NULL with a nonzero length, misalignment, \
`out_len != n` and overlap are answered with a status.";
const REDUCE_SAFETY: &str = "`x` NULL or valid for `n` reads; `out` NULL or valid for one write. \
NULL `x` with `n > 0` and a NULL `out` are answered with a status.";
const GROUP_SAFETY: &str = "`x` NULL or valid for `n` reads, `groups` for `groups_len` reads, \
`out` for `n_groups` writes (each may be NULL when its length is 0). `out` may alias the inputs: \
the result is computed before it is written.";
const STATE_SAFETY: &str = "`state` NULL or a live handle of this type, not used by another \
thread during the call; `x` NULL or valid for `n` reads, `out` NULL or valid for `out_len` \
writes (not overlapping `x`).";
const SAFETY_2D: &str = "`x` NULL (only when the array is empty) or valid for reads of every \
element `x[i * row_stride + j * col_stride]`, `out` likewise for writes (its extent not overlapping \
`x`'s); option pointers NULL or valid. Shape, strides, NULL, misalignment and overlap are checked.";
const SCAN_PROGRAM_SAFETY: &str = "`program` / `state` NULL or a live handle (a state not used by \
another thread during the call); `x` NULL (only when empty) or valid for reads of every element \
`x[i * row_stride + j * col_stride]`; `init` NULL or valid for `n_init` reads; `out` NULL or valid \
for `out_len` writes, not overlapping the inputs.";
const HANDLE_SAFETY: &str =
    "`state` NULL or a live handle of this type; `out` NULL or valid for one write.";

fn table() -> Vec<Export> {
    let scan_opts = |name, doc, opts_ty: &'static str, body| {
        let sig: &'static str = Box::leak(
            format!("x: *const {{T}}, n: usize, opts: *const {opts_ty}, out: *mut {{T}}, out_len: usize")
                .into_boxed_str(),
        );
        e(name, doc, sig, body)
    };
    let rolling = |name: &'static str, kind: &'static str, doc: &'static str| {
        let body: &'static str = Box::leak(
            format!("kernels::rolling(RollingKind::{kind}, x, n, opts, out, out_len)")
                .into_boxed_str(),
        );
        scan_opts(name, doc, "FerroscoreRollingOptions", body)
    };
    let cum = |name, which: &'static str, doc| {
        let body: &'static str = Box::leak(
            format!("kernels::cumulative(Cum::{which}, x, n, skipna, out, out_len)")
                .into_boxed_str(),
        );
        e(
            name,
            doc,
            "x: *const {T}, n: usize, skipna: bool, out: *mut {T}, out_len: usize",
            body,
        )
    };
    let red = |name, doc, out_ty: &'static str, f: &'static str| {
        let sig: &'static str =
            Box::leak(format!("x: *const {{T}}, n: usize, out: *mut {out_ty}").into_boxed_str());
        let body: &'static str =
            Box::leak(format!("kernels::reduce(x, n, out, {f})").into_boxed_str());
        e(name, doc, sig, body)
    };
    let grp = |name, doc, extra: &'static str, f: &'static str| {
        let sig: &'static str = Box::leak(
            format!("x: *const {{T}}, n: usize, groups: *const {{G}}, groups_len: usize, {extra}out: *mut {{T}}, n_groups: usize")
                .into_boxed_str(),
        );
        let body: &'static str = Box::leak(
            format!("kernels::group(x, n, groups, groups_len, out, n_groups, {f})")
                .into_boxed_str(),
        );
        g(name, doc, sig, body)
    };
    vec![
        scan_opts(
            "score_series",
            "The conditional recursive score: `s = s*up + x if x > s else s*down` (fused multiply-add), \
`out[i] = s`. A missing `x` leaves `s` unchanged with `skipna`, else makes it NaN for good. \
`opts` NULL means `ferroscore_score_options_default()`.",
            "FerroscoreScoreOptions",
            "kernels::score_series(x, n, opts, out, out_len)",
        ),
        scan_opts(
            "ewm_mean",
            "Exponentially weighted mean, as pandas `Series.ewm(...).mean()` (±Inf is missing).",
            "FerroscoreEwmOptions",
            "kernels::ewm(Ewm::Mean, x, n, opts, out, out_len)",
        ),
        scan_opts(
            "ewm_var",
            "Exponentially weighted variance, as pandas `Series.ewm(...).var(bias=opts->bias)`.",
            "FerroscoreEwmOptions",
            "kernels::ewm(Ewm::Var, x, n, opts, out, out_len)",
        ),
        scan_opts(
            "ewm_std",
            "Exponentially weighted standard deviation, as pandas `Series.ewm(...).std(bias=opts->bias)`.",
            "FerroscoreEwmOptions",
            "kernels::ewm(Ewm::Std, x, n, opts, out, out_len)",
        ),
        e(
            "ewm_mean_times",
            "Time-based exponentially weighted mean (pandas `ewm(halflife=h, times=t).mean()`): \
`times[0..times_len]` (`times_len == n`) are non-decreasing, in the unit of `opts->halflife`, \
which must be the decay given.",
            "x: *const {T}, n: usize, times: *const f64, times_len: usize, opts: *const FerroscoreEwmOptions, out: *mut {T}, out_len: usize",
            "kernels::ewm_mean_times(x, n, times, times_len, opts, out, out_len)",
        ),
        rolling("rolling_sum", "Sum", "Rolling sum (pandas `rolling(window).sum()`; 0 with min_periods 0 and no value)."),
        rolling("rolling_mean", "Mean", "Rolling mean."),
        rolling("rolling_var", "Var", "Rolling variance with `opts->ddof` (accurate on data with a large offset)."),
        rolling("rolling_std", "Std", "Rolling standard deviation with `opts->ddof`."),
        rolling("rolling_min", "Min", "Rolling minimum."),
        rolling("rolling_max", "Max", "Rolling maximum."),
        rolling("rolling_median", "Median", "Rolling median."),
        rolling("rolling_zscore", "Zscore", "Rolling z-score: `(x - mean) / std` over the window of each row."),
        e(
            "rolling_quantile",
            "Rolling quantile `q` in [0, 1]; `interpolation` is a `FerroscoreInterpolation` \
(pandas' linear, lower, higher, nearest, midpoint).",
            "x: *const {T}, n: usize, q: f64, interpolation: i32, opts: *const FerroscoreRollingOptions, out: *mut {T}, out_len: usize",
            "kernels::rolling_quantile(x, n, q, interpolation, opts, out, out_len)",
        ),
        cum("cumsum", "Sum", "Cumulative sum (compensated). A missing value gives NaN at its row; with `skipna` the sum goes on past it, else every later row is NaN."),
        cum("cummax", "Max", "Cumulative maximum (missing values as in `cumsum`)."),
        cum("cummin", "Min", "Cumulative minimum (missing values as in `cumsum`)."),
        cum("drawdown", "Drawdown", "Drawdown `x / cummax(x) - 1` (missing values as in `cumsum`)."),
        red("sum", "Sum of the non-missing values (0 when none).", "f64", "kernels::sum"),
        red("mean", "Mean of the non-missing values (NaN when none).", "f64", "kernels::mean"),
        red("min", "Smallest non-missing value (NaN when none).", "f64", "kernels::min"),
        red("max", "Largest non-missing value (NaN when none).", "f64", "kernels::max"),
        red("count", "Number of non-missing values.", "u64", "kernels::count"),
        red(
            "moments",
            "The mergeable summary (count, mean, m2, min, max) of the non-missing values; merge \
summaries of chunks with `ferroscore_moments_merge`.",
            "FerroscoreMoments",
            "kernels::moments",
        ),
        e(
            "var",
            "Variance of the non-missing values with `ddof` (NaN when count <= ddof).",
            "x: *const {T}, n: usize, ddof: usize, out: *mut f64",
            "kernels::reduce(x, n, out, |x: &[{T}]| Ok(agg::var(x, ddof)?))",
        ),
        e(
            "std",
            "Standard deviation of the non-missing values with `ddof`.",
            "x: *const {T}, n: usize, ddof: usize, out: *mut f64",
            "kernels::reduce(x, n, out, |x: &[{T}]| Ok(agg::std(x, ddof)?))",
        ),
        e(
            "power_sum",
            "Sum of `v^p` over the values `v > 0` (missing skipped; 0 when none); `p` finite.",
            "x: *const {T}, n: usize, p: f64, out: *mut f64",
            "kernels::reduce(x, n, out, |x: &[{T}]| Ok(agg::power_sum(x, p)?))",
        ),
        e(
            "dot",
            "Sum of `a*b` over the rows where both are present (0 when none); `b_len` must equal `n`.",
            "a: *const {T}, n: usize, b: *const {T}, b_len: usize, out: *mut f64",
            "kernels::dot(a, n, b, b_len, out)",
        ),
        grp("group_sum", "Per-group sum (0 for empty groups).", "", "agg::group_sum"),
        grp("group_mean", "Per-group mean (NaN for empty groups).", "", "agg::group_mean"),
        grp("group_min", "Per-group minimum (NaN for empty groups).", "", "agg::group_min"),
        grp("group_max", "Per-group maximum (NaN for empty groups).", "", "agg::group_max"),
        grp("group_count", "Per-group count of non-missing values.", "", "agg::group_count"),
        grp(
            "group_var",
            "Per-group variance with `ddof` (NaN when a group has count <= ddof).",
            "ddof: usize, ",
            "|x, g, ng| agg::group_var(x, g, ng, ddof)",
        ),
        grp(
            "group_std",
            "Per-group standard deviation with `ddof`.",
            "ddof: usize, ",
            "|x, g, ng| agg::group_std(x, g, ng, ddof)",
        ),
        grp(
            "group_power_sum",
            "Per-group sum of `v^p` over `v > 0` (0 for empty groups).",
            "p: f64, ",
            "|x, g, ng| agg::group_power_sum(x, g, ng, p)",
        ),
        e(
            "scan_run",
            "Runs a compiled scan program on the input columns of `x` (column j is input j, in the \
program's input order; element (i, j) at `x[i * row_stride + j * col_stride]`, so one input is \
`n_cols = 1`), starting from `init[0..n_init]` (one value per state, or one for all); `out` gets \
one value per row (`out_len == n_rows`).",
            "program: *const FerroscoreScanProgram, x: *const {T}, n_rows: usize, n_cols: usize, row_stride: usize, col_stride: usize, init: *const f64, n_init: usize, out: *mut {T}, out_len: usize",
            "scan::run(program, Strided { ptr: x, n_rows, n_cols, row_stride, col_stride }, init, n_init, out, out_len)",
        ),
        e(
            "scan_state_update",
            "Feeds the rows of the input columns of `x` (as in `ferroscore_scan_run_f64`) to a scan \
state; `out` gets one value per row (`out_len == n_rows`).",
            "state: *mut FerroscoreScanState, x: *const {T}, n_rows: usize, n_cols: usize, row_stride: usize, col_stride: usize, out: *mut {T}, out_len: usize",
            "scan::update(state, Strided { ptr: x, n_rows, n_cols, row_stride, col_stride }, out, out_len)",
        ),
        e(
            "score_state_update",
            "Feeds the chunk `x` to a `score_series` state; `out` gets the chunk's output.",
            "state: *mut FerroscoreScoreState, x: *const {T}, n: usize, out: *mut {T}, out_len: usize",
            "states::update(state, x, n, out, out_len)",
        ),
        e(
            "ewm_mean_state_update",
            "Feeds the chunk `x` to an ewm mean state.",
            "state: *mut FerroscoreEwmMeanState, x: *const {T}, n: usize, out: *mut {T}, out_len: usize",
            "states::update(state, x, n, out, out_len)",
        ),
        e(
            "ewm_mean_state_update_times",
            "Feeds the chunk `x` observed at `times` (continuing the previous chunks' times) to an \
ewm mean state made with a half-life.",
            "state: *mut FerroscoreEwmMeanState, x: *const {T}, n: usize, times: *const f64, times_len: usize, out: *mut {T}, out_len: usize",
            "states::update_times(state, x, n, times, times_len, out, out_len)",
        ),
        e(
            "ewm_var_state_update",
            "Feeds the chunk `x` to an ewm var/std state.",
            "state: *mut FerroscoreEwmVarState, x: *const {T}, n: usize, out: *mut {T}, out_len: usize",
            "states::update(state, x, n, out, out_len)",
        ),
        e(
            "rolling_state_update",
            "Feeds the chunk `x` to a rolling state.",
            "state: *mut FerroscoreRollingState, x: *const {T}, n: usize, out: *mut {T}, out_len: usize",
            "states::update(state, x, n, out, out_len)",
        ),
        e(
            "cum_state_update",
            "Feeds the chunk `x` to a cumulative state.",
            "state: *mut FerroscoreCumState, x: *const {T}, n: usize, out: *mut {T}, out_len: usize",
            "states::update(state, x, n, out, out_len)",
        ),
    ]
}

/// The 2-D forms: the same kernels along an axis of a strided matrix.
fn table_2d() -> Vec<Export> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    const X: &str = "x: *const {T}, n_rows: usize, n_cols: usize, row_stride: usize, col_stride: usize, axis: i32, ";
    const STRIDED: &str = "Strided { ptr: x, n_rows, n_cols, row_stride, col_stride }";
    let scan = |name: &str, extra: &str, prep: &str, call: &str| {
        e(
            leak(format!("{name}_2d")),
            leak(format!(
                "`{name}` on every series of a 2-D array: along `axis` 0 each column is a series, along 1 \
each row. Element (i, j) is `x[i * row_stride + j * col_stride]` (strides in elements: a row-major \
C array has `row_stride = n_cols, col_stride = 1`, a column-major Fortran/Julia matrix \
`row_stride = 1, col_stride = n_rows`); `out` must have the same shape (`out_n_rows`, `out_n_cols`), \
with its own strides, and must not overlap `x`. Series run in parallel."
            )),
            leak(format!(
                "{X}{extra}out: *mut {{T}}, out_n_rows: usize, out_n_cols: usize, out_row_stride: usize, out_col_stride: usize"
            )),
            leak(format!(
                "kernels::map_2d({STRIDED}, axis, Strided {{ ptr: out, n_rows: out_n_rows, n_cols: out_n_cols, row_stride: out_row_stride, col_stride: out_col_stride }}, || {{ {prep} Ok(move |x: &[{{T}}], out: &mut [{{T}}]| {call}) }})"
            )),
        )
    };
    let red = |name: &str, extra: &str, out_ty: &str, call: &str| {
        e(
            leak(format!("{name}_2d")),
            leak(format!(
                "`{name}` of every series of a 2-D array (see `ferroscore_score_series_2d_f64` for the \
layout): `out[k]` is series k's value; `out_len` must be the number of series (`n_cols` along axis 0, \
`n_rows` along axis 1)."
            )),
            leak(format!("{X}{extra}out: *mut {out_ty}, out_len: usize")),
            leak(format!(
                "kernels::reduce_2d({STRIDED}, axis, out, out_len, || Ok(move |x: &[{{T}}]| -> fscore::Result<{out_ty}> {{ {call} }}))"
            )),
        )
    };
    let mut v = vec![
        scan(
            "score_series",
            "opts: *const FerroscoreScoreOptions, ",
            "let o = options::score(opts)?;",
            "sc::score_series_into(x, &o, out)",
        ),
        scan("ewm_mean", "opts: *const FerroscoreEwmOptions, ", "let o = options::ewm(opts)?;", "sc::ewm_mean_into(x, &o, out)"),
        scan("ewm_var", "opts: *const FerroscoreEwmOptions, ", "let o = options::ewm(opts)?;", "sc::ewm_var_into(x, &o, out)"),
        scan("ewm_std", "opts: *const FerroscoreEwmOptions, ", "let o = options::ewm(opts)?;", "sc::ewm_std_into(x, &o, out)"),
        scan(
            "rolling_quantile",
            "q: f64, interpolation: i32, opts: *const FerroscoreRollingOptions, ",
            "let o = options::rolling(opts)?; let k = RollingKind::Quantile { q, interpolation: options::interpolation(interpolation)? };",
            "sc::rolling_into(x, k, &o, out)",
        ),
    ];
    for (name, kind) in [
        ("rolling_sum", "Sum"),
        ("rolling_mean", "Mean"),
        ("rolling_var", "Var"),
        ("rolling_std", "Std"),
        ("rolling_min", "Min"),
        ("rolling_max", "Max"),
        ("rolling_median", "Median"),
        ("rolling_zscore", "Zscore"),
    ] {
        v.push(scan(
            name,
            "opts: *const FerroscoreRollingOptions, ",
            "let o = options::rolling(opts)?;",
            leak(format!("sc::rolling_into(x, RollingKind::{kind}, &o, out)")),
        ));
    }
    for name in ["cumsum", "cummax", "cummin", "drawdown"] {
        v.push(scan(
            name,
            "skipna: bool, ",
            "",
            leak(format!("sc::{name}_into(x, skipna, out)")),
        ));
    }
    for name in ["sum", "mean", "min", "max"] {
        v.push(red(name, "", "f64", leak(format!("Ok(agg::{name}(x))"))));
    }
    v.push(red("count", "", "u64", "Ok(agg::count(x))"));
    v.push(red("var", "ddof: usize, ", "f64", "agg::var(x, ddof)"));
    v.push(red("std", "ddof: usize, ", "f64", "agg::std(x, ddof)"));
    v.push(red("power_sum", "p: f64, ", "f64", "agg::power_sum(x, p)"));
    v
}

fn lifetime() -> Vec<Export> {
    let mut v = Vec::new();
    for (h, prefix) in [
        ("FerroscoreScoreState", "score_state"),
        ("FerroscoreEwmMeanState", "ewm_mean_state"),
        ("FerroscoreEwmVarState", "ewm_var_state"),
        ("FerroscoreRollingState", "rolling_state"),
        ("FerroscoreCumState", "cum_state"),
        ("FerroscoreScanState", "scan_state"),
    ] {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        v.push(plain(
            leak(format!("{prefix}_free")),
            "Frees a state handle; NULL is a no-op. Returns nothing.",
            leak(format!("state: *mut {h}")),
            "states::free(state)",
        ));
        v.push(plain(
            leak(format!("{prefix}_clone")),
            "Copies a state handle into `*out` (a new handle, freed separately): the copy continues \
from the same point, independently.",
            leak(format!("state: *const {h}, out: *mut *mut {h}")),
            "states::clone(state, out)",
        ));
    }
    v
}

fn emit(src: &mut String, name: &str, doc: &str, safety: &str, sig: &str, body: &str) {
    let ret = if name.ends_with("_free") {
        ""
    } else {
        " -> FerroscoreStatus"
    };
    for line in doc.lines() {
        writeln!(src, "/// {line}").unwrap();
    }
    writeln!(src, "///\n/// # Safety\n/// {safety}").unwrap();
    writeln!(src, "#[no_mangle]").unwrap();
    writeln!(
        src,
        "pub unsafe extern \"C\" fn ferroscore_{name}({sig}){ret} {{"
    )
    .unwrap();
    writeln!(
        src,
        "    // SAFETY: the caller upholds this function's `# Safety` contract, which"
    )
    .unwrap();
    writeln!(
        src,
        "    // is the one of the generic body; that body checks what it can."
    )
    .unwrap();
    writeln!(src, "    unsafe {{ {body} }}").unwrap();
    writeln!(src, "}}\n").unwrap();
}

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut src =
        String::from("// Generated by bindings-c/build.rs from its export table; do not edit.\n\n");
    for ex in table().into_iter().chain(table_2d()) {
        let safety = if ex.name.starts_with("scan_") {
            SCAN_PROGRAM_SAFETY
        } else if ex.name.ends_with("_2d") {
            SAFETY_2D
        } else if ex.grouped {
            GROUP_SAFETY
        } else if ex.name.contains("state_") {
            STATE_SAFETY
        } else if ex.sig.contains("out_len") {
            SCAN_SAFETY
        } else {
            REDUCE_SAFETY
        };
        for t in ["f64", "f32"] {
            let codes: &[(&str, &str)] = if ex.grouped {
                &[("i64", ""), ("i32", "_i32")]
            } else {
                &[("i64", "")]
            };
            for (gty, gsfx) in codes {
                let fill = |s: &str| s.replace("{T}", t).replace("{G}", gty);
                let mut doc = String::from(ex.doc);
                if ex.grouped {
                    write!(
                        doc,
                        "\n\n`groups[i]` (`{gty}`, `groups_len == n`) is row i's group code: `0 <= code < n_groups`; \
a negative code skips the row; `out` has `n_groups` values."
                    )
                    .unwrap();
                } else if ex.sig.contains("out_len") && !ex.name.ends_with("_2d") {
                    doc.push_str("\n\n`out_len` must equal `n`.");
                }
                if t == "f32" {
                    doc.push_str(" Input `float`, accumulated in `double`.");
                }
                emit(
                    &mut src,
                    &format!("{}_{t}{gsfx}", ex.name),
                    &doc,
                    safety,
                    &fill(ex.sig),
                    &fill(ex.body),
                );
            }
        }
    }
    for ex in lifetime() {
        emit(&mut src, ex.name, ex.doc, HANDLE_SAFETY, ex.sig, ex.body);
    }
    let exports = out_dir.join("exports.rs");
    std::fs::write(&exports, &src).unwrap();

    let mut config = cbindgen::Config::from_file(manifest.join("cbindgen.toml")).unwrap();
    config.after_includes = Some(format!(
        "\n/** The library version this header was generated with. */\n#define FERROSCORE_HEADER_VERSION \"{}\"\n",
        std::env::var("CARGO_PKG_VERSION").unwrap()
    ));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(manifest.join("src/lib.rs"))
        .with_src(&exports)
        .generate()
        .expect("cbindgen failed");
    let generated = out_dir.join("ferroscore.h");
    bindings.write_to_file(&generated);
    // The committed header is rewritten only when its text changes (an
    // unchanged header keeps its mtime); `make test-c` then fails until the
    // new header is committed. A read-only source tree only gets a warning.
    let header = manifest.join("include/ferroscore.h");
    let text = std::fs::read(&generated).unwrap();
    if std::fs::read(&header).ok().as_deref() != Some(&text[..]) {
        if let Err(e) = std::fs::write(&header, &text) {
            println!("cargo:warning=could not update {}: {e}", header.display());
        }
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
}
