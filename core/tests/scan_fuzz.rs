//! Fuzzing the scan compiler with proptest: random strings and random token
//! sequences must give a program or an `Error::Parse`, never a panic, a hang
//! or an unbounded allocation; every program that compiles must run (on both
//! back ends, with the same bits) without panicking.
//!
//! Case counts: `SCAN_FUZZ_CASES` (default 10 000 per strategy; the numbers in
//! docs/scan.md come from a release run with a larger count).

use ferroscore::scan::Program;
use ferroscore::Error;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn cases() -> u32 {
    std::env::var("SCAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

const TOKENS: &[&str] = &[
    "x", "s", "y", "i", "up", "a", "b", "out", "let", "=", "==", "!=", "<", "<=", ">", ">=", "+",
    "-", "*", "/", "%", "^", "**", "(", ")", ",", ";", "\n", "if", "then", "else", "and", "or",
    "not", "true", "false", "nan", "inf", "0", "1", "2.5", "1e308", "-0", ".5", "abs", "sqrt",
    "exp", "log", "log1p", "min", "max", "pow", "clamp", "fma", "isnan", "floor", "ceil", "round",
    "sign", "#", "é", "$", "!", "1.2.3", "foo",
];

fn check(src: &str) -> std::result::Result<(), TestCaseError> {
    let t0 = Instant::now();
    let r = Program::compile(src, &["x", "y"], &[("up", 0.9)]);
    prop_assert!(
        t0.elapsed() < Duration::from_millis(500),
        "slow compile: {src:?}"
    );
    match r {
        Ok(p) => {
            let x = [1.0, f64::NAN, -2.0, 0.0, 3.5];
            let y = [0.5, 1.0, f64::NAN, -1.0, 2.0];
            let init = vec![0.5; p.states().len()];
            for skipna in [true, false] {
                let p = p.clone().with_skipna(skipna);
                let a = p.run(&[&x[..], &y[..]], &init).unwrap();
                let b = p.bytecode().run(&[&x[..], &y[..]], &init).unwrap();
                for (u, v) in a.iter().zip(&b) {
                    prop_assert!(
                        u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan()),
                        "{src:?}"
                    );
                }
            }
        }
        Err(Error::Parse {
            line,
            column,
            snippet,
            ..
        }) => {
            prop_assert!(line >= 1 && column >= 1);
            prop_assert!(snippet.contains('^'));
        }
        Err(e) => prop_assert!(false, "{src:?}: unexpected error kind {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_strings(src in "[ -~\n\té]{0,80}") {
        check(&src)?;
    }

    #[test]
    fn random_token_sequences(toks in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)) {
        check(&toks.join(" "))?;
    }

    #[test]
    fn mutated_programs(k in 0usize..4, pos in 0usize..200, tok in proptest::sample::select(TOKENS), del in 0usize..3) {
        let base = [
            "if x > s then s * up + x else s * down",
            "let d = x - m\nm = m + 0.1 * d\nv = 0.9 * (v + 0.1 * d * d)\nout = sqrt(v)",
            "a = max(a, x); b = if isnan(b) then y else b * 0.5 + y; out = a - b",
            "clamp(s + fma(x, y, -1) % 3 ^ -2, -1, 1)",
        ][k].replace("down", "0.5");
        let mut chars: Vec<char> = base.chars().collect();
        let p = pos % (chars.len() + 1);
        let end = (p + del).min(chars.len());
        chars.splice(p..end, tok.chars());
        let src: String = chars.into_iter().collect();
        check(&src)?;
    }
}
