//! R binding of ferroscore (extendr-api 0.9): conversion only, the core holds
//! the logic.
//!
//! Every function exported to R takes plain `Robj` arguments (so extendr does
//! no conversion of its own that could fail with a foreign message), converts
//! them in [`conv`], calls the core and converts back. An error never unwinds
//! into R: it comes back as a value of class `ferroscore_rs_error`, which the
//! package's R wrappers raise as a condition of class `ferroscore_error`. A
//! panic (a bug) is caught the same way, and the panic hook installed by
//! `fs_init` keeps Rust backtraces off the R console.

mod conv;
mod group;
mod kernels;
mod scan;
mod state;
mod validation;

/// The functions R calls (`.Call(wrap__fs_*, ...)`) and the module
/// registration. `missing_docs` is allowed here only because `#[extendr]`
/// generates undocumented public wrappers (`wrap__*`) for each function.
#[allow(missing_docs)]
mod exports {
    use crate::conv::{self, guarded};
    use crate::{group, kernels, scan, state, validation};
    use extendr_api::prelude::*;

    /// Silences Rust's panic printer (panics are caught and reported as R errors,
    /// so a backtrace on stderr would only confuse R users).
    #[extendr]
    fn fs_init() -> Robj {
        std::panic::set_hook(Box::new(|_| {}));
        Robj::from(())
    }

    /// The core's version.
    #[extendr]
    fn fs_version() -> Robj {
        ferroscore::VERSION.into()
    }

    /// Parses decimal strings into correctly rounded doubles (R's own parser
    /// can be 1 ulp off on long decimals); `NA` where a string does not parse.
    /// Used by the tests to read the shared vectors bit for bit.
    #[extendr]
    fn fs_parse_f64(x: Robj) -> Robj {
        guarded(|| {
            let na = conv::na_real();
            let v: Vec<f64> = x
                .as_str_vector()
                .unwrap_or_default()
                .iter()
                .map(|s| s.trim().parse::<f64>().unwrap_or(na))
                .collect();
            Ok(v.into())
        })
    }

    #[extendr]
    fn fs_score_series(x: Robj, up: Robj, down: Robj, init: Robj, na_rm: Robj) -> Robj {
        guarded(|| kernels::score_series(x, up, down, init, na_rm))
    }

    #[extendr]
    #[allow(clippy::too_many_arguments)]
    fn fs_ewm(
        x: Robj,
        stat: Robj,
        alpha: Robj,
        span: Robj,
        com: Robj,
        halflife: Robj,
        adjust: Robj,
        ignore_na: Robj,
        min_periods: Robj,
        bias: Robj,
        times: Robj,
    ) -> Robj {
        guarded(|| {
            kernels::ewm(
                x,
                stat,
                alpha,
                span,
                com,
                halflife,
                adjust,
                ignore_na,
                min_periods,
                bias,
                times,
            )
        })
    }

    #[extendr]
    #[allow(clippy::too_many_arguments)]
    fn fs_rolling(
        x: Robj,
        stat: Robj,
        window: Robj,
        min_periods: Robj,
        center: Robj,
        ddof: Robj,
        q: Robj,
        interpolation: Robj,
        na_rm: Robj,
    ) -> Robj {
        guarded(|| {
            kernels::rolling(
                x,
                stat,
                window,
                min_periods,
                center,
                ddof,
                q,
                interpolation,
                na_rm,
            )
        })
    }

    #[extendr]
    fn fs_cum(x: Robj, stat: Robj, na_rm: Robj) -> Robj {
        guarded(|| kernels::cum(x, stat, na_rm))
    }

    #[extendr]
    fn fs_reduce(x: Robj, stat: Robj, ddof: Robj, p: Robj) -> Robj {
        guarded(|| kernels::reduce(x, stat, ddof, p))
    }

    #[extendr]
    fn fs_dot(a: Robj, b: Robj) -> Robj {
        guarded(|| kernels::dot(a, b))
    }

    #[extendr]
    fn fs_moments(x: Robj) -> Robj {
        guarded(|| kernels::moments(x))
    }

    #[extendr]
    fn fs_moments_merge(a: Robj, b: Robj) -> Robj {
        guarded(|| kernels::moments_merge(a, b))
    }

    #[extendr]
    fn fs_moments_var(m: Robj, ddof: Robj) -> Robj {
        guarded(|| kernels::moments_var(m, ddof))
    }

    #[extendr]
    fn fs_group(x: Robj, codes: Robj, n_groups: Robj, stat: Robj, ddof: Robj, p: Robj) -> Robj {
        guarded(|| kernels::group(x, codes, n_groups, stat, ddof, p))
    }

    #[extendr]
    fn fs_group_codes(groups: Robj) -> Robj {
        guarded(|| group::codes(groups))
    }

    #[extendr]
    fn fs_scan_compile(
        source: Robj,
        inputs: Robj,
        param_names: Robj,
        param_values: Robj,
        na_rm: Robj,
    ) -> Robj {
        guarded(|| scan::compile(source, inputs, param_names, param_values, na_rm))
    }

    #[extendr]
    fn fs_scan_live(program: Robj) -> Robj {
        guarded(|| scan::is_live(program))
    }

    #[extendr]
    fn fs_scan_info(program: Robj) -> Robj {
        guarded(|| scan::info(program))
    }

    #[extendr]
    fn fs_scan_run(program: Robj, x: Robj, init: Robj) -> Robj {
        guarded(|| scan::run(program, x, init))
    }

    #[extendr]
    fn fs_scan_state(program: Robj, init: Robj) -> Robj {
        guarded(|| scan::new_state(program, init))
    }

    #[extendr]
    fn fs_scan_state_restore(program: Robj, parts: Robj) -> Robj {
        guarded(|| scan::state_from_parts(program, parts))
    }

    #[extendr]
    fn fs_scan_state_parts(state: Robj) -> Robj {
        guarded(|| scan::parts(state))
    }

    #[extendr]
    fn fs_scan_state_update(state: Robj, x: Robj) -> Robj {
        guarded(|| scan::state_update(state, x))
    }

    #[extendr]
    fn fs_state_score(up: Robj, down: Robj, init: Robj, na_rm: Robj) -> Robj {
        guarded(|| state::new_score(up, down, init, na_rm))
    }

    #[extendr]
    #[allow(clippy::too_many_arguments)]
    fn fs_state_ewm(
        stat: Robj,
        alpha: Robj,
        span: Robj,
        com: Robj,
        halflife: Robj,
        adjust: Robj,
        ignore_na: Robj,
        min_periods: Robj,
        bias: Robj,
    ) -> Robj {
        guarded(|| {
            state::new_ewm(
                stat,
                alpha,
                span,
                com,
                halflife,
                adjust,
                ignore_na,
                min_periods,
                bias,
            )
        })
    }

    #[extendr]
    fn fs_state_rolling(
        stat: Robj,
        window: Robj,
        min_periods: Robj,
        ddof: Robj,
        q: Robj,
        interpolation: Robj,
        na_rm: Robj,
    ) -> Robj {
        guarded(|| state::new_rolling(stat, window, min_periods, ddof, q, interpolation, na_rm))
    }

    #[extendr]
    fn fs_state_cum(stat: Robj, na_rm: Robj) -> Robj {
        guarded(|| state::new_cum(stat, na_rm))
    }

    #[extendr]
    fn fs_state_update(state: Robj, x: Robj, times: Robj) -> Robj {
        guarded(|| state::update(state, x, times))
    }

    #[extendr]
    fn fs_state_copy(state: Robj) -> Robj {
        guarded(|| state::copy(state))
    }

    #[extendr]
    fn fs_state_live(state: Robj) -> Robj {
        guarded(|| state::is_live(state))
    }

    #[extendr]
    fn fs_state_save(state: Robj) -> Robj {
        guarded(|| state::save(state))
    }

    #[extendr]
    fn fs_state_load(state: Robj, data: Robj) -> Robj {
        guarded(|| state::load(state, data))
    }

    #[extendr]
    fn fs_state_describe(state: Robj) -> Robj {
        guarded(|| state::describe(state))
    }

    #[extendr]
    fn fs_validate(
        cols: Robj,
        names: Robj,
        rule_cols: Robj,
        rules: Robj,
        max_failures: Robj,
    ) -> Robj {
        guarded(|| validation::run(cols, names, rule_cols, rules, max_failures))
    }

    extendr_module! {
        mod ferroscore;
        fn fs_init;
        fn fs_version;
        fn fs_parse_f64;
        fn fs_score_series;
        fn fs_ewm;
        fn fs_rolling;
        fn fs_cum;
        fn fs_reduce;
        fn fs_dot;
        fn fs_moments;
        fn fs_moments_merge;
        fn fs_moments_var;
        fn fs_group;
        fn fs_group_codes;
        fn fs_scan_compile;
        fn fs_scan_live;
        fn fs_scan_info;
        fn fs_scan_run;
        fn fs_scan_state;
        fn fs_scan_state_restore;
        fn fs_scan_state_parts;
        fn fs_scan_state_update;
        fn fs_state_score;
        fn fs_state_ewm;
        fn fs_state_rolling;
        fn fs_state_cum;
        fn fs_state_update;
        fn fs_state_copy;
        fn fs_state_live;
        fn fs_state_save;
        fn fs_state_load;
        fn fs_state_describe;
        fn fs_validate;
    }
}
