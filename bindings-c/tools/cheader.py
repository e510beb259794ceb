"""A parser for the cbindgen-written ferroscore.h: enum constants, structs,
opaque handles and function prototypes. The header's shapes are regular
(cbindgen output), so regular expressions suffice. Used by gen_wrappers.py
and by the Julia ccall check."""

import re
from dataclasses import dataclass, field


@dataclass
class Param:
    ctype: str  # normalized: "const double *", "size_t", "struct FerroscoreX **"
    name: str


@dataclass
class Function:
    name: str
    ret: str
    params: list = field(default_factory=list)


@dataclass
class Header:
    constants: dict  # FERROSCORE_STATUS_OK -> 0
    structs: dict  # FerroscoreScoreOptions -> [Param]
    opaque: list  # FerroscoreScoreState, ...
    functions: list  # [Function]

    def function(self, name):
        return next(f for f in self.functions if f.name == name)


def norm(t):
    t = re.sub(r"\s+", " ", t.strip())
    t = re.sub(r"\s*\*", " *", t).replace("* *", "**")
    return t.strip()


def split_decl(decl):
    m = re.match(r"(.*?)(\w+)\s*$", decl.strip(), re.S)
    return Param(norm(m.group(1)), m.group(2))


def parse(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    constants = {m.group(1): int(m.group(2)) for m in re.finditer(r"\b(FERROSCORE_[A-Z0-9_]+)\s*=\s*(-?\d+)", text)}
    structs = {}
    for m in re.finditer(r"typedef struct (\w+) \{(.*?)\} \1;", text, re.S):
        structs[m.group(1)] = [split_decl(d) for d in m.group(2).split(";") if d.strip()]
    opaque = re.findall(r"typedef struct (\w+) \1;", text)
    functions = []
    for m in re.finditer(r"^([A-Za-z_][\w ]*?\**)\s*(ferroscore_\w+)\((.*?)\);", text, re.S | re.M):
        params = [] if m.group(3).strip() == "void" else [split_decl(p) for p in m.group(3).split(",")]
        functions.append(Function(m.group(2), norm(m.group(1)), params))
    return Header(constants, structs, opaque, functions)


def snake(name):
    """FerroscoreScoreOptions -> ferroscore_score_options"""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def load(path):
    with open(path) as f:
        return parse(f.read())
