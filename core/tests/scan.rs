//! The scan language: operators, functions, precedence, NaN logic, errors
//! with their positions, states, chunking, f32, and equality with the
//! hand-written kernels.

use ferroscore::error::Code;
use ferroscore::scan::{self, Program};
use ferroscore::score::{self, EwmOptions, Scan, ScoreOptions};
use ferroscore::Error;
use proptest::prelude::*;

/// Same bits, or both NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn assert_same(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (k, (&u, &v)) in a.iter().zip(b).enumerate() {
        assert!(same(u, v), "{what}: row {k}: {u:?} != {v:?}");
    }
}

/// Runs on both back ends (they must agree bit for bit) and returns the output.
fn run(
    src: &str,
    inputs: &[&str],
    params: &[(&str, f64)],
    cols: &[&[f64]],
    init: &[f64],
    skipna: bool,
) -> Vec<f64> {
    let p = Program::compile(src, inputs, params)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .with_skipna(skipna);
    let a = p.run(cols, init).unwrap();
    let b = p.bytecode().run(cols, init).unwrap();
    assert_same(&a, &b, &format!("{src} [{}] vs bytecode", p.backend()));
    a
}

/// The value of a constant expression (one row, input 0).
fn eval(src: &str) -> f64 {
    run(src, &[], &[], &[&[0.0]], &[0.0], false)[0]
}

/// The value of an expression of `x` at each of `xs` (no skipping).
fn map(src: &str, xs: &[f64]) -> Vec<f64> {
    run(src, &[], &[], &[xs], &[0.0], false)
}

fn err(src: &str) -> (usize, usize, String) {
    err_with(src, &[], &[])
}

fn err_with(src: &str, inputs: &[&str], params: &[(&str, f64)]) -> (usize, usize, String) {
    match Program::compile(src, inputs, params) {
        Err(e @ Error::Parse { .. }) => {
            assert_eq!(e.code(), Code::Parse);
            let Error::Parse {
                line,
                column,
                message,
                ..
            } = &e
            else {
                unreachable!()
            };
            (*line, *column, message.clone())
        }
        Err(e) => panic!("{src}: not a parse error: {e}"),
        Ok(_) => panic!("{src}: compiled"),
    }
}

/// A source and the Rust function it must equal.
type Case = (&'static str, fn(f64) -> f64);

const XS: [f64; 12] = [
    -3.5,
    -1.0,
    -0.0,
    0.0,
    0.25,
    1.0,
    2.5,
    7.0,
    1e300,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

#[test]
fn arithmetic_operators() {
    let cases: [Case; 9] = [
        ("x + 1.5", |x| x + 1.5),
        ("x - 1.5", |x| x - 1.5),
        ("x * 3", |x| x * 3.0),
        ("x / 4", |x| x / 4.0),
        ("1 / x", |x| 1.0 / x),
        ("x ^ 2", |x| x.powf(2.0)),
        ("x ** 0.5", |x| x.powf(0.5)),
        ("-x", |x| -x),
        ("+x", |x| x),
    ];
    for (src, f) in cases {
        let want: Vec<f64> = XS.iter().map(|&x| f(x)).collect();
        assert_same(&map(src, &XS), &want, src);
    }
}

#[test]
fn remainder_is_pythons() {
    // Python: 7 % 3 == 1, -7 % 3 == 2, 7 % -3 == -2, -7 % -3 == -1, 7.5 % 2 == 1.5
    assert_eq!(eval("7 % 3"), 1.0);
    assert_eq!(eval("-7 % 3"), 2.0);
    assert_eq!(eval("7 % -3"), -2.0);
    assert_eq!(eval("-7 % -3"), -1.0);
    assert_eq!(eval("7.5 % 2"), 1.5);
    assert!(same(eval("-6 % 3"), 0.0));
    assert!(same(eval("6 % -3"), -0.0));
    assert!(eval("1 % 0").is_nan());
    assert!(eval("inf % 2").is_nan());
    assert_eq!(eval("2 % inf"), 2.0);
    let got = map("x % 0.75", &XS);
    for (&x, &g) in XS.iter().zip(&got) {
        let m = x % 0.75;
        let want = if m != 0.0 && m < 0.0 {
            m + 0.75
        } else if m == 0.0 {
            0.0
        } else {
            m
        };
        assert!(same(g, want), "{x} % 0.75: {g} vs {want}");
    }
}

#[test]
fn functions() {
    let one: [Case; 14] = [
        ("abs(x)", f64::abs),
        ("sqrt(x)", f64::sqrt),
        ("exp(x)", f64::exp),
        ("expm1(x)", f64::exp_m1),
        ("log(x)", f64::ln),
        ("log1p(x)", f64::ln_1p),
        ("log2(x)", f64::log2),
        ("log10(x)", f64::log10),
        ("floor(x)", f64::floor),
        ("ceil(x)", f64::ceil),
        ("trunc(x)", f64::trunc),
        ("round(x)", f64::round_ties_even),
        ("tanh(x)", f64::tanh),
        ("pow(x, 3)", |x| x.powf(3.0)),
    ];
    for (src, f) in one {
        let want: Vec<f64> = XS.iter().map(|&x| f(x)).collect();
        assert_same(&map(src, &XS), &want, src);
    }
    assert_eq!(
        map("round(x)", &[0.5, 1.5, 2.5, -0.5, -2.5]),
        [0.0, 2.0, 2.0, -0.0, -2.0]
    );
    let sign: Vec<f64> = map("sign(x)", &XS);
    assert_same(
        &sign,
        &[
            -1.0,
            -1.0,
            -0.0,
            0.0,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
            -1.0,
            f64::NAN,
        ],
        "sign",
    );
    assert_eq!(eval("min(3, 1, 2)"), 1.0);
    assert_eq!(eval("max(3, 1, 2, -5)"), 3.0);
    assert!(eval("min(1, nan)").is_nan(), "min propagates NaN");
    assert!(eval("max(nan, 1)").is_nan(), "max propagates NaN");
    assert!(same(eval("min(0, -0)"), 0.0), "first argument wins ties");
    assert!(same(eval("max(-0, 0)"), -0.0));
    assert_eq!(map("clamp(x, -1, 1)", &[-3.0, 0.5, 3.0]), [-1.0, 0.5, 1.0]);
    assert!(eval("clamp(nan, 0, 1)").is_nan());
    assert_eq!(
        eval("clamp(5, 2, 1)"),
        1.0,
        "lo > hi: min(max(x, lo), hi), no panic"
    );
    assert_eq!(eval("fma(0.1, 10, -1)"), 0.1f64.mul_add(10.0, -1.0));
    assert_ne!(
        eval("fma(0.1, 10, -1)"),
        eval("0.1 * 10 - 1"),
        "fma rounds once"
    );
    assert_eq!(map("if isnan(x) then 1 else 0", &XS)[11], 1.0);
    assert_eq!(
        map("if isfinite(x) then 1 else 0", &XS),
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    );
    assert!(eval("nan").is_nan());
    assert_eq!(eval("inf"), f64::INFINITY);
    assert_eq!(eval("-inf"), f64::NEG_INFINITY);
    assert_eq!(eval("1e3 + .5 + 2. + 1E-1"), 1000.0 + 0.5 + 2.0 + 0.1);
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(
        eval("-2^2"),
        -4.0,
        "unary minus binds looser than ^, as in Python"
    );
    assert_eq!(eval("-2**2"), -4.0);
    assert_eq!(eval("(-2)^2"), 4.0);
    assert_eq!(eval("2^3^2"), 512.0, "^ is right-associative");
    assert_eq!(eval("2^-1"), 0.5);
    assert_eq!(eval("2^-1^2"), 0.5, "2^(-(1^2))");
    assert_eq!(eval("1 + 2 * 3"), 7.0);
    assert_eq!(eval("(1 + 2) * 3"), 9.0);
    assert_eq!(eval("10 - 4 - 3"), 3.0, "left-associative");
    assert_eq!(eval("64 / 4 / 2"), 8.0);
    assert_eq!(
        eval("2 * 3 % 4"),
        2.0,
        "* and % share a level, left to right"
    );
    assert_eq!(eval("- -3"), 3.0);
    assert_eq!(eval("2 * -3"), -6.0);
    assert_eq!(eval("1 + 2 * 3 ^ 2"), 19.0);
    assert_eq!(eval("if 1 + 1 == 2 then 10 else 20"), 10.0);
    assert_eq!(
        eval("1 + if false then 1 else 2 + 3"),
        6.0,
        "else takes the rest"
    );
    assert_eq!(eval("(if true then 1 else 2) + 3"), 4.0);
    assert_eq!(
        eval("if not true and false then 1 else 0"),
        0.0,
        "(not true) and false"
    );
    assert_eq!(
        eval("if true or false and false then 1 else 0"),
        1.0,
        "and before or"
    );
    assert_eq!(eval("if not 1 > 2 then 1 else 0"), 1.0, "not (1 > 2)");
    assert_eq!(
        eval("if 1 < 2 and 3 > 2 or 1 == 0 then 1 else 0"),
        1.0,
        "comparisons before and/or"
    );
}

#[test]
fn comparisons_and_logic_with_nan() {
    let t = |src: &str| eval(&format!("if {src} then 1 else 0"));
    for (src, want) in [
        ("1 < 2", 1.0),
        ("2 <= 2", 1.0),
        ("3 > 2", 1.0),
        ("2 >= 3", 0.0),
        ("2 == 2", 1.0),
        ("2 != 2", 0.0),
        ("-0 == 0", 1.0),
        ("nan < 1", 0.0),
        ("nan > 1", 0.0),
        ("nan <= nan", 0.0),
        ("nan >= 1", 0.0),
        ("nan == nan", 0.0),
        ("nan != nan", 1.0),
        ("not nan < 1", 1.0),
        ("inf > 1e308", 1.0),
        ("true and true", 1.0),
        ("true and false", 0.0),
        ("false or true", 1.0),
        ("false or false", 0.0),
        ("not false", 1.0),
        ("not not true", 1.0),
        ("isnan(nan) and not isnan(1)", 1.0),
    ] {
        assert_eq!(t(src), want, "{src}");
    }
    // A NaN input with skipna=false goes through the arithmetic and the
    // comparisons (false), so the else branch is taken.
    assert_eq!(map("if x > 0 then 1 else 2", &[f64::NAN, 1.0]), [2.0, 1.0]);
}

#[test]
fn errors_have_positions() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "if x > s then s * upp + x else s * down",
            1,
            19,
            "unknown name `upp`",
        ),
        ("s +", 1, 4, "expected a value, found the end of the source"),
        ("", 1, 1, "expected a value"),
        ("s + $", 1, 5, "unexpected character `$`"),
        ("s != !x", 1, 6, "unexpected `!`"),
        ("x && s", 1, 3, "unexpected `&`"),
        ("(x + 1", 1, 7, "expected `)`"),
        ("max(x, s", 1, 9, "expected `,` or `)`"),
        ("if x > s then 1", 1, 16, "expected `else`"),
        (
            "if x then 1 else 2",
            1,
            4,
            "condition of `if` must be a condition",
        ),
        ("x + (s > 1)", 1, 5, "right side of `+` must be a number"),
        ("x > 1", 1, 1, "the new state must be a number"),
        ("1 < x < 2", 1, 7, "comparisons do not chain"),
        ("abs(x, s)", 1, 1, "`abs` takes 1 argument, got 2"),
        ("clamp(x, 1)", 1, 1, "`clamp` takes 3 arguments, got 2"),
        ("min(x)", 1, 1, "`min` takes at least 2 arguments, got 1"),
        ("foo(x)", 1, 1, "unknown function `foo`"),
        ("1.2.3", 1, 1, "malformed number"),
        ("2x", 1, 1, "malformed number"),
        (
            "x 2",
            1,
            3,
            "expected an operator or the end of the expression",
        ),
        ("s = x\nt = s +\n", 3, 1, "expected a value"),
        (
            "a = x\n  b = a * * 2\nout = b",
            2,
            11,
            "expected a value, found `*`",
        ),
        ("a = x; a = 2", 1, 8, "state `a` is assigned twice"),
        ("a = x; b = 2", 1, 13, "needs `out = ...`"),
        (
            "let t = 1; out = t; out = 2",
            1,
            21,
            "`out` is assigned twice",
        ),
        ("out = out + 1", 1, 7, "`out` can be assigned but not read"),
        (
            "let y = 1\nlet y = 2\nout = y",
            2,
            5,
            "already defined by `let`",
        ),
        ("let s = 1\ns = x", 1, 5, "`s` is a state"),
        ("x = 1", 1, 1, "`x` is an input and cannot be assigned"),
        ("i = 1", 1, 1, "`i` is the row index"),
        ("let t = x\n", 2, 1, "nothing to compute"),
        ("s = t\nlet t = x", 1, 5, "unknown name `t`"),
        (
            "a = 1 b = 2",
            1,
            7,
            "expected an operator, `;` or a new line",
        ),
        ("if", 1, 3, "expected a value"),
        ("# only a comment", 1, 17, "expected a value"),
        ("s * é", 1, 5, "unexpected character `é`"),
        ("é + s * ü", 1, 1, "unexpected character `é`"),
    ];
    for &(src, line, col, msg) in cases {
        let (l, c, m) = err(src);
        assert!(
            (l, c) == (line, col) && m.contains(msg),
            "{src:?}: got line {l} col {c} {m:?}, want line {line} col {col} {msg:?}"
        );
    }
    let (l, c, m) = err_with("s * k", &[], &[("up", 1.0)]);
    assert_eq!((l, c), (1, 5));
    assert!(m.contains("known: i, s, up, x"), "{m}");
    // A caret under the column, in characters.
    let e = Program::compile("s = x\ns = é + 1", &[], &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "scan syntax error at line 2, column 5: unexpected character `é`\n  s = é + 1\n      ^"
    );
    let e = Program::compile(
        "if x > s then s * upp + x else s * down",
        &[],
        &[("up", 0.9), ("down", 0.5)],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "scan syntax error at line 1, column 19: unknown name `upp` (known: down, i, s, up, x)\n  \
         if x > s then s * upp + x else s * down\n                    ^"
    );
    assert_eq!(e.argument(), Some("source"));
}

#[test]
fn type_error_if_then_number() {
    let (l, c, m) = err("if 1 then 2 else 3");
    assert_eq!((l, c), (1, 4));
    assert!(m.contains("condition"));
    let (_, c, m) = err("if x > 0 then x > 1 else 2");
    assert_eq!(c, 26);
    assert!(m.contains("both be numbers"), "{m}");
}

#[test]
fn bad_names_and_arguments() {
    let e = Program::compile("s", &["x", "x"], &[]).unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(e.argument(), Some("inputs"));
    for bad in ["1x", "", "a-b", "if", "i", "out", "nan"] {
        assert!(Program::compile("s", &[bad], &[]).is_err(), "{bad}");
    }
    let e = Program::compile("s", &["x"], &[("x", 1.0)]).unwrap_err();
    assert_eq!(e.argument(), Some("params"));
    let e = Program::compile("s * s", &["s"], &[]).unwrap_err();
    assert_eq!(e.code(), Code::Parse, "{e}");
    let p = Program::compile("s + x", &[], &[]).unwrap();
    let e = p.run(&[&[1.0_f64][..], &[1.0][..]], &[0.0]).unwrap_err();
    assert!(matches!(
        e,
        Error::LengthMismatch {
            name: "inputs",
            expected: 1,
            actual: 2
        }
    ));
    let e = p.run(&[&[1.0_f64][..]], &[0.0, 1.0]).unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { name: "init", .. }));
    let p2 = Program::compile("s + x * y", &["x", "y"], &[]).unwrap();
    let e = p2
        .run(&[&[1.0_f64, 2.0][..], &[1.0][..]], &[0.0])
        .unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { name: "inputs", .. }));
    let mut out = [0.0_f64; 3];
    let e = p
        .run_into(&[&[1.0, 2.0][..]], &[0.0], &mut out)
        .unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { .. }));
    // Empty input gives empty output.
    assert!(p.run::<f64>(&[&[]], &[0.0]).unwrap().is_empty());
}

#[test]
fn limits() {
    let deep = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
    assert!(Program::compile(&deep(100), &[], &[]).is_ok());
    let (l, c, m) = err(&deep(1000));
    assert_eq!(l, 1);
    assert!(c <= scan::MAX_DEPTH + 1, "{c}");
    assert!(m.contains("nested too deeply"), "{m}");
    for src in [
        "-".repeat(100_000) + "x",
        "not ".repeat(20_000) + "true",
        "abs(".repeat(10_000),
        "if true then ".repeat(5_000),
        "2^".repeat(20_000) + "2",
    ] {
        let (_, _, m) = err(&src);
        assert!(
            m.contains("nested too deeply") || m.contains("longer than"),
            "{m}"
        );
    }
    let long = "x + ".repeat(20_000) + "x";
    let (_, _, m) = err(&long);
    assert!(m.contains("longer than the limit"), "{m}");
    let wide = (0..9000)
        .map(|k| format!("{k}.5*x"))
        .collect::<Vec<_>>()
        .join("+");
    let (_, _, m) = err(wide[..60_000.min(wide.len())].trim_end_matches(['+', '*', '.', 'x']));
    assert!(
        m.contains("program too large") || m.contains("expected"),
        "{m}"
    );
}

#[test]
fn deepest_program_fits_a_small_stack() {
    // The parser recurses once per nesting level; MAX_DEPTH levels must fit
    // the default 2 MiB thread stack even in a debug build (release: 256 KiB).
    let n = scan::MAX_DEPTH - 1;
    let srcs = [
        format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}x{}", "abs(".repeat(n / 2), ")".repeat(n / 2)),
        "-".repeat(n) + "x",
        format!(
            "{}1{}",
            "if x > 0 then (".repeat(n / 4),
            ") else 0".repeat(n / 4)
        ),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for src in &srcs {
                Program::compile(src, &[], &[]).unwrap();
                assert!(Program::compile(&format!("({src}"), &[], &[]).is_err());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

fn noise(n: usize, seed: u64, nan_every: u64) -> Vec<f64> {
    let mut z = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            z ^= z << 13;
            z ^= z >> 7;
            z ^= z << 17;
            if nan_every > 0 && z % nan_every == 0 {
                f64::NAN
            } else {
                (z >> 11) as f64 / (1u64 << 53) as f64 * 10.0 - 2.0
            }
        })
        .collect()
}

const SEED: &str = "if x > s then s * up + x else s * down";
const SEED_FMA: &str = "if x > s then fma(s, up, x) else s * down";

#[test]
fn seed_with_fma_is_score_series_bit_for_bit() {
    for (nan_every, init, up, down) in [
        (0, 0.0, 0.9, 0.5),
        (7, 0.0, 0.9, 0.5),
        (3, 1.5, 0.8, 0.3),
        (50, -2.0, 1.1, 0.9),
    ] {
        let x = noise(5000, 11, nan_every);
        let opts = ScoreOptions {
            up,
            down,
            init,
            skipna: true,
        };
        let want = score::score_series(&x, &opts).unwrap();
        let got = run(
            SEED_FMA,
            &[],
            &[("up", up), ("down", down)],
            &[&x],
            &[init],
            true,
        );
        assert_same(&got, &want, "seed fma vs score_series");
        // skipna = false: the first NaN makes the state NaN for good, in both.
        let opts = ScoreOptions {
            skipna: false,
            ..opts
        };
        let want = score::score_series(&x, &opts).unwrap();
        let got = run(
            SEED_FMA,
            &[],
            &[("up", up), ("down", down)],
            &[&x],
            &[init],
            false,
        );
        // score_series sets s = NaN on a NaN input; the scan computes
        // `if NaN > s ... else s * down` = s * down: document the difference.
        if nan_every == 0 {
            assert_same(&got, &want, "seed fma, skipna=false, no NaN");
        }
    }
    // f32 in, f32 out, the same bits as score_series on f32.
    let x: Vec<f32> = noise(3000, 5, 9).iter().map(|&v| v as f32).collect();
    let want = score::score_series(&x, &ScoreOptions::default()).unwrap();
    let p = Program::compile(SEED_FMA, &[], &[("up", 0.9), ("down", 0.5)]).unwrap();
    let got = p.run(&[&x[..]], &[0.0]).unwrap();
    assert!(want
        .iter()
        .zip(&got)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn seed_without_fma_is_the_plain_loop() {
    // `s * up + x` rounds twice, as Python, R and C loops compute it; it stays
    // within a few ulps of score_series (which fuses it).
    let x = noise(20_000, 3, 13);
    let got = run(
        SEED,
        &[],
        &[("up", 0.9), ("down", 0.5)],
        &[&x],
        &[0.0],
        true,
    );
    let mut s = 0.0_f64;
    let want: Vec<f64> = x
        .iter()
        .map(|&v| {
            if !v.is_nan() {
                s = if v > s { s * 0.9 + v } else { s * 0.5 };
            }
            s
        })
        .collect();
    assert_same(&got, &want, "seed vs plain loop");
    let kernel = score::score_series(&x, &ScoreOptions::default()).unwrap();
    let worst = got
        .iter()
        .zip(&kernel)
        .map(|(a, b)| ((a - b) / b.abs().max(1e-300)).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-13, "relative difference to score_series {worst}");
    assert_eq!(
        Program::compile(SEED, &[], &[("up", 0.9), ("down", 0.5)])
            .unwrap()
            .backend(),
        "affine"
    );
    // The convenience function.
    assert_same(
        &scan::scan(SEED, &x, 0.0, &[("up", 0.9), ("down", 0.5)]).unwrap(),
        &want,
        "scan()",
    );
}

#[test]
fn ewm_mean_adjust_false_as_a_scan() {
    // pandas' ewm(alpha, adjust=False, ignore_na=True).mean(): the first
    // observation starts the mean; afterwards
    // mean = ((1-a)*mean + a*x) / ((1-a) + a), skipped when mean == x.
    let src = "if isnan(s) then x else if s == x then s else (f * s + a * x) / (f + a)";
    for alpha in [0.1, 0.5, 0.37] {
        let x = noise(4000, 21, 11);
        let opts = EwmOptions {
            adjust: false,
            ignore_na: true,
            ..EwmOptions::alpha(alpha)
        };
        let want = score::ewm_mean(&x, &opts).unwrap();
        let mut xn = x.clone();
        xn[..3].fill(f64::NAN);
        let want_lead = score::ewm_mean(&xn, &opts).unwrap();
        let params = [("a", alpha), ("f", 1.0 - alpha)];
        let got = run(src, &[], &params, &[&x], &[f64::NAN], true);
        assert_same(&got, &want, "ewm_mean adjust=false");
        let got = run(src, &[], &params, &[&xn], &[f64::NAN], true);
        assert_same(&got, &want_lead, "ewm_mean adjust=false, leading NaN");
    }
}

#[test]
fn cumulative_kernels_as_scans() {
    let x = noise(3000, 8, 0);
    // score::cumsum is compensated; the scan `s + x` is the plain loop.
    let mut acc = 0.0;
    let cs: Vec<f64> = x
        .iter()
        .map(|v| {
            acc += v;
            acc
        })
        .collect();
    assert_same(
        &run("s + x", &[], &[], &[&x], &[0.0], true),
        &cs,
        "cumsum loop",
    );
    assert_eq!(
        Program::compile("s + x", &[], &[]).unwrap().backend(),
        "affine"
    );
    let cm = score::cummax(&x, true);
    let got = run(
        "if x > s then x else s",
        &[],
        &[],
        &[&x],
        &[f64::NEG_INFINITY],
        true,
    );
    assert_same(&got, &cm, "cummax");
    let got = run("max(s, x)", &[], &[], &[&x], &[f64::NEG_INFINITY], true);
    assert_same(&got, &cm, "cummax with max()");
}

#[test]
fn affine_shapes_match_the_bytecode() {
    let x = noise(2000, 4, 9);
    let y = noise(2000, 6, 0);
    let shapes = [
        "s * 0.5",
        "0.5 * s",
        "s + x",
        "x + s",
        "s - x",
        "x - s",
        "s * 0.9 + x",
        "x + 0.9 * s",
        "s * 0.9 - x",
        "fma(s, 0.9, x)",
        "fma(0.9, s, x * 2)",
        "s",
        "x * 2",
        "s * y + log1p(abs(x))",
        "if s < x then s else x",
        "if x <= s then x else s * 0.5",
        "if s == x then s + 1 else s - 1",
        "if s != 0 then s * 0.5 else x",
        "if s >= y then fma(s, 0.5, x) else s - y",
        "if x < s then s * 0.9 - x else -s + x",
        "if y > s then x else s * 0.5 + 1",
        "if s > 0 then s else 0 - s * 2",
    ];
    for src in shapes {
        let p = Program::compile(src, &["x", "y"], &[]).unwrap();
        assert_eq!(p.backend(), "affine", "{src}");
        for skipna in [true, false] {
            let a = run(src, &["x", "y"], &[], &[&x, &y], &[0.5], skipna);
            assert_eq!(a.len(), x.len());
        }
    }
    for src in [
        "s * s",
        "if s > x and s > 0 then s else x",
        "s / 2",
        "(s + x) * 0.5",
        "exp(s)",
    ] {
        assert_eq!(
            Program::compile(src, &["x", "y"], &[]).unwrap().backend(),
            "bytecode",
            "{src}"
        );
    }
}

#[test]
fn skipna_semantics() {
    let x = [f64::NAN, f64::NAN, 1.0, f64::NAN, 2.0];
    // Output is the state: leading missing rows output init.
    assert_same(
        &run("s + x", &[], &[], &[&x], &[10.0], true),
        &[10.0, 10.0, 11.0, 11.0, 13.0],
        "carry",
    );
    // With an `out` expression, missing rows repeat the previous output, NaN at first.
    let got = run("s = s + x\nout = s * 2", &[], &[], &[&x], &[10.0], true);
    assert_same(&got, &[f64::NAN, f64::NAN, 22.0, 22.0, 26.0], "out carry");
    // `out = <state>` starts at the state's init.
    let got = run(
        "a = a + x; b = a * 2; out = a",
        &[],
        &[],
        &[&x],
        &[1.0, 0.0],
        true,
    );
    assert_same(&got, &[1.0, 1.0, 2.0, 2.0, 4.0], "out = state");
    // skipna=false: NaN flows.
    let got = run("s + x", &[], &[], &[&x], &[10.0], false);
    assert!(got.iter().all(|v| v.is_nan()));
    // Any input missing skips the row, also an input the program does not read.
    let y = [1.0, f64::NAN, 1.0];
    let got = run(
        "s + x",
        &["x", "y"],
        &[],
        &[&[1.0, 1.0, 1.0], &y],
        &[0.0],
        true,
    );
    assert_eq!(got, [1.0, 1.0, 2.0]);
    // NaN in the state is not a missing input.
    let got = run(
        "if isnan(s) then x else s + x",
        &[],
        &[],
        &[&[1.0, 2.0]],
        &[f64::NAN],
        true,
    );
    assert_eq!(got, [1.0, 3.0]);
    // A skipped row does not advance... but `i` counts every row.
    let got = run("i", &[], &[], &[&[0.0, f64::NAN, 0.0]], &[0.0], true);
    assert_eq!(got, [0.0, 0.0, 2.0]);
}

#[test]
fn multi_state_rules_run_in_order() {
    let x = [1.0, 2.0, 3.0, 4.0];
    // Sequential: `b` reads the new `a` ...
    let got = run("a = x\nb = a\nout = b", &[], &[], &[&x], &[0.0, 0.0], true);
    assert_eq!(got, x);
    // ... and the old one when it comes first (a one-row lag).
    let p = Program::compile("b = a; a = x; out = b", &[], &[]).unwrap();
    assert_eq!(p.states(), ["b", "a"]);
    assert_eq!(p.run(&[&x[..]], &[0.0, 9.0]).unwrap(), [9.0, 1.0, 2.0, 3.0]);
    // Swap through a `let`.
    let got = run(
        "let t = a; a = b; b = t; out = a",
        &[],
        &[],
        &[&x],
        &[1.0, 2.0],
        true,
    );
    assert_eq!(got, [2.0, 1.0, 2.0, 1.0]);
    // Exponentially weighted mean and variance, two states.
    let src = "let d = x - m\nm = m + a * d\nv = (1 - a) * (v + a * d * d)\nout = v";
    let xs = noise(500, 9, 0);
    let got = run(src, &[], &[("a", 0.1)], &[&xs], &[0.0, 0.0], true);
    let (mut m, mut v) = (0.0_f64, 0.0_f64);
    let want: Vec<f64> = xs
        .iter()
        .map(|&x| {
            let d = x - m;
            m += 0.1 * d;
            v = (1.0 - 0.1) * (v + 0.1 * d * d);
            v
        })
        .collect();
    assert_same(&got, &want, "ew mean/var");
    // Stateless map with `out` only.
    assert_eq!(
        run("out = x * 2", &[], &[], &[&x], &[], true),
        [2.0, 4.0, 6.0, 8.0]
    );
    // Bool lets.
    let got = run(
        "let up = x > 2\nc = if up then c + 1 else c\n",
        &[],
        &[],
        &[&x],
        &[0.0],
        true,
    );
    assert_eq!(got, [0.0, 0.0, 1.0, 2.0]);
    // Comments, blank lines, multi-line expressions, trailing `;`.
    let src = "# a counter\n\nn = if x > 1\n      then n + 1\n      else n;  # comment\n";
    assert_eq!(
        run(src, &[], &[], &[&x], &[0.0], true),
        [0.0, 1.0, 2.0, 3.0]
    );
}

#[test]
fn row_index_and_inputs() {
    let p = Program::compile("s + i * w", &["w"], &[]).unwrap();
    let w = [1.0, 1.0, 2.0];
    assert_eq!(p.run(&[&w[..]], &[0.0]).unwrap(), [0.0, 1.0, 5.0]);
    // Named inputs, in the given order.
    let p = Program::compile("s + price * qty", &["qty", "price"], &[]).unwrap();
    assert_eq!(p.inputs(), ["qty", "price"]);
    assert_eq!(
        p.run(&[&[2.0_f64, 3.0][..], &[10.0, 1.0][..]], &[0.0])
            .unwrap(),
        [20.0, 23.0]
    );
    assert_eq!(scan::input_names(2), ["x", "x2"]);
    let p = Program::compile("s + x * x2", &["x", "x2"], &[]).unwrap();
    assert_eq!(p.run(&[&[2.0_f64][..], &[3.0][..]], &[1.0]).unwrap(), [7.0]);
    // Parameters can be rebound.
    let p = Program::compile(SEED, &[], &[("up", 0.9), ("down", 0.5)]).unwrap();
    let q = p.with_params(&[("up", 1.0), ("down", 0.0)]).unwrap();
    assert_eq!(
        q.run(&[&[1.0_f64, 2.0, 0.5][..]], &[0.0]).unwrap(),
        [1.0, 3.0, 0.0]
    );
    assert!(
        p.with_params(&[("up", 1.0)]).is_err(),
        "`down` is now unknown"
    );
}

#[test]
fn f32_inputs() {
    let p = Program::compile("s * 0.5 + x", &[], &[]).unwrap();
    let x32: Vec<f32> = noise(1000, 2, 17).iter().map(|&v| v as f32).collect();
    let x64: Vec<f64> = x32.iter().map(|&v| f64::from(v)).collect();
    let a = p.run(&[&x32[..]], &[0.0]).unwrap();
    let b = p.run(&[&x64[..]], &[0.0]).unwrap();
    for (u, v) in a.iter().zip(&b) {
        assert!(u.to_bits() == (*v as f32).to_bits() || (u.is_nan() && v.is_nan()));
    }
}

#[test]
fn programs_are_send_sync_and_shared() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Program>();
    let p = Program::compile(SEED, &[], &[("up", 0.9), ("down", 0.5)]).unwrap();
    let cols: Vec<Vec<f64>> = (0..4).map(|k| noise(10_000, k, 10)).collect();
    let serial: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| p.run(&[&c[..]], &[0.0]).unwrap())
        .collect();
    let parallel: Vec<Vec<f64>> = std::thread::scope(|sc| {
        let hs: Vec<_> = cols
            .iter()
            .map(|c| {
                let p = &p;
                sc.spawn(move || p.run(&[&c[..]], &[0.0]).unwrap())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(serial, parallel);
}

#[test]
fn state_round_trip_and_scan_trait() {
    let p = Program::compile("a = a + x; b = max(b, x); out = a - b", &[], &[]).unwrap();
    let x = noise(1000, 1, 5);
    let whole = p.run(&[&x[..]], &[0.0, -1e9]).unwrap();
    let mut st = p.state(&[0.0, -1e9]).unwrap();
    let mut got = st.update(&[&x[..400]]).unwrap();
    let mut st2 =
        scan::ScanState::from_parts(&p, st.states(), st.last_output(), st.rows()).unwrap();
    got.extend(Scan::update(&mut st2, &x[400..]).unwrap());
    assert_same(&got, &whole, "restored state");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn chunked_equals_one_shot(
        which in 0usize..6,
        cuts in proptest::collection::vec(0usize..600, 0..6),
        nan_every in prop_oneof![Just(0u64), 2u64..20],
        seed in 0u64..1000,
        skipna in any::<bool>(),
        bytecode in any::<bool>(),
    ) {
        let programs = [
            (SEED, 1),
            (SEED_FMA, 1),
            ("s + i * x", 1),
            ("let d = x - m\nm = m + 0.1 * d\nv = 0.9 * (v + 0.1 * d * d)\nout = sqrt(v) + i", 2),
            ("if isnan(s) then x else if s == x then s else (0.9 * s + 0.1 * x) / (0.9 + 0.1)", 1),
            ("if x > s and x2 > 0 then s * 0.9 + x * x2 else max(s * 0.5, x2)", 1),
        ];
        let (src, n_states) = programs[which];
        let inputs: &[&str] = if which == 5 { &["x", "x2"] } else { &["x"] };
        let x = noise(600, seed, nan_every);
        let x2 = noise(600, seed + 7, 0);
        let cols: Vec<&[f64]> = if which == 5 { vec![&x, &x2] } else { vec![&x] };
        let mut p = Program::compile(src, inputs, &[("up", 0.9), ("down", 0.5)]).unwrap().with_skipna(skipna);
        if bytecode {
            p = p.bytecode();
        }
        let init = vec![0.25; n_states];
        let whole = p.run(&cols, &init).unwrap();
        let mut cuts = cuts;
        cuts.push(0);
        cuts.push(600);
        cuts.sort_unstable();
        let mut st = p.state(&init).unwrap();
        let mut got = Vec::new();
        for w in cuts.windows(2) {
            let part: Vec<&[f64]> = cols.iter().map(|c| &c[w[0]..w[1]]).collect();
            got.extend(st.update(&part).unwrap());
        }
        prop_assert_eq!(got.len(), whole.len());
        for (a, b) in got.iter().zip(&whole) {
            prop_assert!(same(*a, *b));
        }
    }
}
