//! Lexer and parser: source text to [`Ir`], with name resolution, type
//! checking and constant folding on the fly (no syntax tree, so nothing here
//! or later recurses over the program except the parser itself, whose depth
//! is bounded by [`MAX_DEPTH`]).

use super::ir::{Bin, Id, Ir, Node, Un};
use crate::{Error, Result};
use std::collections::HashMap;

/// Longest accepted source, in bytes.
pub const MAX_SOURCE: usize = 64 * 1024;
/// Deepest accepted nesting of parentheses, unary operators, `if` and calls.
pub const MAX_DEPTH: usize = 200;
/// Most operations a program may compile to (after folding and sharing).
pub const MAX_NODES: usize = 8192;

// Precedence levels, loosest first.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const ADD: u8 = 5;
const MUL: u8 = 6;
const POW: u8 = 8;

/// Words that cannot name an input, a parameter or a variable.
pub(crate) const KEYWORDS: &[&str] = &[
    "if", "then", "else", "and", "or", "not", "let", "true", "false", "nan", "inf", "i", "out",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tk {
    Num(f64),
    Ident,
    Kw(Kw),
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    LParen,
    RParen,
    Comma,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Assign,
    Semi,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
    If,
    Then,
    Else,
    And,
    Or,
    Not,
    Let,
    True,
    False,
    Nan,
    Inf,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Tk,
    start: usize,
    end: usize,
    /// A line break separates this token from the previous one.
    nl: bool,
}

/// Builds the error for byte offset `pos` of `src`: line and column (1-based,
/// columns in characters) and the source line with a caret under the column.
pub(crate) fn error_at(src: &str, pos: usize, message: impl Into<String>) -> Error {
    let pos = pos.min(src.len());
    let mut pos = pos;
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    let line_start = src[..pos].rfind('\n').map_or(0, |p| p + 1);
    let line_end = src[pos..].find('\n').map_or(src.len(), |p| pos + p);
    let line = src[..pos].matches('\n').count() + 1;
    let text = src[line_start..line_end].trim_end_matches('\r');
    let column = src[line_start..pos].chars().count() + 1;
    // Long lines are cut to a window of characters around the column.
    const HALF: usize = 40;
    let chars: Vec<char> = text.chars().collect();
    let col0 = column - 1;
    let lo = col0.saturating_sub(HALF);
    let hi = (col0 + HALF).min(chars.len());
    let mut shown: String = chars[lo.min(hi)..hi].iter().collect();
    let mut pad: String = chars[lo.min(col0)..col0.min(chars.len())]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if lo > 0 {
        shown.insert_str(0, "...");
        pad.insert_str(0, "   ");
    }
    if hi < chars.len() {
        shown.push_str("...");
    }
    Error::Parse {
        message: message.into(),
        line,
        column,
        snippet: format!("  {shown}\n  {pad}^"),
    }
}

fn lex(src: &str) -> Result<Vec<Tok>> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut nl = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                nl = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        let start = i;
        let two = |x: u8| b.get(i + 1) == Some(&x);
        let (kind, len) = match c {
            b'0'..=b'9' | b'.' => {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if j < b.len() && b[j] == b'.' {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
                    let mut k = j + 1;
                    if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
                        k += 1;
                    }
                    if k < b.len() && b[k].is_ascii_digit() {
                        while k < b.len() && b[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                let text = &src[i..j];
                let bad =
                    j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'.');
                match text.parse::<f64>() {
                    Ok(v) if !bad => (Tk::Num(v), j - i),
                    _ => return Err(error_at(src, start, "malformed number")),
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let kind = match &src[i..j] {
                    "if" => Tk::Kw(Kw::If),
                    "then" => Tk::Kw(Kw::Then),
                    "else" => Tk::Kw(Kw::Else),
                    "and" => Tk::Kw(Kw::And),
                    "or" => Tk::Kw(Kw::Or),
                    "not" => Tk::Kw(Kw::Not),
                    "let" => Tk::Kw(Kw::Let),
                    "true" => Tk::Kw(Kw::True),
                    "false" => Tk::Kw(Kw::False),
                    "nan" => Tk::Kw(Kw::Nan),
                    "inf" => Tk::Kw(Kw::Inf),
                    _ => Tk::Ident,
                };
                (kind, j - i)
            }
            b'+' => (Tk::Plus, 1),
            b'-' => (Tk::Minus, 1),
            b'*' if two(b'*') => (Tk::Caret, 2),
            b'*' => (Tk::Star, 1),
            b'/' => (Tk::Slash, 1),
            b'%' => (Tk::Percent, 1),
            b'^' => (Tk::Caret, 1),
            b'(' => (Tk::LParen, 1),
            b')' => (Tk::RParen, 1),
            b',' => (Tk::Comma, 1),
            b';' => (Tk::Semi, 1),
            b'<' if two(b'=') => (Tk::Le, 2),
            b'<' => (Tk::Lt, 1),
            b'>' if two(b'=') => (Tk::Ge, 2),
            b'>' => (Tk::Gt, 1),
            b'=' if two(b'=') => (Tk::EqEq, 2),
            b'=' => (Tk::Assign, 1),
            b'!' if two(b'=') => (Tk::Ne, 2),
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                let msg = match ch {
                    '!' => "unexpected `!`: write `not`".to_string(),
                    '&' | '|' => format!("unexpected `{ch}`: write `and` / `or`"),
                    _ => format!("unexpected character `{}`", ch.escape_debug()),
                };
                return Err(error_at(src, start, msg));
            }
        };
        toks.push(Tok {
            kind,
            start,
            end: start + len,
            nl,
        });
        nl = false;
        i += len;
    }
    toks.push(Tok {
        kind: Tk::Eof,
        start: src.len(),
        end: src.len(),
        nl: true,
    });
    Ok(toks)
}

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

/// A parsed subexpression: its node, type and where it starts.
#[derive(Debug, Clone, Copy)]
struct Ex {
    id: Id,
    ty: Ty,
    pos: usize,
}

/// What the parser hands on: the DAG and the roots.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub ir: Ir,
    /// State names, in order of first assignment in the source.
    pub states: Vec<String>,
    /// Node of each state's value at the end of the row.
    pub new_states: Vec<Id>,
    /// Node of the output.
    pub out: Id,
    /// The state whose initial value the output starts at (the output is that
    /// state, unchanged), if any.
    pub out_state: Option<usize>,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    p: usize,
    depth: usize,
    ir: Ir,
    inputs: &'a [String],
    params: &'a [(String, f64)],
    states: Vec<String>,
    /// Current node of each state (the old value until assigned).
    cur: Vec<Id>,
    assigned: Vec<bool>,
    lets: HashMap<&'a str, Ex>,
}

/// Parses and resolves `src` against the given input and parameter names
/// (already checked to be distinct identifiers that are not keywords).
pub(crate) fn parse(src: &str, inputs: &[String], params: &[(String, f64)]) -> Result<Parsed> {
    if src.len() > MAX_SOURCE {
        return Err(error_at(
            src,
            MAX_SOURCE,
            format!(
                "source is {} bytes, longer than the limit of {MAX_SOURCE}",
                src.len()
            ),
        ));
    }
    let toks = lex(src)?;
    let p = Parser {
        src,
        toks,
        p: 0,
        depth: 0,
        ir: Ir::default(),
        inputs,
        params,
        states: Vec::new(),
        cur: Vec::new(),
        assigned: Vec::new(),
        lets: HashMap::new(),
    };
    p.program()
}

impl<'a> Parser<'a> {
    fn tok(&self) -> Tok {
        self.toks[self.p]
    }
    fn peek(&self, k: usize) -> Tk {
        self.toks[(self.p + k).min(self.toks.len() - 1)].kind
    }
    fn text(&self, t: Tok) -> &'a str {
        &self.src[t.start..t.end]
    }
    fn err(&self, pos: usize, msg: impl Into<String>) -> Error {
        error_at(self.src, pos, msg)
    }
    fn describe(&self, t: Tok) -> String {
        match t.kind {
            Tk::Eof => "the end of the source".to_string(),
            _ => format!("`{}`", self.text(t)),
        }
    }
    fn expect(&mut self, k: Tk, what: &str) -> Result<Tok> {
        let t = self.tok();
        if t.kind == k {
            self.p += 1;
            Ok(t)
        } else {
            Err(self.err(
                t.start,
                format!("expected {what}, found {}", self.describe(t)),
            ))
        }
    }

    fn node(&mut self, n: Node, pos: usize) -> Result<Id> {
        let id = self.ir.add(n);
        if self.ir.nodes.len() > MAX_NODES {
            return Err(self.err(
                pos,
                format!("program too large: more than {MAX_NODES} operations"),
            ));
        }
        Ok(id)
    }

    fn is_state_assign(&self, i: usize) -> bool {
        self.toks[i].kind == Tk::Ident
            && self.toks.get(i + 1).map(|t| t.kind) == Some(Tk::Assign)
            && (i == 0 || self.toks[i - 1].kind != Tk::Kw(Kw::Let))
            && self.text(self.toks[i]) != "out"
    }

    fn program(mut self) -> Result<Parsed> {
        let statements = matches!(self.peek(0), Tk::Kw(Kw::Let))
            || (self.peek(0) == Tk::Ident && self.peek(1) == Tk::Assign);
        if !statements {
            self.add_state("s", 0)?;
            let e = self.expr()?;
            let t = self.tok();
            if t.kind != Tk::Eof {
                return Err(self.err(
                    t.start,
                    format!(
                        "expected an operator or the end of the expression, found {}",
                        self.describe(t)
                    ),
                ));
            }
            self.num(e, "the new state")?;
            return Ok(Parsed {
                ir: self.ir,
                states: self.states,
                new_states: vec![e.id],
                out: e.id,
                out_state: Some(0),
            });
        }
        // Every `name = ...` at a statement start declares a state; reading it
        // before its assignment reads its value at the start of the row.
        for i in 0..self.toks.len() {
            if self.is_state_assign(i) {
                let t = self.toks[i];
                let name = self.text(t);
                if !self.states.iter().any(|s| s == name) {
                    self.add_state(name, t.start)?;
                }
            }
        }
        let mut out: Option<(Id, Option<usize>)> = None;
        loop {
            let t = self.tok();
            match (t.kind, self.peek(1)) {
                (Tk::Kw(Kw::Let), _) => {
                    self.p += 1;
                    let n = self.expect(Tk::Ident, "a name after `let`")?;
                    let name = self.text(n);
                    self.check_new_name(name, n.start)?;
                    self.expect(Tk::Assign, "`=`")?;
                    let e = self.expr()?;
                    self.lets.insert(name, e);
                }
                (Tk::Ident, Tk::Assign) => {
                    self.p += 2;
                    let name = self.text(t);
                    let single = self.peek(0) == Tk::Ident && self.ends_statement(1);
                    let bare = self.text(self.tok());
                    let e = self.expr()?;
                    self.num(e, &format!("`{name}`"))?;
                    if name == "out" {
                        if out.is_some() {
                            return Err(self.err(t.start, "`out` is assigned twice"));
                        }
                        let st = if single {
                            self.states.iter().position(|s| s == bare)
                        } else {
                            None
                        };
                        out = Some((e.id, st));
                    } else {
                        let k = self.states.iter().position(|s| s == name).unwrap_or(0);
                        if self.assigned[k] {
                            return Err(self.err(
                                t.start,
                                format!("state `{name}` is assigned twice"),
                            ));
                        }
                        self.assigned[k] = true;
                        self.cur[k] = e.id;
                    }
                }
                _ => {
                    return Err(self.err(
                        t.start,
                        format!(
                            "expected a statement (`name = ...`, `let name = ...` or `out = ...`), found {}",
                            self.describe(t)
                        ),
                    ))
                }
            }
            let t = self.tok();
            match t.kind {
                Tk::Eof => break,
                Tk::Semi => {
                    while self.peek(0) == Tk::Semi {
                        self.p += 1;
                    }
                    if self.peek(0) == Tk::Eof {
                        break;
                    }
                }
                _ if t.nl => {}
                _ => {
                    return Err(self.err(
                        t.start,
                        format!(
                            "expected an operator, `;` or a new line, found {}",
                            self.describe(t)
                        ),
                    ))
                }
            }
        }
        let (out, out_state) = match out {
            Some(o) => o,
            None if self.states.len() == 1 => (self.cur[0], Some(0)),
            None if self.states.is_empty() => {
                return Err(self.err(
                    self.src.len(),
                    "nothing to compute: assign a state or `out`",
                ))
            }
            None => {
                return Err(self.err(
                    self.src.len(),
                    format!(
                        "a program with several states ({}) needs `out = ...`",
                        self.states.join(", ")
                    ),
                ))
            }
        };
        Ok(Parsed {
            ir: self.ir,
            states: self.states,
            new_states: self.cur,
            out,
            out_state,
        })
    }

    /// The token at offset `k` ends a statement.
    fn ends_statement(&self, k: usize) -> bool {
        let t = self.toks[(self.p + k).min(self.toks.len() - 1)];
        matches!(t.kind, Tk::Eof | Tk::Semi) || t.nl
    }

    fn add_state(&mut self, name: &str, pos: usize) -> Result<()> {
        if name == "i" {
            return Err(self.err(pos, "`i` is the row index and cannot be assigned"));
        }
        if self.inputs.iter().any(|n| n == name) {
            return Err(self.err(pos, format!("`{name}` is an input and cannot be assigned")));
        }
        if self.params.iter().any(|(n, _)| n == name) {
            return Err(self.err(
                pos,
                format!("`{name}` is a parameter and cannot be assigned"),
            ));
        }
        let k = self.states.len() as u16;
        let id = self.node(Node::State(k), pos)?;
        self.states.push(name.to_string());
        self.cur.push(id);
        self.assigned.push(false);
        Ok(())
    }

    fn check_new_name(&self, name: &str, pos: usize) -> Result<()> {
        let taken = if name == "out" || name == "i" {
            Some("a reserved name")
        } else if self.lets.contains_key(name) {
            Some("already defined by `let`")
        } else if self.states.iter().any(|s| s == name) {
            Some("a state")
        } else if self.inputs.iter().any(|n| n == name) {
            Some("an input")
        } else if self.params.iter().any(|(n, _)| n == name) {
            Some("a parameter")
        } else {
            None
        };
        match taken {
            Some(what) => Err(self.err(pos, format!("`{name}` is {what}"))),
            None => Ok(()),
        }
    }

    fn num(&self, e: Ex, what: &str) -> Result<()> {
        if e.ty == Ty::Num {
            Ok(())
        } else {
            Err(self.err(
                e.pos,
                format!("{what} must be a number, found a condition (true/false)"),
            ))
        }
    }
    fn boolean(&self, e: Ex, what: &str) -> Result<()> {
        if e.ty == Ty::Bool {
            Ok(())
        } else {
            Err(self.err(
                e.pos,
                format!("{what} must be a condition (a comparison, `and`, `or`, `not`, `isnan`), found a number"),
            ))
        }
    }

    #[cold]
    #[inline(never)]
    fn expected_value(&self, t: Tok) -> Error {
        self.err(
            t.start,
            format!("expected a value, found {}", self.describe(t)),
        )
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.tok();
            return Err(self.err(
                t.start,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Ex> {
        self.enter()?;
        let r = self.binary(0);
        self.depth -= 1;
        r
    }

    /// Binary operator of token `k`: (precedence, operation).
    fn infix(k: Tk) -> Option<(u8, Bin)> {
        Some(match k {
            Tk::Kw(Kw::Or) => (OR, Bin::Or),
            Tk::Kw(Kw::And) => (AND, Bin::And),
            Tk::Lt => (CMP, Bin::Lt),
            Tk::Le => (CMP, Bin::Le),
            Tk::Gt => (CMP, Bin::Gt),
            Tk::Ge => (CMP, Bin::Ge),
            Tk::EqEq => (CMP, Bin::Eq),
            Tk::Ne => (CMP, Bin::Ne),
            Tk::Plus => (ADD, Bin::Add),
            Tk::Minus => (ADD, Bin::Sub),
            Tk::Star => (MUL, Bin::Mul),
            Tk::Slash => (MUL, Bin::Div),
            Tk::Percent => (MUL, Bin::Rem),
            Tk::Caret => (POW, Bin::Pow),
            _ => return None,
        })
    }

    /// Precedence climbing: an expression whose binary operators all bind at
    /// least as tightly as `min`. Recursion per nesting level is bounded by
    /// the number of precedence levels, except for `^` chains and prefix
    /// operators, which count against [`MAX_DEPTH`].
    fn binary(&mut self, min: u8) -> Result<Ex> {
        let t = self.tok();
        let mut a = match t.kind {
            Tk::Kw(Kw::Not) if min <= NOT => self.prefix(t, NOT)?,
            Tk::Minus | Tk::Plus => self.prefix(t, POW)?,
            _ => self.primary()?,
        };
        loop {
            let t = self.tok();
            let Some((prec, op)) = Self::infix(t.kind) else {
                return Ok(a);
            };
            if prec < min {
                return Ok(a);
            }
            self.p += 1;
            let b = if prec == POW {
                // right-associative; the exponent may carry a sign: 2^-1
                self.enter()?;
                let b = self.binary(POW)?;
                self.depth -= 1;
                b
            } else {
                self.binary(prec + 1)?
            };
            a = self.infix_node(t, prec, op, a, b)?;
        }
    }

    /// `not a`, `-a`, `+a`, the operand bound at level `level`.
    #[inline(never)]
    fn prefix(&mut self, t: Tok, level: u8) -> Result<Ex> {
        self.p += 1;
        self.enter()?;
        let a = self.binary(level)?;
        self.depth -= 1;
        let (id, ty) = match t.kind {
            Tk::Kw(Kw::Not) => {
                self.boolean(a, "the operand of `not`")?;
                (self.node(Node::Un(Un::Not, a.id), t.start)?, Ty::Bool)
            }
            Tk::Minus => {
                self.num(a, "the operand of unary `-`")?;
                (self.node(Node::Un(Un::Neg, a.id), t.start)?, Ty::Num)
            }
            _ => {
                self.num(a, "the operand of unary `+`")?;
                (a.id, Ty::Num)
            }
        };
        Ok(Ex {
            id,
            ty,
            pos: t.start,
        })
    }

    /// Type-checks `a <t> b` and adds its node.
    #[inline(never)]
    fn infix_node(&mut self, t: Tok, prec: u8, op: Bin, a: Ex, b: Ex) -> Result<Ex> {
        let sym = self.text(t);
        let ty = match prec {
            OR | AND => {
                self.boolean(a, &format!("the left side of `{sym}`"))?;
                self.boolean(b, &format!("the right side of `{sym}`"))?;
                Ty::Bool
            }
            CMP => {
                self.num(a, &format!("the left side of `{sym}`"))?;
                self.num(b, &format!("the right side of `{sym}`"))?;
                let t2 = self.tok();
                if Self::infix(t2.kind).is_some_and(|(p, _)| p == CMP) {
                    return Err(self.err(
                        t2.start,
                        "comparisons do not chain: write `a < b and b < c`",
                    ));
                }
                Ty::Bool
            }
            _ => {
                self.num(a, &format!("the left side of `{sym}`"))?;
                self.num(b, &format!("the right side of `{sym}`"))?;
                Ty::Num
            }
        };
        let id = self.node(Node::Bin(op, a.id, b.id), a.pos)?;
        Ok(Ex { id, ty, pos: a.pos })
    }

    fn primary(&mut self) -> Result<Ex> {
        let t = self.tok();
        let k = |ir: &mut Ir, v: f64, ty| Ex {
            id: ir.constant(v),
            ty,
            pos: t.start,
        };
        match t.kind {
            Tk::Num(v) => {
                self.p += 1;
                Ok(k(&mut self.ir, v, Ty::Num))
            }
            Tk::Kw(Kw::Nan) => {
                self.p += 1;
                Ok(k(&mut self.ir, f64::NAN, Ty::Num))
            }
            Tk::Kw(Kw::Inf) => {
                self.p += 1;
                Ok(k(&mut self.ir, f64::INFINITY, Ty::Num))
            }
            Tk::Kw(Kw::True) => {
                self.p += 1;
                Ok(k(&mut self.ir, 1.0, Ty::Bool))
            }
            Tk::Kw(Kw::False) => {
                self.p += 1;
                Ok(k(&mut self.ir, 0.0, Ty::Bool))
            }
            Tk::LParen => {
                self.p += 1;
                let e = self.expr()?;
                self.expect(Tk::RParen, "`)`")?;
                Ok(Ex { pos: t.start, ..e })
            }
            Tk::Kw(Kw::If) => self.if_expr(t),
            Tk::Ident if self.peek(1) == Tk::LParen => self.call(t),
            Tk::Ident => {
                self.p += 1;
                self.name(t)
            }
            _ => Err(self.expected_value(t)),
        }
    }

    /// `if c then a else b` (after `if`).
    #[inline(never)]
    fn if_expr(&mut self, t: Tok) -> Result<Ex> {
        self.p += 1;
        self.enter()?;
        let c = self.expr()?;
        self.boolean(c, "the condition of `if`")?;
        self.expect(Tk::Kw(Kw::Then), "`then`")?;
        let a = self.expr()?;
        self.expect(Tk::Kw(Kw::Else), "`else`")?;
        let b = self.expr()?;
        self.depth -= 1;
        if a.ty != b.ty {
            return Err(self.err(
                b.pos,
                "`then` and `else` must both be numbers or both be conditions",
            ));
        }
        let id = self.node(Node::Sel(c.id, a.id, b.id), t.start)?;
        Ok(Ex {
            id,
            ty: a.ty,
            pos: t.start,
        })
    }

    #[inline(never)]
    fn name(&mut self, t: Tok) -> Result<Ex> {
        let name = self.text(t);
        let ex = |id, ty| Ex {
            id,
            ty,
            pos: t.start,
        };
        if let Some(e) = self.lets.get(name) {
            return Ok(ex(e.id, e.ty));
        }
        if let Some(k) = self.states.iter().position(|s| s == name) {
            return Ok(ex(self.cur[k], Ty::Num));
        }
        if let Some(k) = self.inputs.iter().position(|s| s == name) {
            let id = self.node(Node::Input(k as u16), t.start)?;
            return Ok(ex(id, Ty::Num));
        }
        if let Some(&(_, v)) = self.params.iter().find(|(n, _)| n == name) {
            return Ok(ex(self.ir.constant(v), Ty::Num));
        }
        if name == "i" {
            let id = self.node(Node::Index, t.start)?;
            return Ok(ex(id, Ty::Num));
        }
        if name == "out" {
            return Err(self.err(t.start, "`out` can be assigned but not read"));
        }
        let mut known: Vec<&str> = self.inputs.iter().map(String::as_str).collect();
        known.extend(self.states.iter().map(String::as_str));
        known.extend(self.params.iter().map(|(n, _)| n.as_str()));
        known.extend(self.lets.keys().copied());
        known.push("i");
        known.sort_unstable();
        Err(self.err(
            t.start,
            format!("unknown name `{name}` (known: {})", known.join(", ")),
        ))
    }

    #[inline(never)]
    fn call(&mut self, t: Tok) -> Result<Ex> {
        let name = self.text(t);
        // (arity: exact, or at least 2 for min/max when None)
        let (arity, ret_bool): (Option<usize>, bool) = match name {
            "abs" | "sqrt" | "exp" | "expm1" | "log" | "log1p" | "log2" | "log10" | "floor"
            | "ceil" | "trunc" | "round" | "sign" | "tanh" => (Some(1), false),
            "isnan" | "isfinite" => (Some(1), true),
            "pow" => (Some(2), false),
            "clamp" | "fma" => (Some(3), false),
            "min" | "max" => (None, false),
            _ => {
                return Err(self.err(
                    t.start,
                    format!(
                        "unknown function `{name}` (functions: abs, sqrt, exp, expm1, log, log1p, log2, log10, floor, ceil, trunc, round, sign, tanh, isnan, isfinite, pow, min, max, clamp, fma)"
                    ),
                ))
            }
        };
        self.p += 2;
        self.enter()?;
        let mut args: Vec<Ex> = Vec::new();
        if self.peek(0) != Tk::RParen {
            loop {
                let e = self.expr()?;
                self.num(e, &format!("argument {} of `{name}`", args.len() + 1))?;
                args.push(e);
                if self.peek(0) == Tk::Comma {
                    self.p += 1;
                } else {
                    break;
                }
            }
        }
        self.expect(Tk::RParen, "`,` or `)`")?;
        self.depth -= 1;
        let ok = match arity {
            Some(n) => args.len() == n,
            None => args.len() >= 2,
        };
        if !ok {
            let want = match arity {
                Some(1) => "1 argument".to_string(),
                Some(n) => format!("{n} arguments"),
                None => "at least 2 arguments".to_string(),
            };
            return Err(self.err(
                t.start,
                format!("`{name}` takes {want}, got {}", args.len()),
            ));
        }
        let a = |k: usize| args[k].id;
        let pos = t.start;
        let id = match name {
            "pow" => self.node(Node::Bin(Bin::Pow, a(0), a(1)), pos)?,
            "fma" => self.node(Node::Fma(a(0), a(1), a(2)), pos)?,
            "clamp" => {
                let lo = self.node(Node::Bin(Bin::Max, a(0), a(1)), pos)?;
                self.node(Node::Bin(Bin::Min, lo, a(2)), pos)?
            }
            "min" | "max" => {
                let op = if name == "min" { Bin::Min } else { Bin::Max };
                let mut acc = a(0);
                for e in &args[1..] {
                    acc = self.node(Node::Bin(op, acc, e.id), pos)?;
                }
                acc
            }
            _ => {
                let op = match name {
                    "abs" => Un::Abs,
                    "sqrt" => Un::Sqrt,
                    "exp" => Un::Exp,
                    "expm1" => Un::Expm1,
                    "log" => Un::Log,
                    "log1p" => Un::Log1p,
                    "log2" => Un::Log2,
                    "log10" => Un::Log10,
                    "floor" => Un::Floor,
                    "ceil" => Un::Ceil,
                    "trunc" => Un::Trunc,
                    "round" => Un::Round,
                    "sign" => Un::Sign,
                    "tanh" => Un::Tanh,
                    "isnan" => Un::IsNan,
                    _ => Un::IsFinite,
                };
                self.node(Node::Un(op, a(0)), pos)?
            }
        };
        Ok(Ex {
            id,
            ty: if ret_bool { Ty::Bool } else { Ty::Num },
            pos,
        })
    }
}
