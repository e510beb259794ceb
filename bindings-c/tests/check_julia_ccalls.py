#!/usr/bin/env python3
"""Checks the Julia module FerroScore against the real shared library,
without Julia (none can be installed here), using only the standard library:

1. every `ccall((:name, libferroscore), Ret, (Args...), ...)` in the module
   names an exported symbol of libferroscore.so, and its return and argument
   types are exactly the header's prototype (same count, same C types);
   every function of the header has a ccall;
2. every Julia struct mirrors its C struct field by field;
3. every ccall is then made through ctypes with the types the Julia module
   declares (not the header's): arguments built from those types, handles
   made fresh and freed, statuses checked; structs returned by value are
   read through the Julia field layout and compared with the documented
   defaults; a sample of kernels is checked against the shared vectors;
4. FerroScore.jl only calls C names that exist (directly, or with the _f64 /
   _f32 / _free / _clone suffixes it appends), and every exported name is
   defined in it.

usage: check_julia_ccalls.py --lib libferroscore.so --header ferroscore.h
       --julia bindings-c/julia/FerroScore --vectors tests/vectors
"""

import argparse
import ctypes as C
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import cheader  # noqa: E402

FAIL = []


def fail(msg):
    FAIL.append(msg)
    print("FAIL", msg)


# ------------------------------------------------------------ parsing Julia

JL_NUM = {
    "Cdouble": "double", "Cfloat": "float", "Csize_t": "size_t", "Int32": "int32_t",
    "Int64": "int64_t", "UInt64": "uint64_t", "Bool": "bool", "UInt8": "char", "Cvoid": "void",
}


def split_top(s):
    """Splits on commas outside braces."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def parse_julia(text):
    calls = {}
    for m in re.finditer(r"ccall\(\(:(\w+), libferroscore\), ([\w{}]+), \(([^()]*)\)", text):
        calls[m.group(1)] = (m.group(2), split_top(m.group(3)))
    structs = {}
    for m in re.finditer(r"^struct (\w+)\n(.*?)^end", text, re.S | re.M):
        structs[m.group(1)] = [tuple(f.strip().split("::")) for f in m.group(2).strip().splitlines()]
    opaque = re.findall(r"^mutable struct (\w+) end", text, re.M)
    consts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^const (FERROSCORE_\w+) = Int32\((-?\d+)\)", text, re.M)}
    return calls, structs, opaque, consts


def jl_to_c(t):
    """Julia type -> canonical C type (no const, no 'struct')."""
    if t == "Cstring":
        return "char*"
    if t == "FerroscoreStatus":
        return "FerroscoreStatus"
    m = re.fullmatch(r"Ptr\{(.*)\}", t)
    if m:
        return jl_to_c(m.group(1)) + "*"
    return JL_NUM.get(t, t)


def c_canon(t):
    return t.replace("const ", "").replace("struct ", "").replace(" ", "")


# ------------------------------------------------------------ ctypes from Julia types


class Types:
    def __init__(self, jstructs, opaque):
        self.opaque = set(opaque)
        self.structs = {}
        for name, fields in jstructs.items():
            self.structs[name] = type(name, (C.Structure,), {"_fields_": [(f, self.ct(t)) for f, t in fields]})

    def ct(self, t):
        base = {
            "Cdouble": C.c_double, "Cfloat": C.c_float, "Csize_t": C.c_size_t, "Int32": C.c_int32,
            "Int64": C.c_int64, "UInt64": C.c_uint64, "Bool": C.c_bool, "UInt8": C.c_uint8,
            "FerroscoreStatus": C.c_int32, "Cstring": C.c_char_p, "Cvoid": None,
        }
        if t in base:
            return base[t]
        m = re.fullmatch(r"Ptr\{(.*)\}", t)
        if m:
            inner = m.group(1)
            if inner in self.opaque or inner == "Cvoid":
                return C.c_void_p
            if re.fullmatch(r"Ptr\{(\w+)\}", inner):
                return C.POINTER(C.c_void_p)
            return C.POINTER(self.ct(inner))
        return self.structs[t]


# ------------------------------------------------------------ the checks


def check_signatures(header, calls, jstructs):
    hnames = {f.name for f in header.functions}
    for f in header.functions:
        if f.name not in calls:
            fail(f"{f.name}: no ccall in the Julia module")
            continue
        ret, args = calls[f.name]
        hret = "const char *" if f.ret == "const char *" else f.ret
        want_ret = "char*" if hret == "const char *" else c_canon(hret)
        if jl_to_c(ret) != want_ret:
            fail(f"{f.name}: returns {ret}, header {f.ret}")
        if len(args) != len(f.params):
            fail(f"{f.name}: {len(args)} arguments, header {len(f.params)}")
            continue
        for a, p in zip(args, f.params):
            if jl_to_c(a) != c_canon(p.ctype):
                fail(f"{f.name}: argument {p.name} is {a}, header {p.ctype}")
    for name in calls:
        if name not in hnames:
            fail(f"ccall of {name}, which the header does not declare")
    for s, fields in header.structs.items():
        jf = jstructs.get(s)
        if jf is None:
            fail(f"struct {s} missing in Julia")
            continue
        if [f for f, _ in jf] != [p.name for p in fields]:
            fail(f"struct {s}: fields {jf} vs {fields}")
        for (fname, jt), p in zip(jf, fields):
            want = c_canon(p.ctype)
            if jl_to_c(jt) != want and not (want == "void*" and jt == "Ptr{Cvoid}"):
                fail(f"struct {s}.{fname}: {jt} vs {p.ctype}")


class Caller:
    """Calls C functions through the types the Julia module declares."""

    def __init__(self, lib, calls, types):
        self.lib, self.calls, self.types = lib, calls, types
        self.fns = {}
        for name, (ret, args) in calls.items():
            fn = getattr(lib, name)  # AttributeError = symbol missing
            fn.restype = types.ct(ret) if ret != "Cvoid" else None
            fn.argtypes = [types.ct(a) for a in args]
            self.fns[name] = fn

    def __getattr__(self, name):
        return self.fns[name]


def dbl(vals):
    return (C.c_double * len(vals))(*vals)


def check_status(name, st, want=0):
    if st != want:
        fail(f"{name}: status {st}, wanted {want}")


def check_defaults(c, T):
    so = c.ferroscore_score_options_default()
    if (so.up, so.down, so.init, so.skipna) != (0.9, 0.5, 0.0, True):
        fail(f"score options default read through the Julia layout: {so.up, so.down, so.init, so.skipna}")
    eo = c.ferroscore_ewm_options_default()
    if not (math.isnan(eo.alpha) and math.isnan(eo.halflife) and eo.adjust and not eo.ignore_na
            and not eo.bias and eo.min_periods == 0):
        fail("ewm options default read through the Julia layout")
    ro = c.ferroscore_rolling_options_default(7)
    if (ro.window, ro.min_periods, ro.ddof, ro.center, ro.skipna) != (7, -1, 1, False, True):
        fail(f"rolling options default read through the Julia layout: {ro.window, ro.min_periods, ro.ddof, ro.center, ro.skipna}")


def call_every_function(c, calls, T, consts):
    """Calls each function once with arguments built from its Julia types."""
    N = 6
    keep = []

    def opts(ty):
        if ty == "FerroscoreScoreOptions":
            return c.ferroscore_score_options_default()
        if ty == "FerroscoreEwmOptions":
            o = c.ferroscore_ewm_options_default()
            o.halflife = 2.0  # valid for ewm with and without times
            return o
        if ty == "FerroscoreRollingOptions":
            return c.ferroscore_rolling_options_default(3)
        if ty == "FerroscoreMoments":
            m = T.structs[ty]()
            check_status("moments", c.ferroscore_moments_f64(dbl([1, 2, 3]), 3, C.byref(m)))
            return m
        raise KeyError(ty)

    def handle(ty):
        out = C.c_void_p()
        e = c.ferroscore_ewm_options_default()
        e.halflife = 2.0
        r = c.ferroscore_rolling_options_default(3)
        if ty == "FerroscoreScoreState":
            st = c.ferroscore_score_state_new(None, C.byref(out))
        elif ty == "FerroscoreEwmMeanState":
            st = c.ferroscore_ewm_mean_state_new(C.byref(e), C.byref(out))
        elif ty == "FerroscoreEwmVarState":
            st = c.ferroscore_ewm_var_state_new(C.byref(e), True, C.byref(out))
        elif ty == "FerroscoreRollingState":
            st = c.ferroscore_rolling_state_new(0, 0.5, 0, C.byref(r), C.byref(out))
        elif ty == "FerroscoreCumState":
            st = c.ferroscore_cum_state_new(0, True, C.byref(out))
        elif ty == "FerroscoreRuleSet":
            st = c.ferroscore_ruleset_new(C.byref(out))
            check_status("ruleset_add", c.ferroscore_ruleset_add_finite(out, b"x"))
        elif ty == "FerroscoreScanProgram":
            st = c.ferroscore_scan_compile(b"s + x * w", b"", b"w", dbl([2.0]), 1, True, C.byref(out))
        elif ty == "FerroscoreScanState":
            prog = handle("FerroscoreScanProgram")
            st = c.ferroscore_scan_state_new(prog, dbl([0.5]), 1, C.byref(out))
            c.ferroscore_scan_free(prog)
        elif ty == "FerroscoreReport":
            rs = handle("FerroscoreRuleSet")
            st = c.ferroscore_validate(table(), 1, rs, 10, C.byref(out))
            c.ferroscore_ruleset_free(rs)
        else:
            raise KeyError(ty)
        check_status(f"new {ty}", st)
        return out

    def table():
        data = dbl([1, 2, math.nan, 4, 5, 6])
        keep.append(data)
        col = T.structs["FerroscoreColumn"](C.cast(C.c_char_p(b"x"), C.POINTER(C.c_uint8)),
                                            consts["FERROSCORE_DTYPE_F64"], C.cast(data, C.c_void_p), N)
        arr = (T.structs["FerroscoreColumn"] * 1)(col)
        keep.append(arr)
        return arr

    frees = {"FerroscoreScoreState": c.ferroscore_score_state_free,
             "FerroscoreEwmMeanState": c.ferroscore_ewm_mean_state_free,
             "FerroscoreEwmVarState": c.ferroscore_ewm_var_state_free,
             "FerroscoreRollingState": c.ferroscore_rolling_state_free,
             "FerroscoreCumState": c.ferroscore_cum_state_free,
             "FerroscoreRuleSet": c.ferroscore_ruleset_free,
             "FerroscoreReport": c.ferroscore_report_free,
             "FerroscoreScanProgram": c.ferroscore_scan_free,
             "FerroscoreScanState": c.ferroscore_scan_state_free}
    scalar_vals = {"p": 1.5, "q": 0.5, "lo": 0.0, "hi": 10.0, "k": 3.0, "step": 10.0}
    n_called = 0
    for name, (ret, args) in calls.items():
        header_params = HEADER.function(name).params
        vals, to_free = [], []
        for i, (jt, p) in enumerate(zip(args, header_params)):
            nxt = args[i + 1] if i + 1 < len(args) else None
            m = re.fullmatch(r"Ptr\{(\w+)\}", jt)
            mm = re.fullmatch(r"Ptr\{Ptr\{(\w+)\}\}", jt)
            if mm:
                v = C.c_void_p()
                vals.append(C.byref(v))
                to_free.append((mm.group(1), v))
            elif m and m.group(1) in T.opaque:
                h = handle(m.group(1))
                vals.append(h)
                if not name.endswith("_free"):
                    to_free.append((m.group(1), h))
            elif m and m.group(1) in T.structs:
                ty = m.group(1)
                if ty == "FerroscoreColumn":
                    vals.append(table())
                elif p.ctype.startswith("const"):
                    o = opts(ty)
                    keep.append(o)
                    vals.append(C.byref(o))
                else:
                    o = T.structs[ty]()
                    keep.append(o)
                    vals.append(C.byref(o))
            elif m and nxt == "Csize_t" and m.group(1) != "UInt8":
                base = T.ct(m.group(1))
                if p.name == "groups":
                    buf = (base * N)(*[0, 1, 2, 0, 1, 2])
                elif p.name == "times":
                    buf = (base * N)(*range(N))
                else:
                    buf = (base * (N + 4))(*[1 + j for j in range(N)])
                keep.append(buf)
                vals.append(buf)
            elif m and m.group(1) == "UInt8":
                buf = C.create_string_buffer(256)
                keep.append(buf)
                vals.append(C.cast(buf, C.POINTER(C.c_uint8)))
            elif m:
                v = T.ct(m.group(1))()
                keep.append(v)
                vals.append(C.byref(v))
            elif jt == "Csize_t" and "_scan_" in name:
                # one input column of 3 rows; programs with one state; no parameters
                vals.append({"n_rows": 3, "n_cols": 1, "row_stride": 1, "col_stride": 3,
                             "n_init": 1, "n_params": 0, "len": 256,
                             "out_len": 1 if name.endswith("_values") else 3}[p.name])
            elif jt == "Csize_t" and "_2d_" in name:
                # a 3 x 2 column-major matrix in a buffer of N + 4 values, along axis 0
                vals.append({"n_rows": 3, "n_cols": 2, "row_stride": 1, "col_stride": 3,
                             "out_n_rows": 3, "out_n_cols": 2, "out_row_stride": 1,
                             "out_col_stride": 3, "out_len": 2, "ddof": 1}[p.name])
            elif jt == "Csize_t":
                vals.append({"n_groups": 3, "index": 0, "len": 256, "ddof": 1, "window": 3,
                             "max_failures": 10, "n_columns": 1}.get(p.name, N))
            elif jt == "Cdouble":
                vals.append(scalar_vals.get(p.name, 0.5))
            elif jt == "Int32":
                vals.append(0)
            elif jt == "Bool":
                vals.append(p.name not in ("decreasing",))
            elif jt == "Cstring":
                vals.append({"interpolation": b"nearest", "closed": b"both", "source": b"s + x",
                             "inputs": b"", "param_names": b""}.get(
                    p.name, b"linear" if "interpolation" in name else b"both" if "closed" in name else b"x"))
            else:
                fail(f"{name}: no argument maker for {jt}")
                vals.append(None)
        res = getattr(c, name)(*vals)
        n_called += 1
        if ret == "FerroscoreStatus":
            want = 99 if name == "ferroscore_test_internal_panic" else 0
            if res != want:
                buf = C.create_string_buffer(512)
                c.ferroscore_last_error_message(C.cast(buf, C.POINTER(C.c_uint8)), 512)
                fail(f"{name}: status {res} ({buf.value.decode()}) with synthesized arguments")
        for ty, h in to_free:
            if h.value:
                frees[ty](h)
    return n_called


def check_values(c, T, vectors):
    """A sample of kernels against the shared vectors, via the Julia types."""
    def read(path):
        with open(path) as f:
            rows, cols = map(int, f.readline().split())
            data = [[float(v.replace("Inf", "inf")) for v in f.readline().split()] for _ in range(rows)]
        return [[r[j] for r in data] for j in range(cols)]

    def close(g, e, rtol, atol):
        if math.isnan(e):
            return math.isnan(g)
        if math.isinf(e):
            return g == e
        return abs(g - e) <= atol + rtol * abs(e)

    cases = [l.rstrip("\n").split("\t") for l in open(os.path.join(vectors, "cases.tsv"))][1:]
    n = 0
    for cid, kernel, dtype, o, rtol, atol in cases:
        opts = dict(kv.split("=") for kv in o.split(",")) if o != "-" else {}
        if kernel not in ("score_series", "power_sum", "rolling_quantile", "group_sum", "ewm_mean", "drawdown", "dot"):
            continue
        cols = read(os.path.join(vectors, cid + ".in"))
        exp = read(os.path.join(vectors, cid + ".out"))
        exp = exp[0] if exp else []
        x = cols[0] if cols else []
        sfx = "_f32" if dtype == "f32" else "_f64"
        ct = C.c_float if dtype == "f32" else C.c_double
        xa = (ct * max(len(x), 1))(*x)
        out = (ct * max(len(x), 1))()
        nx = len(x)
        if kernel == "score_series":
            so = c.ferroscore_score_options_default()
            so.up, so.down, so.init = (float(opts.get(k, d)) for k, d in (("up", 0.9), ("down", 0.5), ("init", 0.0)))
            so.skipna = opts.get("skipna", "true") == "true"
            st = getattr(c, "ferroscore_score_series" + sfx)(xa, nx, C.byref(so), out, nx)
            got = list(out)[:nx]
        elif kernel == "ewm_mean":
            e = c.ferroscore_ewm_options_default()
            for k in ("alpha", "span", "com", "halflife"):
                if k in opts:
                    setattr(e, k, float(opts[k]))
            e.adjust = opts.get("adjust", "true") == "true"
            e.ignore_na = opts.get("ignore_na", "false") == "true"
            e.min_periods = int(opts.get("min_periods", 0))
            if opts.get("times") == "true":
                t = dbl(cols[1])
                st = getattr(c, "ferroscore_ewm_mean_times" + sfx)(xa, nx, t, nx, C.byref(e), out, nx)
            else:
                st = getattr(c, "ferroscore_ewm_mean" + sfx)(xa, nx, C.byref(e), out, nx)
            got = list(out)[:nx]
        elif kernel == "rolling_quantile":
            r = c.ferroscore_rolling_options_default(int(opts["window"]))
            r.min_periods = int(opts.get("min_periods", -1))
            r.center = opts.get("center", "false") == "true"
            r.skipna = opts.get("skipna", "true") == "true"
            code = C.c_int32(-1)
            check_status("interp", c.ferroscore_interpolation_from_name(opts.get("interpolation", "linear").encode(), C.byref(code)))
            st = getattr(c, "ferroscore_rolling_quantile" + sfx)(xa, nx, float(opts["q"]), code.value, C.byref(r), out, nx)
            got = list(out)[:nx]
        elif kernel == "drawdown":
            st = getattr(c, "ferroscore_drawdown" + sfx)(xa, nx, True, out, nx)
            got = list(out)[:nx]
        elif kernel in ("power_sum", "dot"):
            res = C.c_double()
            if kernel == "power_sum":
                st = getattr(c, "ferroscore_power_sum" + sfx)(xa, nx, float(opts.get("p", 1.5)), C.byref(res))
            else:
                b = (ct * max(nx, 1))(*cols[1])
                st = getattr(c, "ferroscore_dot" + sfx)(xa, nx, b, nx, C.byref(res))
            got = [res.value]
        else:  # group_sum, with int32 codes
            ng = int(opts["n_groups"])
            g = (C.c_int32 * max(nx, 1))(*[int(v) for v in cols[1]])
            gout = (ct * max(ng, 1))()
            st = getattr(c, "ferroscore_group_sum" + sfx + "_i32")(xa, nx, g, nx, gout, ng)
            got = list(gout)[:ng]
        n += 1
        if st != 0 or len(got) != len(exp) or not all(close(a, b, float(rtol), float(atol)) for a, b in zip(got, exp)):
            fail(f"vector case {cid}: status {st}, values differ")
    return n


def check_scan_paths(c):
    """The calls FerroScore.jl's scan language makes, as it makes them: names
    joined by commas, a one-input program run column by column of a
    column-major matrix (pointer offset, col_stride = the leading dimension),
    several inputs as the matrix's columns, the name getters sized by a
    length-0 call, a parse error's message with its caret."""
    n = 0
    prog = C.c_void_p()
    names, values = ",".join(["up", "down"]), dbl([0.9, 0.5])
    st = c.ferroscore_scan_compile(b"if x > s then fma(s, up, x) else s * down", b"x", names.encode(),
                                   values, 2, True, C.byref(prog))
    check_status("scan_compile (seed with fma)", st)
    nr, nc = 50, 3
    m = [math.nan if (i * 7 + j) % 11 == 0 else math.sin(i * 0.9 + j) * 3 for j in range(nc) for i in range(nr)]
    xa, out, ref = dbl(m), (C.c_double * (nr * nc))(), (C.c_double * nr)()
    init = dbl([0.0])
    so = c.ferroscore_score_options_default()
    for j in range(nc):
        px = C.cast(C.byref(xa, j * nr * 8), C.POINTER(C.c_double))
        po = C.cast(C.byref(out, j * nr * 8), C.POINTER(C.c_double))
        check_status("scan_run_f64 (a column)", c.ferroscore_scan_run_f64(prog, px, nr, 1, 1, nr, init, 1, po, nr))
        check_status("score_series_f64", c.ferroscore_score_series_f64(px, nr, C.byref(so), ref, nr))
        if [v.hex() for v in out[j * nr:(j + 1) * nr]] != [v.hex() for v in ref]:
            fail(f"scan of the seed rule with fma, column {j}: differs from score_series")
        n += 1
    c.ferroscore_scan_free(prog)
    # two inputs: the columns of the matrix; the name getters
    prog = C.c_void_p()
    check_status("scan_compile (two inputs)", c.ferroscore_scan_compile(
        b"m = max(m, x - y); out = m", b"x,y", b"", dbl([0.0]), 0, True, C.byref(prog)))
    for getter, want in ((c.ferroscore_scan_input_names, "x,y"), (c.ferroscore_scan_state_names, "m")):
        need = C.c_size_t(0)
        check_status("name getter (length)", getter(prog, None, 0, C.byref(need)))
        buf = (C.c_ubyte * (need.value + 1))()  # Julia's Vector{UInt8}
        check_status("name getter", getter(prog, buf, need.value + 1, C.byref(need)))
        if bytes(buf[:need.value]).decode() != want:
            fail(f"scan names: {bytes(buf[:need.value])!r}, wanted {want!r}")
    o2 = (C.c_double * nr)()
    check_status("scan_run_f64 (two inputs)", c.ferroscore_scan_run_f64(prog, xa, nr, 2, 1, nr, init, 1, o2, nr))
    acc, want = 0.0, []
    for i in range(nr):
        a, b = m[i], m[nr + i]
        if not (math.isnan(a) or math.isnan(b)):
            acc = max(acc, a - b)
        want.append(acc)
    if list(o2) != want:
        fail("scan with two inputs as matrix columns differs from the Python loop")
    c.ferroscore_scan_free(prog)
    # a parse error: status 9, line, column and caret in the message
    prog = C.c_void_p()
    st = c.ferroscore_scan_compile(b"if x > s then s * upp + x else s * down", b"x", b"up,down", values, 2,
                                   True, C.byref(prog))
    check_status("scan_compile (parse error)", st, 9)
    k = c.ferroscore_last_error_message(None, 0)
    buf = (C.c_ubyte * (k + 1))()
    c.ferroscore_last_error_message(buf, k + 1)
    msg = bytes(buf[:k]).decode()
    lines = msg.split("\n")
    if "line 1, column 19" not in msg or lines[-1].index("^") != lines[-2].index("upp") or prog.value:
        fail(f"parse error message: {msg!r}")
    return n + 2


def check_high_level(jdir, header, calls):
    text = open(os.path.join(jdir, "src", "FerroScore.jl")).read()
    names = {f.name for f in header.functions}
    n = 0
    for tok in sorted(set(re.findall(r"\bferroscore_\w+", text))):
        n += 1
        ok = (tok in names
              or all(tok + s in names for s in ("_f64", "_f32"))
              or all(tok + s in names for s in ("_free", "_clone", "_update_f64", "_update_f32")))
        if not ok:
            fail(f"FerroScore.jl refers to {tok}, which is not a C function (nor a _f64/_f32 family)")
    for tok in re.findall(r"\bL\.(ferroscore_\w+)\(", text):
        if tok not in names:
            fail(f"FerroScore.jl calls L.{tok}, not in the header")
    exports = re.search(r"^export (.*?)\n\n", text, re.S | re.M).group(1)
    for e in [x.strip() for x in exports.replace("\n", " ").split(",")]:
        defined = re.search(rf"(^|\s|\()(function |struct |mutable struct |abstract type |const )?{re.escape(e)}(?![\w!])(\(|\s*=|\s+<:|\n| end)", text, re.M) \
            or re.search(rf"\(:{re.escape(e)},", text) or re.search(rf"\(\s*:{re.escape(e)},", text)
        if not defined:
            fail(f"FerroScore.jl exports {e} but does not define it")
    if "include(\"LibFerroScore.jl\")" not in text:
        fail("FerroScore.jl does not include LibFerroScore.jl")
    return n


def main():
    global HEADER
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--header", required=True)
    ap.add_argument("--julia", required=True)
    ap.add_argument("--vectors", required=True)
    a = ap.parse_args()
    HEADER = cheader.load(a.header)
    jtext = open(os.path.join(a.julia, "src", "LibFerroScore.jl")).read()
    calls, jstructs, opaque, consts = parse_julia(jtext)
    check_signatures(HEADER, calls, jstructs)
    for k, v in HEADER.constants.items():
        if consts.get(k) != v:
            fail(f"constant {k}: Julia {consts.get(k)}, header {v}")
    lib = C.CDLL(os.path.abspath(a.lib))
    T = Types(jstructs, opaque)
    c = Caller(lib, calls, T)
    check_defaults(c, T)
    n_called = call_every_function(c, calls, T, consts)
    n_values = check_values(c, T, a.vectors)
    n_scan = check_scan_paths(c)
    n_names = check_high_level(a.julia, HEADER, calls)
    print(f"check_julia_ccalls: {len(calls)} ccalls match the header and were called through ctypes "
          f"({n_called} calls), {len(jstructs)} structs, {n_values} vector cases, "
          f"{n_names} C names in FerroScore.jl, {n_scan} scan-language paths; {len(FAIL)} failures")
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
