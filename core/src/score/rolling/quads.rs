//! Prefix sums of a block's values, four rows (a quad) at a time: the first
//! pass of the rolling sum, mean, variance, standard deviation and z-score
//! (see `moments`).
//!
//! Within a quad of terms `d0..d3` the sums are formed in a fixed order,
//! two shifted adds then the carry `c` from the quads before:
//!
//! ```text
//! t = [d0 + 0, d1 + d0, d2 + d1, d3 + d2]
//! u = [t0 + 0, t1 + 0,  t2 + t0, t3 + t1]
//! P = [c + u0, c + u1,  c + u2,  c + u3]      next c = c + u3
//! ```
//!
//! so the only dependency chain from quad to quad is one add, and every
//! step is one vector operation on four lanes. Built for x86-64 with AVX2
//! (the workspace's baseline), [`quads`] runs those steps in AVX registers
//! through `safe_arch`'s safe wrappers; elsewhere it runs [`one`], the same
//! operations in the same order on scalars. IEEE arithmetic makes both give
//! the same bits, which a test checks. A row's sums depend only on the
//! rows up to it in its quad: a quad completed later (its missing rows read
//! as NaN, which adds nothing) leaves the rows it already had unchanged.

use crate::float::select;
use crate::Float;

/// What a prefix pass carries from one quad to the next: the sums of `d`
/// and `d^2` and the count of finite values so far, and whether the pass
/// has read an infinity (not kept per row: it only tells whether a block
/// needs its special counts).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Carry {
    pub s: f64,
    pub q: f64,
    pub n: i32,
    pub inf: bool,
}

/// A quad's prefix sums of `d` and `d^2` and prefix counts.
pub(super) type Quad = ([f64; 4], [f64; 4], [i32; 4]);

/// `(d, 1)` for a finite value, else `(0, 0)`, without a branch (a NaN
/// would mispredict). `v - v == 0` is `v.is_finite()`, written so because
/// LLVM compiles `is_finite` to an AVX compare that valgrind 3.19 emulates
/// wrongly for NaN.
#[inline(always)]
#[allow(clippy::eq_op)] // `v - v` on purpose (see above)
pub(super) fn fin(v: f64, d: f64) -> (f64, i32) {
    let ok = v - v == 0.0;
    (select(ok, d, 0.0), i32::from(ok))
}

/// Prefix counts of a quad's finite rows, by the mask of which rows are
/// finite (bit `r` for row `r`).
const COUNTS: [[i32; 4]; 16] = {
    let mut t = [[0; 4]; 16];
    let mut m = 0;
    while m < 16 {
        let mut c = 0;
        let mut r = 0;
        while r < 4 {
            c += (m >> r) & 1;
            t[m][r] = c as i32;
            r += 1;
        }
        m += 1;
    }
    t
};

/// The prefix counts of a quad whose finite rows are `mask`, after `n`.
#[inline(always)]
fn counts(mask: usize, n: &mut i32) -> [i32; 4] {
    let t = COUNTS[mask & 15];
    let c = *n;
    // A popcount (not `t[3]`, a lane of the vector add) keeps the chain
    // from quad to quad one integer add long.
    *n += (mask & 15).count_ones() as i32;
    [c + t[0], c + t[1], c + t[2], c + t[3]]
}

/// The prefix sums of one quad after `c` (see the module doc), on scalars.
#[inline(always)]
fn scan(d: [f64; 4], c: &mut f64) -> [f64; 4] {
    let t = [d[0] + 0.0, d[1] + d[0], d[2] + d[1], d[3] + d[2]];
    let u = [t[0] + 0.0, t[1] + 0.0, t[2] + t[0], t[3] + t[1]];
    let p = [*c + u[0], *c + u[1], *c + u[2], *c + u[3]];
    *c = p[3];
    p
}

/// One quad of values `v`: the terms `d = v - k` of its finite values (`v`
/// itself without `SQ`), their prefix sums (and of `d^2` with `SQ`) and
/// counts, after `c`, which moves past the quad.
#[inline(always)]
pub(super) fn one<const SQ: bool>(v: [f64; 4], k: f64, c: &mut Carry) -> Quad {
    let mut d = [0.0; 4];
    let mut mask = 0;
    for r in 0..4 {
        let ok;
        (d[r], ok) = fin(v[r], if SQ { v[r] - k } else { v[r] });
        mask |= (ok as usize) << r;
        c.inf |= v[r].is_infinite();
    }
    let s = scan(d, &mut c.s);
    let q = if SQ {
        scan(
            [d[0] * d[0], d[1] * d[1], d[2] * d[2], d[3] * d[3]],
            &mut c.q,
        )
    } else {
        [0.0; 4]
    };
    (s, q, counts(mask, &mut c.n))
}

/// The prefix sums of the whole quads of `src` after `c` into `s`, `q`
/// (with `SQ`) and `n`, the values also into `store` unless it is empty;
/// returns the carry past the last quad. `src.len()` is a multiple of 4 and
/// every output is as long (`q` may be empty without `SQ`).
pub(super) fn quads<T: Float, const SQ: bool>(
    src: &[T],
    store: &mut [f64],
    k: f64,
    out: (&mut [f64], &mut [f64], &mut [i32]),
    c: Carry,
) -> Carry {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        avx::quads::<T, SQ>(src, store, k, out, c)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        portable::<T, SQ>(src, store, k, out, c)
    }
}

/// [`quads`] on scalars, by [`one`].
#[cfg_attr(all(target_arch = "x86_64", target_feature = "avx2"), allow(dead_code))]
fn portable<T: Float, const SQ: bool>(
    src: &[T],
    store: &mut [f64],
    k: f64,
    (s, q, n): (&mut [f64], &mut [f64], &mut [i32]),
    mut c: Carry,
) -> Carry {
    for (i, x) in src.chunks_exact(4).enumerate() {
        let v = [x[0].to_f64(), x[1].to_f64(), x[2].to_f64(), x[3].to_f64()];
        if !store.is_empty() {
            store[4 * i..4 * i + 4].copy_from_slice(&v);
        }
        let (s4, q4, n4) = one::<SQ>(v, k, &mut c);
        s[4 * i..4 * i + 4].copy_from_slice(&s4);
        if SQ {
            q[4 * i..4 * i + 4].copy_from_slice(&q4);
        }
        n[4 * i..4 * i + 4].copy_from_slice(&n4);
    }
    c
}

/// [`quads`] in AVX registers.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
mod avx {
    use super::{counts, Carry, Float};
    use safe_arch::{
        add_m256d, bitand_m256d, bitandnot_m256d, bitor_m256d, blend_m256d, cmp_op_mask_m256d,
        load_unaligned_m256d, m256d, move_mask_m256d, mul_m256d, permute2z_m256d, set_splat_m256d,
        shuffle_ai_f64_all_m256d, sub_m256d, zeroed_m256d,
    };

    /// `scan` of the module above on four lanes; `c` holds the carry in
    /// every lane.
    #[inline(always)]
    fn scan(d: m256d, c: &mut m256d) -> m256d {
        let zero = zeroed_m256d();
        // [0, d0, d1, d2]
        let sh = blend_m256d::<0b0001>(shuffle_ai_f64_all_m256d::<0b10_01_00_00>(d), zero);
        let t = add_m256d(d, sh);
        // [0, 0, t0, t1]
        let u = add_m256d(t, permute2z_m256d::<0x08>(t, t));
        let p = add_m256d(*c, u);
        // `c + u3` in every lane: the add of lane 3 of `p`, off the chain
        // of the shuffles.
        *c = add_m256d(*c, shuffle_ai_f64_all_m256d::<0b11_11_11_11>(u));
        p
    }

    /// A prefix pass in progress: the carry in AVX lanes.
    struct Pass {
        s: m256d,
        q: m256d,
        n: i32,
        inf: m256d,
        k: m256d,
    }

    impl Pass {
        /// A pass after `c`, with anchor `k`.
        #[inline(always)]
        fn new(c: Carry, k: f64) -> Pass {
            Pass {
                s: set_splat_m256d(c.s),
                q: set_splat_m256d(c.q),
                n: c.n,
                // All ones, as a compare's true lane (its sign bit is what
                // `move_mask` reads).
                inf: if c.inf {
                    set_splat_m256d(f64::from_bits(u64::MAX))
                } else {
                    zeroed_m256d()
                },
                k: set_splat_m256d(k),
            }
        }

        /// The carry past the quads stepped so far.
        #[inline(always)]
        fn carry(&self) -> Carry {
            Carry {
                s: self.s.to_array()[0],
                q: self.q.to_array()[0],
                n: self.n,
                inf: move_mask_m256d(self.inf) != 0,
            }
        }

        /// One quad of values: the prefix sums of `d` and (with `SQ`) `d^2`,
        /// and the prefix counts.
        #[inline(always)]
        fn step<const SQ: bool>(&mut self, v: m256d) -> (m256d, m256d, [i32; 4]) {
            let zero = zeroed_m256d();
            // Equal-ordered: `v - v == 0`, false for NaN and infinities.
            let ok = cmp_op_mask_m256d::<0>(sub_m256d(v, v), zero);
            let d = bitand_m256d(ok, if SQ { sub_m256d(v, self.k) } else { v });
            let s = scan(d, &mut self.s);
            let q = if SQ {
                scan(mul_m256d(d, d), &mut self.q)
            } else {
                zero
            };
            let n = counts(move_mask_m256d(ok) as usize, &mut self.n);
            // Not missing (equal-ordered to itself) and not finite.
            let inf = bitandnot_m256d(ok, cmp_op_mask_m256d::<0>(v, v));
            self.inf = bitor_m256d(self.inf, inf);
            (s, q, n)
        }
    }

    /// A quad of `x` in AVX lanes.
    #[inline(always)]
    fn load<T: Float>(x: &[T]) -> m256d {
        load_unaligned_m256d(&[x[0].to_f64(), x[1].to_f64(), x[2].to_f64(), x[3].to_f64()])
    }

    pub(super) fn quads<T: Float, const SQ: bool>(
        src: &[T],
        store: &mut [f64],
        k: f64,
        (s, q, n): (&mut [f64], &mut [f64], &mut [i32]),
        c: Carry,
    ) -> Carry {
        let mut pass = Pass::new(c, k);
        let mut st4 = store.chunks_exact_mut(4);
        let mut q4 = q.chunks_exact_mut(4);
        let rows = src.chunks_exact(4).zip(s.chunks_exact_mut(4));
        for ((x, so), no) in rows.zip(n.chunks_exact_mut(4)) {
            let v = load(x);
            if let Some(st) = st4.next() {
                st.copy_from_slice(&v.to_array());
            }
            let (s4, q4v, n4) = pass.step::<SQ>(v);
            so.copy_from_slice(&s4.to_array());
            if SQ {
                if let Some(qo) = q4.next() {
                    qo.copy_from_slice(&q4v.to_array());
                }
            }
            no.copy_from_slice(&n4);
        }
        pass.carry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values with missing ones, infinities, signed zeros, and now and then
    /// any bit pattern (huge, tiny, subnormal).
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => -1e6..1e6f64,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(-0.0),
            1 => any::<f64>(),
        ]
    }

    /// The same bits; a NaN (from huge values, `inf - inf`) matches any NaN.
    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn check<T: Float, const SQ: bool>(x: &[T], k: f64, store: bool) {
        let len = x.len();
        let (mut s, mut q, mut n) = (vec![0.0; len], vec![0.0; len], vec![0; len]);
        let mut st = vec![0.0; if store { len } else { 0 }];
        let c0 = Carry {
            s: 0.25,
            q: 3.0,
            n: 7,
            inf: false,
        };
        let c = quads::<T, SQ>(x, &mut st, k, (&mut s, &mut q, &mut n), c0);
        let mut want = c0;
        for (i, xq) in x.chunks_exact(4).enumerate() {
            let v = [
                xq[0].to_f64(),
                xq[1].to_f64(),
                xq[2].to_f64(),
                xq[3].to_f64(),
            ];
            let (s4, q4, n4) = one::<SQ>(v, k, &mut want);
            for r in 0..4 {
                let j = 4 * i + r;
                assert!(same(s[j], s4[r]), "s at row {j}: {} {}", s[j], s4[r]);
                if SQ {
                    assert!(same(q[j], q4[r]), "q at row {j}: {} {}", q[j], q4[r]);
                }
                assert_eq!(n[j], n4[r], "n at row {j}");
                if store {
                    assert!(same(st[j], v[r]), "stored row {j}");
                }
            }
        }
        assert!(same(c.s, want.s));
        assert_eq!((c.n, c.inf), (want.n, want.inf));
        assert_eq!(c.inf, x.iter().any(|v| v.to_f64().is_infinite()));
        // An infinity read before stays seen.
        let seen = Carry { inf: true, ..c0 };
        assert!(quads::<T, SQ>(x, &mut st, k, (&mut s, &mut q, &mut n), seen).inf);
        if SQ {
            assert!(same(c.q, want.q));
        }
    }

    proptest! {
        #[test]
        fn the_built_path_gives_the_scalar_bits(
            x in prop::collection::vec(value(), 0..400),
            k in -1e3..1e3f64,
            store: bool,
        ) {
            // Whole quads, as `quads` takes.
            let x = &x[..x.len() & !3];
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            check::<f64, true>(x, k, store);
            check::<f64, false>(x, 0.0, store);
            check::<f32, true>(&x32, k, store);
            check::<f32, false>(&x32, 0.0, store);
            // Without infinities the pass must say so, and keep one seen
            // before.
            let tame: Vec<f64> = x
                .iter()
                .map(|&v| if v.is_infinite() { 2.5 } else { v })
                .collect();
            check::<f64, true>(&tame, k, store);
            check::<f64, false>(&tame, 0.0, store);
        }
    }

    #[test]
    fn the_scan_order_is_the_documented_one() {
        let mut c = Carry::default();
        let (s, _, n) = one::<false>([1.0, 1e16, -1e16, f64::NAN], 0.0, &mut c);
        // t = [1, 1e16 + 1 -> 1e16, 0, -1e16]; u2 = t2 + t0 = 1, where
        // (d0 + d1) + d2 would give 0.
        assert_eq!(s, [1.0, 1e16, 1.0, 0.0]);
        assert_eq!(n, [1, 2, 3, 3]);
        assert_eq!((c.s, c.n), (0.0, 3));
        // A sum depends only on the rows up to it.
        let mut c2 = Carry::default();
        let (s2, _, _) = one::<false>([1.0, 1e16, 5.0, 7.0], 0.0, &mut c2);
        assert_eq!(s2[..2], s[..2]);
    }
}
