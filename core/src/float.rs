//! The element types the kernels accept.

/// A floating-point element type: `f32` or `f64`.
///
/// Kernels read values through [`Float::to_f64`], accumulate in `f64`, and
/// write results back through [`Float::from_f64`], so `f32` input loses nothing
/// to `f32` accumulation. The trait is sealed: only `f32` and `f64` implement it.
///
/// ```
/// use ferroscore::Float;
/// fn twice<T: Float>(x: T) -> T { T::from_f64(2.0 * x.to_f64()) }
/// assert_eq!(twice(1.5_f32), 3.0_f32);
/// assert!(f64::NAN_VALUE.is_nan());
/// ```
pub trait Float:
    Copy + Send + Sync + PartialOrd + std::fmt::Debug + sealed::Sealed + 'static
{
    /// The missing value.
    const NAN_VALUE: Self;
    /// A short name: `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Widens to `f64` (exact).
    fn to_f64(self) -> f64;
    /// Narrows from `f64` (rounded to nearest).
    fn from_f64(v: f64) -> Self;
}

impl Float for f64 {
    const NAN_VALUE: Self = f64::NAN;
    const NAME: &'static str = "f64";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
}

impl Float for f32 {
    const NAN_VALUE: Self = f32::NAN;
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}

/// `if c { a } else { b }` on bits, so that LLVM emits an AND/OR blend, not
/// a branch (which random data mispredict). With `b = 0.0` it is one AND:
/// `a` kept or `+0.0`.
#[inline(always)]
pub(crate) fn select(c: bool, a: f64, b: f64) -> f64 {
    let m = 0u64.wrapping_sub(u64::from(c));
    f64::from_bits((a.to_bits() & m) | (b.to_bits() & !m))
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}
