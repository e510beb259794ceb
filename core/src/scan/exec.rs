//! Execution plans.
//!
//! Rows are processed in blocks of [`BLOCK`]. Per block:
//!
//! 1. **Column phase.** Every operation that does not depend on a state
//!    (functions of the inputs, `i` and constants) runs column-wise over the
//!    block: one dispatch per operation per block, loops the compiler
//!    vectorizes.
//! 2. **Row phase.** What depends on the states runs row by row, by one of
//!    two back ends:
//!    - [`Backend::Affine`], when the program has one state, outputs it, and
//!      its update is `if s <cmp> q then A else B` or just `A`, where `q` is
//!      state-free and `A`, `B` are each state-free or `s*a + b`, `s*a`,
//!      `s + b`, `s - b`, `b - s`, `fma(s, a, b)` with `a`, `b` state-free.
//!      The row loop is then a native kernel (monomorphized over the two arm
//!      shapes) with the state in a register; `a`, `b`, `q` come from the
//!      column phase. Every rewrite is exact in IEEE arithmetic.
//!    - [`Backend::Vm`], any program: a flat register bytecode, straight-line
//!      (conditionals are branch-free selects), one `match` per operation.

use super::compile::Parsed;
use super::ir::{eval_bin, eval_un, nan_max, nan_min, py_rem, Bin, Id, Ir, Node, Un};
use crate::float::select;

/// Rows per block.
pub(crate) const BLOCK: usize = 256;

/// An operation of the column phase or of the bytecode: operands are slots
/// (column phase) or registers (bytecode).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Un(Un, u32),
    Bin(Bin, u32, u32),
    Sel(u32, u32, u32),
    Fma(u32, u32, u32),
    /// Column phase only: the row index.
    Index,
}

/// Shape of an arm of the affine back end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ArmKind {
    /// `b` (state-free)
    Free = 0,
    /// `s`
    S = 1,
    /// `s * a`
    Mul = 2,
    /// `s + b`
    Add = 3,
    /// `s * a + b` (two roundings)
    MulAdd = 4,
    /// `fma(s, a, b)` (one rounding)
    Fma = 5,
}

/// An arm: its shape and the column slots of `a` and `b` (unused ones 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Arm {
    kind: ArmKind,
    a: u32,
    b: u32,
}

/// The row phase.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Backend {
    /// See the module docs.
    Affine {
        /// Column slot of `q`, and which outcomes of comparing `s` with `q`
        /// select `then`: `[s < q, s == q, s > q, unordered]`.
        cond: Option<(u32, [bool; 4])>,
        then: Arm,
        other: Arm,
    },
    /// See the module docs.
    Vm {
        n_regs: usize,
        /// Registers holding constants.
        consts: Vec<(u32, f64)>,
        /// Registers loaded from column slots at each row.
        loads: Vec<(u32, u32)>,
        /// Register of each state's value at the start of the row.
        state_regs: Vec<u32>,
        /// `(dst, op)`, in order.
        code: Vec<(u32, Op)>,
        /// Register of each state's new value.
        new_regs: Vec<u32>,
        out_reg: u32,
    },
}

/// A compiled program's execution plan (immutable, shared by all runs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub n_inputs: usize,
    pub n_states: usize,
    pub out_state: Option<usize>,
    n_slots: usize,
    const_slots: Vec<(u32, f64)>,
    col_ops: Vec<(u32, Op)>,
    pub backend: Backend,
}

/// Per-run buffers (kept in a `ScanState` so that chunked runs reuse them).
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    cols: Vec<Vec<f64>>,
    regs: Vec<f64>,
    skip: Vec<bool>,
    out: Vec<f64>,
    tmp: Vec<f64>,
}

fn operands(n: &Node) -> [Option<Id>; 3] {
    match *n {
        Node::Un(_, a) => [Some(a), None, None],
        Node::Bin(_, a, b) => [Some(a), Some(b), None],
        Node::Sel(a, b, c) | Node::Fma(a, b, c) => [Some(a), Some(b), Some(c)],
        _ => [None; 3],
    }
}

fn flip(op: Bin) -> Bin {
    match op {
        Bin::Lt => Bin::Gt,
        Bin::Le => Bin::Ge,
        Bin::Gt => Bin::Lt,
        Bin::Ge => Bin::Le,
        o => o,
    }
}

/// `[lt, eq, gt, unordered]` outcomes that make `s <op> q` true.
fn cmp_mask(op: Bin) -> Option<[bool; 4]> {
    Some(match op {
        Bin::Lt => [true, false, false, false],
        Bin::Le => [true, true, false, false],
        Bin::Gt => [false, false, true, false],
        Bin::Ge => [false, true, true, false],
        Bin::Eq => [false, true, false, false],
        Bin::Ne => [true, false, true, true],
        _ => return None,
    })
}

/// Arm of the affine back end before slots are assigned (nodes instead).
#[derive(Clone, Copy)]
struct ArmIr {
    kind: ArmKind,
    a: Option<Id>,
    b: Option<Id>,
}

struct Detect<'a> {
    ir: &'a mut Ir,
    dep: &'a [bool],
    st: Option<Id>,
}

impl Detect<'_> {
    fn free(&self, id: Id) -> bool {
        !self.dep.get(id as usize).copied().unwrap_or(false)
    }
    fn is_s(&self, id: Id) -> bool {
        Some(id) == self.st
    }
    /// `s * a` or `a * s` with `a` free, or `-s` (`a = -1`, exact): `a`.
    fn mul_of(&mut self, id: Id) -> Option<Id> {
        match self.ir.nodes[id as usize] {
            Node::Bin(Bin::Mul, x, y) if self.is_s(x) && self.free(y) => Some(y),
            Node::Bin(Bin::Mul, x, y) if self.is_s(y) && self.free(x) => Some(x),
            Node::Un(Un::Neg, x) if self.is_s(x) => Some(self.ir.constant(-1.0)),
            _ => None,
        }
    }
    fn neg(&mut self, id: Id) -> Id {
        self.ir.add(Node::Un(Un::Neg, id))
    }
    fn arm(&mut self, id: Id) -> Option<ArmIr> {
        let arm = |kind, a, b| Some(ArmIr { kind, a, b });
        if self.free(id) {
            return arm(ArmKind::Free, None, Some(id));
        }
        if self.is_s(id) {
            return arm(ArmKind::S, None, None);
        }
        if let Some(a) = self.mul_of(id) {
            return arm(ArmKind::Mul, Some(a), None);
        }
        match self.ir.nodes[id as usize] {
            Node::Bin(Bin::Add, x, y) => {
                for (x, y) in [(x, y), (y, x)] {
                    if self.free(y) {
                        if self.is_s(x) {
                            return arm(ArmKind::Add, None, Some(y));
                        }
                        if let Some(a) = self.mul_of(x) {
                            return arm(ArmKind::MulAdd, Some(a), Some(y));
                        }
                    }
                }
                None
            }
            // s - b = s + (-b) and b - s = s*(-1) + b exactly.
            Node::Bin(Bin::Sub, x, y) => {
                if self.free(y) {
                    if self.is_s(x) {
                        let b = self.neg(y);
                        return arm(ArmKind::Add, None, Some(b));
                    }
                    if let Some(a) = self.mul_of(x) {
                        let b = self.neg(y);
                        return arm(ArmKind::MulAdd, Some(a), Some(b));
                    }
                }
                if self.free(x) {
                    // b - s = s*(-1) + b, b - s*a = s*(-a) + b
                    if self.is_s(y) {
                        let m1 = self.ir.constant(-1.0);
                        return arm(ArmKind::MulAdd, Some(m1), Some(x));
                    }
                    if let Some(a) = self.mul_of(y) {
                        let na = self.neg(a);
                        return arm(ArmKind::MulAdd, Some(na), Some(x));
                    }
                }
                None
            }
            Node::Fma(x, y, z) if self.free(z) => {
                if self.is_s(x) && self.free(y) {
                    return arm(ArmKind::Fma, Some(y), Some(z));
                }
                if self.is_s(y) && self.free(x) {
                    return arm(ArmKind::Fma, Some(x), Some(z));
                }
                None
            }
            _ => None,
        }
    }
}

type AffineIr = (Option<(Id, [bool; 4])>, ArmIr, ArmIr);

fn detect_affine(p: &mut Parsed, dep: &[bool]) -> Option<AffineIr> {
    if p.states.len() != 1 || p.out != p.new_states[0] {
        return None;
    }
    let st =
        p.ir.nodes
            .iter()
            .position(|n| *n == Node::State(0))
            .map(|k| k as Id);
    let root = p.new_states[0];
    let mut d = Detect {
        ir: &mut p.ir,
        dep,
        st,
    };
    if let Some(a) = d.arm(root) {
        return Some((None, a, a));
    }
    let Node::Sel(c, u, v) = d.ir.nodes[root as usize] else {
        return None;
    };
    let Node::Bin(op, x, y) = d.ir.nodes[c as usize] else {
        return None;
    };
    let (op, q) = if d.is_s(x) && d.free(y) {
        (op, y)
    } else if d.is_s(y) && d.free(x) {
        (flip(op), x)
    } else {
        return None;
    };
    let mask = cmp_mask(op)?;
    let then = d.arm(u)?;
    let other = d.arm(v)?;
    Some((Some((q, mask)), then, other))
}

/// Builds the plan of a parsed program. `vm_only` skips the affine back end
/// (for tests and measurements).
pub(crate) fn plan(mut p: Parsed, n_inputs: usize, vm_only: bool) -> Plan {
    let n = p.ir.nodes.len();
    let mut dep = vec![false; n];
    for (k, node) in p.ir.nodes.iter().enumerate() {
        dep[k] = matches!(node, Node::State(_))
            || operands(node).iter().flatten().any(|&o| dep[o as usize]);
    }
    let affine = if vm_only {
        None
    } else {
        detect_affine(&mut p, &dep)
    };
    let ir = &p.ir;
    let n = ir.nodes.len();
    dep.resize(n, false); // nodes added by the detection are free
                          // Which nodes the row phase needs, and which free nodes feed it.
    let mut col_roots: Vec<Id> = Vec::new();
    let mut needed = vec![false; n];
    match &affine {
        Some((cond, t, o)) => {
            col_roots.extend(cond.iter().map(|c| c.0));
            for arm in [t, o] {
                col_roots.extend(arm.a.iter().chain(arm.b.iter()));
            }
        }
        None => {
            for &r in p.new_states.iter().chain([&p.out]) {
                needed[r as usize] = true;
            }
            for k in (0..n).rev() {
                if needed[k] && dep[k] {
                    for o in operands(&ir.nodes[k]).into_iter().flatten() {
                        needed[o as usize] = true;
                    }
                }
            }
            for k in 0..n {
                if needed[k] && !dep[k] && !matches!(ir.nodes[k], Node::Const(_)) {
                    col_roots.push(k as Id);
                }
            }
        }
    }
    // Column phase: every free node reachable from the column roots.
    let mut in_cols = vec![false; n];
    for &r in &col_roots {
        in_cols[r as usize] = true;
    }
    for k in (0..n).rev() {
        if in_cols[k] {
            for o in operands(&ir.nodes[k]).into_iter().flatten() {
                in_cols[o as usize] = true;
            }
        }
    }
    let mut slot = vec![u32::MAX; n];
    let mut n_slots = n_inputs;
    let mut const_slots = Vec::new();
    let mut col_ops = Vec::new();
    for k in 0..n {
        if !in_cols[k] {
            continue;
        }
        let node = ir.nodes[k];
        if let Node::Input(j) = node {
            slot[k] = u32::from(j);
            continue;
        }
        slot[k] = n_slots as u32;
        n_slots += 1;
        let s = |id: Id| slot[id as usize];
        match node {
            Node::Const(b) => const_slots.push((slot[k], f64::from_bits(b))),
            Node::Index => col_ops.push((slot[k], Op::Index)),
            Node::Un(op, a) => col_ops.push((slot[k], Op::Un(op, s(a)))),
            Node::Bin(op, a, b) => col_ops.push((slot[k], Op::Bin(op, s(a), s(b)))),
            Node::Sel(c, a, b) => col_ops.push((slot[k], Op::Sel(s(c), s(a), s(b)))),
            Node::Fma(a, b, c) => col_ops.push((slot[k], Op::Fma(s(a), s(b), s(c)))),
            Node::Input(_) | Node::State(_) => {}
        }
    }
    let backend = match affine {
        Some((cond, t, o)) => {
            let arm = |a: ArmIr| Arm {
                kind: a.kind,
                a: a.a.map_or(0, |id| slot[id as usize]),
                b: a.b.map_or(0, |id| slot[id as usize]),
            };
            Backend::Affine {
                cond: cond.map(|(q, m)| (slot[q as usize], m)),
                then: arm(t),
                other: arm(o),
            }
        }
        None => {
            let mut reg = vec![u32::MAX; n];
            let mut n_regs = 0u32;
            let mut consts = Vec::new();
            let mut loads = Vec::new();
            let mut state_regs = vec![u32::MAX; p.states.len()];
            let mut code = Vec::new();
            for k in 0..n {
                if !needed[k] {
                    continue;
                }
                reg[k] = n_regs;
                n_regs += 1;
                let r = |id: Id| reg[id as usize];
                let node = ir.nodes[k];
                if !dep[k] {
                    match node {
                        Node::Const(b) => consts.push((reg[k], f64::from_bits(b))),
                        _ => loads.push((reg[k], slot[k])),
                    }
                    continue;
                }
                match node {
                    Node::State(j) => state_regs[j as usize] = reg[k],
                    Node::Un(op, a) => code.push((reg[k], Op::Un(op, r(a)))),
                    Node::Bin(op, a, b) => code.push((reg[k], Op::Bin(op, r(a), r(b)))),
                    Node::Sel(c, a, b) => code.push((reg[k], Op::Sel(r(c), r(a), r(b)))),
                    Node::Fma(a, b, c) => code.push((reg[k], Op::Fma(r(a), r(b), r(c)))),
                    _ => {}
                }
            }
            // A state never read still needs a register to live in.
            for sr in state_regs.iter_mut() {
                if *sr == u32::MAX {
                    *sr = n_regs;
                    n_regs += 1;
                }
            }
            Backend::Vm {
                n_regs: n_regs as usize,
                consts,
                loads,
                state_regs,
                code,
                new_regs: p.new_states.iter().map(|&id| reg[id as usize]).collect(),
                out_reg: reg[p.out as usize],
            }
        }
    };
    Plan {
        n_inputs,
        n_states: p.states.len(),
        out_state: p.out_state,
        n_slots,
        const_slots,
        col_ops,
        backend,
    }
}

impl Plan {
    /// Fresh buffers for this plan.
    pub fn scratch(&self) -> Scratch {
        let mut cols = vec![vec![0.0; BLOCK]; self.n_slots];
        for &(s, v) in &self.const_slots {
            cols[s as usize].fill(v);
        }
        let mut regs = Vec::new();
        if let Backend::Vm { n_regs, consts, .. } = &self.backend {
            regs = vec![0.0; *n_regs];
            for &(r, v) in consts {
                regs[r as usize] = v;
            }
        }
        Scratch {
            cols,
            regs,
            skip: vec![false; BLOCK],
            out: vec![0.0; BLOCK],
            tmp: vec![0.0; self.n_states],
        }
    }

    /// The affine back end is in use.
    pub fn is_affine(&self) -> bool {
        matches!(self.backend, Backend::Affine { .. })
    }

    /// Runs the column phase and the row phase on the block already loaded in
    /// the input slots of `sc` (`n <= BLOCK` rows, the first at row `row0`).
    /// `any_skip`: some row of the block is to be skipped (`sc.skip`).
    pub fn run_block(
        &self,
        sc: &mut Scratch,
        n: usize,
        row0: u64,
        any_skip: bool,
        states: &mut [f64],
        last: &mut f64,
    ) {
        for &(dst, op) in &self.col_ops {
            column_op(&mut sc.cols, dst as usize, op, n, row0);
        }
        match &self.backend {
            Backend::Affine { cond, then, other } => {
                let cols = &sc.cols;
                let c = |k: u32| &cols[k as usize][..n];
                let cs = [c(then.a), c(then.b), c(other.a), c(other.b)];
                let cond = cond.map(|(q, m)| (c(q), m));
                let out = &mut sc.out[..n];
                let mut s = states[0];
                // Runs of rows between skipped rows go through the kernel;
                // a skipped row repeats the state (the output).
                let mut lo = 0;
                let run = |lo: usize, hi: usize, s: f64, out: &mut [f64]| {
                    affine(
                        cond.map(|(q, m)| (&q[lo..hi], m)),
                        cs.map(|x| &x[lo..hi]),
                        *then,
                        *other,
                        s,
                        &mut out[lo..hi],
                    )
                };
                if any_skip {
                    let skip = &sc.skip[..n];
                    // Eight rows at a time: most words hold no skipped row.
                    for (w, chunk) in skip.chunks(8).enumerate() {
                        if chunk.len() == 8 && !chunk.iter().fold(false, |a, &b| a | b) {
                            continue;
                        }
                        for (j, &k) in chunk.iter().enumerate() {
                            let r = w * 8 + j;
                            if k {
                                if lo < r {
                                    s = run(lo, r, s, out);
                                }
                                out[r] = s;
                                lo = r + 1;
                            }
                        }
                    }
                }
                if lo < n {
                    s = run(lo, n, s, out);
                }
                states[0] = s;
                if n > 0 {
                    *last = s;
                }
            }
            Backend::Vm {
                loads,
                state_regs,
                code,
                new_regs,
                out_reg,
                ..
            } => {
                let regs = &mut sc.regs;
                for (&r, &v) in state_regs.iter().zip(states.iter()) {
                    regs[r as usize] = v;
                }
                for row in 0..n {
                    if any_skip && sc.skip[row] {
                        sc.out[row] = *last;
                        continue;
                    }
                    for &(r, s) in loads {
                        regs[r as usize] = sc.cols[s as usize][row];
                    }
                    run_code(code, regs);
                    // Read everything first: a new value may be the
                    // register of another state's old value.
                    *last = regs[*out_reg as usize];
                    for (t, &r) in sc.tmp.iter_mut().zip(new_regs) {
                        *t = regs[r as usize];
                    }
                    for (&t, &r) in sc.tmp.iter().zip(state_regs) {
                        regs[r as usize] = t;
                    }
                    sc.out[row] = *last;
                }
                for (&r, v) in state_regs.iter().zip(states.iter_mut()) {
                    *v = regs[r as usize];
                }
            }
        }
    }

    /// Loads block `x[lo..lo+n]` of every input into its slot and marks rows
    /// with a missing input; returns whether any row is marked.
    pub fn load<T: crate::Float>(
        &self,
        sc: &mut Scratch,
        inputs: &[&[T]],
        lo: usize,
        n: usize,
        skipna: bool,
    ) -> bool {
        let skip = &mut sc.skip[..n];
        for (k, x) in inputs.iter().enumerate() {
            let col = &mut sc.cols[k][..n];
            let x = &x[lo..lo + n];
            match (skipna, k) {
                (false, _) => {
                    for (d, &v) in col.iter_mut().zip(x) {
                        *d = v.to_f64();
                    }
                }
                (true, 0) => {
                    for ((d, m), &v) in col.iter_mut().zip(skip.iter_mut()).zip(x) {
                        *d = v.to_f64();
                        *m = d.is_nan();
                    }
                }
                (true, _) => {
                    for ((d, m), &v) in col.iter_mut().zip(skip.iter_mut()).zip(x) {
                        *d = v.to_f64();
                        *m |= d.is_nan();
                    }
                }
            }
        }
        skipna && skip.iter().fold(false, |a, &b| a | b)
    }

    /// The output of the last block run.
    pub fn out<'a>(&self, sc: &'a Scratch, n: usize) -> &'a [f64] {
        &sc.out[..n]
    }
}

#[inline(always)]
fn map1(d: &mut [f64], a: &[f64], f: impl Fn(f64) -> f64) {
    for (d, &a) in d.iter_mut().zip(a) {
        *d = f(a);
    }
}

#[inline(always)]
fn map2(d: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        *d = f(a, b);
    }
}

fn column_op(cols: &mut [Vec<f64>], dst: usize, op: Op, n: usize, row0: u64) {
    let mut d = std::mem::take(&mut cols[dst]);
    let c = |s: u32| &cols[s as usize][..n];
    let dd = &mut d[..n];
    match op {
        Op::Index => {
            for (k, v) in dd.iter_mut().enumerate() {
                *v = (row0 + k as u64) as f64;
            }
        }
        Op::Un(op, a) => match op {
            Un::Neg => map1(dd, c(a), |a| -a),
            Un::Abs => map1(dd, c(a), f64::abs),
            Un::Sqrt => map1(dd, c(a), f64::sqrt),
            Un::Floor => map1(dd, c(a), f64::floor),
            Un::Ceil => map1(dd, c(a), f64::ceil),
            Un::IsNan => map1(dd, c(a), |a| if a.is_nan() { 1.0 } else { 0.0 }),
            _ => map1(dd, c(a), |a| eval_un(op, a)),
        },
        Op::Bin(op, a, b) => match op {
            Bin::Add => map2(dd, c(a), c(b), |a, b| a + b),
            Bin::Sub => map2(dd, c(a), c(b), |a, b| a - b),
            Bin::Mul => map2(dd, c(a), c(b), |a, b| a * b),
            Bin::Div => map2(dd, c(a), c(b), |a, b| a / b),
            Bin::Min => map2(dd, c(a), c(b), nan_min),
            Bin::Max => map2(dd, c(a), c(b), nan_max),
            Bin::Rem => map2(dd, c(a), c(b), py_rem),
            _ => map2(dd, c(a), c(b), |a, b| eval_bin(op, a, b)),
        },
        Op::Sel(k, a, b) => {
            for (((d, &k), &a), &b) in dd.iter_mut().zip(c(k)).zip(c(a)).zip(c(b)) {
                *d = select(k != 0.0, a, b);
            }
        }
        Op::Fma(a, b, e) => {
            for (((d, &a), &b), &e) in dd.iter_mut().zip(c(a)).zip(c(b)).zip(c(e)) {
                *d = a.mul_add(b, e);
            }
        }
    }
    cols[dst] = d;
}

/// The bytecode loop for one row.
#[inline(always)]
fn run_code(code: &[(u32, Op)], r: &mut [f64]) {
    for &(d, op) in code {
        let v = match op {
            Op::Bin(op, a, b) => {
                let (a, b) = (r[a as usize], r[b as usize]);
                match op {
                    Bin::Add => a + b,
                    Bin::Sub => a - b,
                    Bin::Mul => a * b,
                    Bin::Div => a / b,
                    Bin::Gt => f64::from(u8::from(a > b)),
                    Bin::Lt => f64::from(u8::from(a < b)),
                    _ => eval_bin(op, a, b),
                }
            }
            Op::Sel(c, a, b) => select(r[c as usize] != 0.0, r[a as usize], r[b as usize]),
            Op::Un(op, a) => eval_un(op, r[a as usize]),
            Op::Fma(a, b, c) => r[a as usize].mul_add(r[b as usize], r[c as usize]),
            Op::Index => 0.0,
        };
        r[d as usize] = v;
    }
}

/// One arm of the affine kernel; `K` is an [`ArmKind`] as `u8`.
#[inline(always)]
fn arm<const K: u8>(s: f64, a: f64, b: f64) -> f64 {
    match K {
        0 => b,
        1 => s,
        2 => s * a,
        3 => s + b,
        4 => s * a + b,
        _ => s.mul_add(a, b),
    }
}

#[inline(never)]
fn affine_loop<const KT: u8, const KO: u8, const COND: bool>(
    q: &[f64],
    m: [bool; 4],
    cols: [&[f64]; 4],
    mut s: f64,
    out: &mut [f64],
) -> f64 {
    let n = out.len();
    let [at, bt, ao, bo] = cols.map(|c| &c[..n]);
    let q = &q[..n];
    for r in 0..n {
        let t = arm::<KT>(s, at[r], bt[r]);
        s = if COND {
            let o = arm::<KO>(s, ao[r], bo[r]);
            let qv = q[r];
            let (lt, eq, gt) = (s < qv, s == qv, s > qv);
            let un = !(lt | eq | gt);
            let c = (lt & m[0]) | (eq & m[1]) | (gt & m[2]) | (un & m[3]);
            select(c, t, o)
        } else {
            t
        };
        out[r] = s;
    }
    s
}

/// Arguments of the affine kernel.
struct Args<'a> {
    q: &'a [f64],
    m: [bool; 4],
    cols: [&'a [f64]; 4],
    s: f64,
}

#[inline(always)]
fn affine_run<const KT: u8, const KO: u8, const COND: bool>(a: Args<'_>, out: &mut [f64]) -> f64 {
    affine_loop::<KT, KO, COND>(a.q, a.m, a.cols, a.s, out)
}

fn affine_other<const KT: u8>(ko: u8, a: Args<'_>, out: &mut [f64]) -> f64 {
    match ko {
        0 => affine_run::<KT, 0, true>(a, out),
        1 => affine_run::<KT, 1, true>(a, out),
        2 => affine_run::<KT, 2, true>(a, out),
        3 => affine_run::<KT, 3, true>(a, out),
        4 => affine_run::<KT, 4, true>(a, out),
        _ => affine_run::<KT, 5, true>(a, out),
    }
}

fn affine(
    cond: Option<(&[f64], [bool; 4])>,
    cs: [&[f64]; 4],
    t: Arm,
    o: Arm,
    s: f64,
    out: &mut [f64],
) -> f64 {
    let (q, m) = cond.unwrap_or((cs[0], [false; 4]));
    let a = Args { q, m, cols: cs, s };
    let ko = o.kind as u8;
    match (t.kind as u8, cond.is_some()) {
        (0, true) => affine_other::<0>(ko, a, out),
        (1, true) => affine_other::<1>(ko, a, out),
        (2, true) => affine_other::<2>(ko, a, out),
        (3, true) => affine_other::<3>(ko, a, out),
        (4, true) => affine_other::<4>(ko, a, out),
        (_, true) => affine_other::<5>(ko, a, out),
        (0, false) => affine_run::<0, 0, false>(a, out),
        (1, false) => affine_run::<1, 0, false>(a, out),
        (2, false) => affine_run::<2, 0, false>(a, out),
        (3, false) => affine_run::<3, 0, false>(a, out),
        (4, false) => affine_run::<4, 0, false>(a, out),
        (_, false) => affine_run::<5, 0, false>(a, out),
    }
}
