//! `score_series` on eight lanes at once, by speculation.
//!
//! The recurrence `s = v > s ? s*up + v : s*down` is one dependent chain: a
//! row cannot start before the row above has finished (a compare, an FMA
//! and a blend, ~4 cycles). But with `|up| < 1` and `|down| < 1` it
//! *forgets*: two runs started from different states take the same branches
//! after a few rows, their difference shrinks by `up` or `down` each row,
//! and once it falls below half an ulp of the state they are the same
//! number, bit for bit (on normal data after ~100 rows). From there on they
//! stay equal, because a row's result depends only on the state and the
//! value.
//!
//! So a long input is cut, a *round* at a time, into eight segments that
//! run side by side in one vectorized loop ([`lanes`]). Lane 0 starts from
//! the true state. Lane `l > 0` starts from a guess: the true state run
//! through the [`BURN`] rows before its segment ([`burn`]). Then, in order,
//! each lane is checked ([`mend`]): from the true state at its start (the
//! end of the lane before) and its guess, both runs step on, the true one
//! rewriting the output, until the two are the same bits; the rest of the
//! segment was already right. Usually the guess is already equal and
//! nothing is rewritten. The output is therefore exactly the sequential
//! loop's: same operations, same order, same bits, only checked instead of
//! waited for.
//!
//! If the input does not let runs meet (a round rewrites more than a
//! quarter of its rows), the rows after it run the sequential loop: one
//! round's worth, then twice as many after each further such round, so
//! input that never lets runs meet wastes a round of work every 1, 2, 4,
//! ... rounds, and a stretch that does not (a ramp, say) does not cost the
//! rest of the series its lanes.

use super::series::step;
use crate::Float;

/// Segments run side by side.
const LANES: usize = 8;

/// Rows a lane runs before its segment to warm its guess.
#[cfg(not(test))]
const BURN: usize = 128;
#[cfg(test)]
const BURN: usize = 8;

/// Segment lengths are `64k + 8` rows, `k` in `KMIN..=KMAX` (test builds use
/// short segments, so that small inputs cross many of them). The `+ 8`
/// keeps the lanes' addresses (`64k + 8` float64s, an odd number of cache
/// lines apart) off the same L1 sets: segments of a power of two rows made
/// the loop 3x slower.
#[cfg(not(test))]
const KMIN: usize = 8;
#[cfg(not(test))]
const KMAX: usize = 65;
#[cfg(test)]
const KMIN: usize = 0;
#[cfg(test)]
const KMAX: usize = 1;

/// The segment length for a round over (at most) `rows` rows, if they are
/// enough for one.
fn segment(rows: usize) -> Option<usize> {
    let k = (rows / LANES).checked_sub(64 * KMIN + 8)? / 64 + KMIN;
    Some(64 * k.min(KMAX) + 8)
}

// A lane's warm-up rows lie in the segment before it.
const _: () = assert!(BURN <= 64 * KMIN + 8);

/// Whether speculation can pay: both factors shrink differences.
pub(super) fn forgets(up: f64, down: f64) -> bool {
    up.abs() < 1.0 && down.abs() < 1.0
}

/// The sequential loop's result (same bits), by speculation on eight lanes.
/// Returns the state after the last row.
pub(super) fn run<T: Float, const SKIPNA: bool>(
    x: &[T],
    out: &mut [T],
    s: f64,
    up: f64,
    down: f64,
) -> f64 {
    drive::<T, SKIPNA>(x, out, s, up, down).0
}

/// [`run`], also returning how many rounds ran on the lanes.
fn drive<T: Float, const SKIPNA: bool>(
    x: &[T],
    out: &mut [T],
    mut s: f64,
    up: f64,
    down: f64,
) -> (f64, usize) {
    let mut rounds = 0;
    let mut at = 0;
    // Rows to run sequentially after a round whose runs did not meet;
    // doubled at each such round in a row, so that input that never lets
    // runs meet wastes a round only every 1, 2, 4, ... rounds' worth of rows.
    let mut pause = 0;
    while let Some(seg) = segment(x.len() - at) {
        let end = at + LANES * seg;
        let (next, mended) = round::<T, SKIPNA>(&x[at..end], &mut out[at..end], seg, s, up, down);
        s = next;
        at = end;
        rounds += 1;
        if 4 * mended <= LANES * seg {
            pause = 0;
            continue;
        }
        pause = (2 * pause).max(LANES * seg).min(x.len() - at);
        let rows = at..at + pause;
        s = super::series::run::<T, SKIPNA>(&x[rows.clone()], &mut out[rows], s, up, down);
        at += pause;
    }
    let s = super::series::run::<T, SKIPNA>(&x[at..], &mut out[at..], s, up, down);
    (s, rounds)
}

/// One round: eight segments of `seg` rows from state `s`. Returns the
/// state after it and the number of rows [`mend`] rewrote.
fn round<T: Float, const SKIPNA: bool>(
    x: &[T],
    out: &mut [T],
    seg: usize,
    s: f64,
    up: f64,
    down: f64,
) -> (f64, usize) {
    let mut guess = [s; LANES];
    // Lane 0's rows are a dummy (its state is reset to the true one).
    let warm: [&[T]; LANES] = std::array::from_fn(|l| {
        let start = (l * seg).max(BURN);
        &x[start - BURN..start]
    });
    burn::<T, SKIPNA>(warm, &mut guess, up, down);
    guess[0] = s;
    let mut last = guess;
    {
        let mut xs = x.chunks_exact(seg);
        let xs: [&[T]; LANES] = std::array::from_fn(|_| xs.next().unwrap_or_default());
        let mut os = out.chunks_exact_mut(seg);
        let os: [&mut [T]; LANES] = std::array::from_fn(|_| os.next().unwrap_or_default());
        lanes::<T, SKIPNA>(xs, os, &mut last, up, down);
    }
    let mut t = last[0];
    let mut mended = 0;
    for l in 1..LANES {
        let rows = l * seg..(l + 1) * seg;
        let (x, out) = (&x[rows.clone()], &mut out[rows]);
        let (n, end) = mend::<T, SKIPNA>(x, out, t, guess[l], up, down);
        mended += n;
        t = end.unwrap_or(last[l]);
    }
    (t, mended)
}

/// Runs each lane's state through its rows, writing nothing.
#[inline(never)]
fn burn<T: Float, const SKIPNA: bool>(x: [&[T]; LANES], s: &mut [f64; LANES], up: f64, down: f64) {
    let x: [&[T]; LANES] = std::array::from_fn(|l| &x[l][..BURN]);
    #[allow(clippy::needless_range_loop)] // `j` indexes all eight lanes
    for j in 0..BURN {
        *s = std::array::from_fn(|l| step::<SKIPNA>(s[l], x[l][j].to_f64(), up, down));
    }
}

/// The eight segments side by side: row `j` of every lane is one vector
/// step (LLVM vectorizes the lanes; the chain of each is the sequential
/// loop's).
#[inline(never)]
fn lanes<T: Float, const SKIPNA: bool>(
    x: [&[T]; LANES],
    out: [&mut [T]; LANES],
    s: &mut [f64; LANES],
    up: f64,
    down: f64,
) {
    let n = x[0].len();
    let x: [&[T]; LANES] = std::array::from_fn(|l| &x[l][..n]);
    let [o0, o1, o2, o3, o4, o5, o6, o7] = out;
    let o = [
        &mut o0[..n],
        &mut o1[..n],
        &mut o2[..n],
        &mut o3[..n],
        &mut o4[..n],
        &mut o5[..n],
        &mut o6[..n],
        &mut o7[..n],
    ];
    for j in 0..n {
        *s = std::array::from_fn(|l| step::<SKIPNA>(s[l], x[l][j].to_f64(), up, down));
        // Narrowed as one vector (for float32), then stored lane by lane.
        let f: [T; LANES] = std::array::from_fn(|l| T::from_f64(s[l]));
        for l in 0..LANES {
            o[l][j] = f[l];
        }
    }
}

/// Runs the true state `t` and a lane's guess `p` side by side over the
/// lane's rows, writing the true outputs, until they are the same bits.
/// Returns the rows rewritten, and the true state after the segment if the
/// two never met (else the lane's own end state is the true one).
fn mend<T: Float, const SKIPNA: bool>(
    x: &[T],
    out: &mut [T],
    mut t: f64,
    mut p: f64,
    up: f64,
    down: f64,
) -> (usize, Option<f64>) {
    for (i, (o, &v)) in out.iter_mut().zip(x).enumerate() {
        if t.to_bits() == p.to_bits() {
            return (i, None);
        }
        let v = v.to_f64();
        t = step::<SKIPNA>(t, v, up, down);
        p = step::<SKIPNA>(p, v, up, down);
        *o = T::from_f64(t);
    }
    (x.len(), Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values with missing ones, infinities, signed zeros and now and then
    /// any bit pattern; mostly ordinary numbers, so that runs meet.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            24 => -3.0..3.0f64,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(-0.0),
            1 => Just(0.0),
            1 => any::<f64>(),
        ]
    }

    /// Speculation against the sequential loop, on `x` read as `T`: the same
    /// outputs and end state, bit for bit.
    fn check<T: Float, const SKIPNA: bool>(x: &[f64], s: f64, up: f64, down: f64) {
        let x: Vec<T> = x.iter().map(|&v| T::from_f64(v)).collect();
        let (mut a, mut b) = (
            vec![T::from_f64(7.0); x.len()],
            vec![T::from_f64(7.0); x.len()],
        );
        let sa = super::super::series::run::<T, SKIPNA>(&x, &mut a, s, up, down);
        let sb = run::<T, SKIPNA>(&x, &mut b, s, up, down);
        assert_eq!(sa.to_bits(), sb.to_bits(), "end state");
        for (i, (p, q)) in a.iter().zip(&b).enumerate() {
            assert_eq!(p.to_f64().to_bits(), q.to_f64().to_bits(), "row {i}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn speculation_gives_the_sequential_bits(
            x in prop::collection::vec(value(), 0..1500),
            s in prop_oneof![-5.0..5.0f64, Just(f64::NAN), Just(1e300)],
            up in -0.999..0.999f64,
            down in -0.999..0.999f64,
        ) {
            check::<f64, true>(&x, s, up, down);
            check::<f64, false>(&x, s, up, down);
            check::<f32, true>(&x, s, up, down);
            check::<f32, false>(&x, s, up, down);
        }
    }

    /// Guesses that start far off, and factors near 1 that make runs meet
    /// only late or never (the fallback to the sequential loop).
    #[test]
    fn late_or_no_meeting() {
        let x: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 1000) as f64 / 250.0 - 2.0)
            .collect();
        for (up, down) in [(0.9, 0.5), (0.9999, 0.9999), (-0.7, 0.99), (0.0, 0.0)] {
            for s in [0.0, 1e12, -1e12] {
                check::<f64, true>(&x, s, up, down);
                check::<f32, true>(&x, s, up, down);
            }
        }
    }

    /// Runs that differ only in the sign of a zero never meet: with
    /// `down < 0` each value of zero flips the sign, and a missing value
    /// before the warm-up rows leaves the guesses one flip off.
    #[test]
    fn a_zero_of_the_other_sign_is_not_the_same_state() {
        let seg = segment(1000).unwrap_or(0);
        let mut x = vec![0.0; LANES * seg + 5];
        x[0] = f64::NAN;
        check::<f64, true>(&x, -0.0, 0.9, -0.5);
        check::<f32, true>(&x, -0.0, 0.9, -0.5);
    }

    /// After rounds whose runs do not meet (a ramp, where a guess warmed
    /// on a few rows is far off), the lanes are tried again later: the
    /// rows after the ramp (all `+inf`, where every run meets at once) run
    /// on them. Every row keeps the sequential loop's bits.
    #[test]
    fn lanes_resume_after_rounds_that_failed() {
        let seg = segment(1000).unwrap_or(0);
        let round = LANES * seg;
        let mut x: Vec<f64> = (0..3 * round).map(|i| i as f64).collect();
        x.extend(std::iter::repeat_n(f64::INFINITY, 20 * round));
        check::<f64, true>(&x, 0.0, 0.9, 0.5);
        let mut out = vec![0.0; x.len()];
        let (_, rounds) = drive::<f64, true>(&x, &mut out, 0.0, 0.9, 0.5);
        // Two failed rounds (the first and third), then every round of the
        // infinities but the two paused after the second failure.
        assert_eq!(rounds, 2 + 18, "rounds on the lanes");
    }

    /// The lanes are really checked: on data where guesses start wrong,
    /// rounds rewrite rows, and on data where they start right, none.
    #[test]
    fn rounds_mend_what_the_guess_got_wrong() {
        let seg = segment(1000).unwrap_or(0);
        assert!(seg >= BURN, "segment {seg}");
        let n = LANES * seg;
        // Rising values: every state is the last value plus 0.9 times the
        // state before, so a guess warmed on too few rows is off.
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut out = vec![0.0; n];
        let (_, mended) = round::<f64, true>(&x, &mut out, seg, 0.0, 0.9, 0.5);
        assert!(mended > 0);
        // Constant zeros: every state is 0.0 from the start.
        let z = vec![0.0; n];
        let (_, mended) = round::<f64, true>(&z, &mut out, seg, 0.0, 0.9, 0.5);
        assert_eq!(mended, 0);
    }
}
