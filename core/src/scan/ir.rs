//! The intermediate form: a hash-consed, constant-folded DAG of operations in
//! topological order (every node's operands come before it).
//!
//! The parser emits nodes directly into an [`Ir`], so no pass ever recurses
//! over the program: every later pass is a forward loop over `nodes`.

use std::collections::HashMap;

/// Index of a node in [`Ir::nodes`].
pub(crate) type Id = u32;

/// One-operand operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Un {
    Neg,
    Not,
    Abs,
    Sqrt,
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Floor,
    Ceil,
    Trunc,
    Round,
    Sign,
    Tanh,
    IsNan,
    IsFinite,
}

/// Two-operand operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
    Min,
    Max,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

/// A node. Booleans are numbers 1.0 / 0.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    /// A constant (the bits of an `f64`, so that nodes hash).
    Const(u64),
    /// The current row's value of input `k`.
    Input(u16),
    /// The value of state `k` at the start of the row.
    State(u16),
    /// The row index `i`.
    Index,
    Un(Un, Id),
    Bin(Bin, Id, Id),
    /// `if c then a else b`, evaluated branch-free (both sides are pure).
    Sel(Id, Id, Id),
    /// `fma(a, b, c)`: `a * b + c` rounded once.
    Fma(Id, Id, Id),
}

#[inline(always)]
fn b2f(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Python's float `%`: the result has the sign of the divisor.
#[inline(always)]
pub(crate) fn py_rem(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m + b
        } else {
            m
        }
    } else {
        0.0_f64.copysign(b)
    }
}

/// `min` that propagates NaN; the first argument wins ties (as Python's `min`).
#[inline(always)]
pub(crate) fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if b < a {
        b
    } else {
        a
    }
}

/// `max` that propagates NaN; the first argument wins ties.
#[inline(always)]
pub(crate) fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if b > a {
        b
    } else {
        a
    }
}

/// numpy's `sign`: -1, 0 (keeping the sign of zero), 1, NaN.
#[inline(always)]
fn sign(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        a
    }
}

#[inline(always)]
pub(crate) fn eval_un(op: Un, a: f64) -> f64 {
    match op {
        Un::Neg => -a,
        Un::Not => b2f(a == 0.0),
        Un::Abs => a.abs(),
        Un::Sqrt => a.sqrt(),
        Un::Exp => a.exp(),
        Un::Expm1 => a.exp_m1(),
        Un::Log => a.ln(),
        Un::Log1p => a.ln_1p(),
        Un::Log2 => a.log2(),
        Un::Log10 => a.log10(),
        Un::Floor => a.floor(),
        Un::Ceil => a.ceil(),
        Un::Trunc => a.trunc(),
        Un::Round => a.round_ties_even(),
        Un::Sign => sign(a),
        Un::Tanh => a.tanh(),
        Un::IsNan => b2f(a.is_nan()),
        Un::IsFinite => b2f(a.is_finite()),
    }
}

#[inline(always)]
pub(crate) fn eval_bin(op: Bin, a: f64, b: f64) -> f64 {
    match op {
        Bin::Add => a + b,
        Bin::Sub => a - b,
        Bin::Mul => a * b,
        Bin::Div => a / b,
        Bin::Rem => py_rem(a, b),
        Bin::Pow => a.powf(b),
        Bin::Min => nan_min(a, b),
        Bin::Max => nan_max(a, b),
        Bin::Lt => b2f(a < b),
        Bin::Le => b2f(a <= b),
        Bin::Gt => b2f(a > b),
        Bin::Ge => b2f(a >= b),
        Bin::Eq => b2f(a == b),
        Bin::Ne => b2f(a != b),
        Bin::And => b2f(a != 0.0 && b != 0.0),
        Bin::Or => b2f(a != 0.0 || b != 0.0),
    }
}

/// The program as a DAG, built by the parser.
#[derive(Debug, Default)]
pub(crate) struct Ir {
    pub nodes: Vec<Node>,
    dedup: HashMap<Node, Id>,
}

impl Ir {
    /// Adds `n` (or finds the equal node already there), folding constants.
    pub fn add(&mut self, n: Node) -> Id {
        let n = self.fold(n);
        if let Some(&id) = self.dedup.get(&n) {
            return id;
        }
        let id = self.nodes.len() as Id;
        self.nodes.push(n);
        self.dedup.insert(n, id);
        id
    }

    /// A constant node.
    pub fn constant(&mut self, v: f64) -> Id {
        self.add(Node::Const(v.to_bits()))
    }

    /// The constant value of node `id`, if it is one.
    pub fn const_of(&self, id: Id) -> Option<f64> {
        match self.nodes[id as usize] {
            Node::Const(b) => Some(f64::from_bits(b)),
            _ => None,
        }
    }

    fn fold(&self, n: Node) -> Node {
        let c = |id: Id| self.const_of(id);
        let k = |v: f64| Node::Const(v.to_bits());
        match n {
            Node::Un(op, a) => match c(a) {
                Some(a) => k(eval_un(op, a)),
                None => n,
            },
            Node::Bin(op, a, b) => match (c(a), c(b)) {
                (Some(a), Some(b)) => k(eval_bin(op, a, b)),
                _ => n,
            },
            Node::Sel(cond, a, b) => match c(cond) {
                Some(v) if v != 0.0 => self.nodes[a as usize],
                Some(_) => self.nodes[b as usize],
                None if a == b => self.nodes[a as usize],
                None => n,
            },
            Node::Fma(a, b, d) => match (c(a), c(b), c(d)) {
                (Some(a), Some(b), Some(d)) => k(a.mul_add(b, d)),
                _ => n,
            },
            _ => n,
        }
    }
}
