"""The tree scan: who is bound to what, which values are made of constants, and the rules.

One ``Analysis`` per parsed module (the file, or code found inside one of its strings).
It resolves names to what they stand for through imports and aliases (``g = gc``),
follows which values are built from constants only (``"tb_" + "frame"``, ``chr``, base64)
through assignments, loops and the file's own functions, and applies the rules of
``grader._scan_rules`` to every node. Nothing recurses over the tree; the superlinear parts
(the fixpoints, folding, strings parsed as code) spend one budget per file.
"""

from __future__ import annotations

import ast
import itertools
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from grader._scan_fold import NO, Folder
from grader._scan_rules import (
    ATTRIBUTES,
    BUILTIN_NAMES,
    CALLS,
    CODE_TRIGGER,
    DUNDER_REFLECTIVE,
    EMPTY,
    HIDDEN_NAMES,
    IMPORTERS,
    MEMBERS,
    MODULE_GETATTR,
    OBJECTS,
    OPENERS,
    PATH_FUNCTIONS,
    PATH_PIECES,
    PROC_RE,
    READABLE,
    REFLECTIVE,
    STORE_THROUGH,
    STRUCTURAL,
    TEST_FILES_RE,
    TEXT_METHODS,
    TOKEN_RE,
    WATCHED_BUILTINS,
    canonical,
    module_message,
    package_of,
    pure,
    suspicious,
    through_reexports,
)
from grader.pyparse import LOCK

MAX_BRACES = 2_000  # CPython 3.11 parses an f-string's fields in time quadratic in their number
STEPS = 3_000_000  # work on one file beyond the linear passes: fixpoints, folding, strings parsed as code
PAYLOAD_BYTES = 1 << 20  # text parsed as code found inside strings, over one file
PAYLOADS = 2_000  # strings parsed as code, over one file
PAYLOAD_DEPTH = 2  # code in a string in a string


@dataclass
class Budget:
    """What is left of one file's allowance for the work that is not linear in its size."""

    steps: int = STEPS
    payload: int = PAYLOAD_BYTES
    payloads: int = PAYLOADS
    exhausted: bool = False

    def payload_room(self, size: int) -> bool:
        """Whether one more string of ``size`` characters may be parsed as code (and count it)."""
        self.payloads -= 1
        self.payload -= size
        if self.payloads < 0 or self.payload < 0:
            self.exhausted = True
            return False
        return True

    def spend(self, steps: int = 1) -> bool:
        """Whether ``steps`` more steps may be taken (and take them); once not, ``exhausted`` says so."""
        self.steps -= steps
        if self.steps < 0:
            self.exhausted = True
            return False
        return True


class Findings:
    """Findings as ``(line, text)``, each text once with the lines it was seen on."""

    MAX_SHOWN = 40

    def __init__(self) -> None:
        self.seen: dict[str, list[int]] = {}

    def add(self, line: int, text: str) -> None:
        """Record ``text`` as seen on ``line`` (the first thousand lines of each text are kept)."""
        lines = self.seen.setdefault(text, [])
        if len(lines) < 1_000 and line not in lines:
            lines.append(line)

    def items(self) -> list[tuple[int, str]]:
        """Every ``(line, text)`` recorded."""
        return [(line, text) for text, lines in self.seen.items() for line in lines]

    def lines(self) -> tuple[str, ...]:
        """The flags: ``"line N: text"`` once per text at its first line, with how many more lines
        had it, first line first, at most ``MAX_SHOWN`` of them (the last then counts the rest)."""
        out = []
        for text, lines in self.seen.items():
            first = min(lines)
            also = (
                f" (and on {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})"
                if len(lines) > 1
                else ""
            )
            out.append((first, f"line {first}: {text}{also}"))
        out.sort()
        shown = [line for _, line in out[: self.MAX_SHOWN]]
        if len(out) > self.MAX_SHOWN:
            more, listed = len(out) - self.MAX_SHOWN + 1, self.MAX_SHOWN - 1
            shown[-1] = f"and {more} more flags (the scan lists the first {listed})"
        return tuple(shown)


def parse(text: str) -> ast.Module | None:
    """``text``'s tree, or ``None`` when it does not parse here or would parse too slowly."""
    if text.count("{") > MAX_BRACES:
        return None
    with LOCK, warnings.catch_warnings():  # warnings filters are process-wide, too
        warnings.simplefilter("ignore")  # invalid escapes in candidate strings are not the host's business
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None


def line_of(node: ast.AST) -> int:
    """The line ``node`` starts on (1 for nodes without one)."""
    return int(getattr(node, "lineno", 0) or 0) or 1


_LEAVES = frozenset(
    {ast.Name, ast.Constant, ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal}
)


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``node``'s child nodes, leaving out the load/store markers (``ast.iter_child_nodes``, faster)."""
    out: list[ast.AST] = []
    if type(node) in _LEAVES:
        return out
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            if not isinstance(value, ast.expr_context):
                out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, ast.AST))
    return out


def names_in(target: ast.AST) -> Iterator[str]:
    """Every name bound by an assignment target such as ``a, (b, *c)``."""
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id


# -- the tree scan ----------------------------------------------------------------------------

OP_NODES = (
    ast.Call,
    ast.BinOp,
    ast.UnaryOp,
    ast.JoinedStr,
    ast.Subscript,
    ast.ListComp,
    ast.GeneratorExp,
    ast.SetComp,
    ast.DictComp,
)
OP_TYPES = frozenset(OP_NODES)
_FUNCTIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})
Taint = tuple[bool, bool]  # (may be made of constants only, may be text built from them)
NEUTRAL: Taint = (True, False)
NOTHING: Taint = (False, False)


class Analysis:
    """One parsed module: who is bound to what, which values are built from constants, and the rules."""

    def __init__(self, tree: ast.Module, found: Findings, budget: Budget, depth: int) -> None:
        self.tree = tree
        self.found = found
        self.budget = budget
        self.depth = depth
        self._taint_rules = self._taint_rules_table()
        self.parent: dict[int, ast.AST] = {}
        self.children: dict[int, list[ast.AST]] = {}
        self.nodes: list[tuple[ast.AST, str]] = []
        stack: list[tuple[ast.AST, ast.AST | None, str]] = [(tree, None, "module")]
        while stack:  # pre-order, without recursion
            node, parent, scope = stack.pop()
            key = id(node)
            children = child_nodes(node)
            if parent is not None:
                self.parent[key] = parent
            self.children[key] = children
            self.nodes.append((node, scope))
            if children:
                kind = type(node)
                inner = "function" if kind in _FUNCTIONS else "class" if kind is ast.ClassDef else scope
                stack.extend((child, node, inner) for child in children)
        # name -> what it is bound to, file-wide (a may-analysis: any binding counts)
        self.values: dict[str, list[ast.expr]] = {}
        self.elements: dict[str, list[ast.expr]] = {}  # loop and comprehension targets: elements of these
        self.augmented: dict[str, list[ast.expr]] = {}
        self.imported: dict[str, set[str]] = {}
        self.modules_bound: set[str] = set()  # bound by ``import x`` (a module object)
        self.defs: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.lambdas: dict[str, list[ast.Lambda]] = {}
        self.bound: set[str] = set()
        self.module_defined: set[str] = set()  # def, class or import at module scope
        self.module_assigned: set[str] = set()
        self.deleted: set[str] = set()
        self.stars: list[str] = []
        self.qualnames: dict[str, frozenset[str]] = {}
        self.taint: dict[tuple[str, str], Taint] = {}
        self.folded: dict[int, object] = {}
        self._collect()
        # Caches, from the moment what names stand for is known for good.
        self.resolved: dict[int, frozenset[str]] | None = None
        self.names_resolved: dict[str, frozenset[str]] | None = None
        self._resolve_names()
        self.resolved, self.names_resolved = {}, {}
        self._spread_taint()
        self.node_taint: dict[int, Taint] = {}
        for node, _ in reversed(self.nodes):  # pre-order reversed: children before their parent
            self.node_taint[id(node)] = self._taint_of(node, self.node_taint)

    def add(self, node: ast.AST, text: str) -> None:
        """Flag ``text`` at ``node``'s line."""
        self.found.add(line_of(node), text)

    # -- bindings

    def _collect(self) -> None:
        handlers: dict[type, Callable[[Any, str], object]] = {
            ast.Assign: self._bind_assignment,
            ast.AnnAssign: self._bind_assignment,
            ast.AugAssign: self._bind_augmented,
            ast.NamedExpr: lambda n, scope: self._bind(n.target, n.value, scope),
            ast.For: lambda n, scope: self._bind_loop(n.target, n.iter, scope),
            ast.AsyncFor: lambda n, scope: self._bind_loop(n.target, n.iter, scope),
            ast.comprehension: lambda n, scope: self._bind_loop(n.target, n.iter, scope),
            ast.Import: self._bind_import,
            ast.ImportFrom: self._bind_import,
            ast.FunctionDef: self._bind_function,
            ast.AsyncFunctionDef: self._bind_function,
            ast.ClassDef: lambda n, scope: self._define(n.name, scope),
            ast.Name: self._bind_name,
            ast.arg: lambda n, scope: self.bound.add(n.arg),
            ast.ExceptHandler: lambda n, scope: self.bound.update([n.name] if n.name else []),
            # a name rebound from another scope hides no builtin
            ast.Global: lambda n, scope: self.deleted.update(n.names),
            ast.Nonlocal: lambda n, scope: self.deleted.update(n.names),
        }
        calls = []
        for node, scope in self.nodes:
            handler = handlers.get(type(node))
            if handler is not None:
                handler(node, scope)
            elif type(node) is ast.Call:
                calls.append(node)
        for call in calls:
            if isinstance(call.func, ast.Name) and call.func.id in self.defs:
                for definition in self.defs[call.func.id]:
                    self._bind_arguments(definition, call)

    def _bind_assignment(self, node: ast.Assign | ast.AnnAssign, scope: str) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None:
            for target in targets:
                self._bind(target, node.value, scope)

    def _bind_augmented(self, node: ast.AugAssign, scope: str) -> None:
        if isinstance(node.target, ast.Name):
            self.augmented.setdefault(node.target.id, []).append(node.value)

    def _bind_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str) -> None:
        self.defs.setdefault(node.name, []).append(node)
        self._bind_parameters(node)
        self._define(node.name, scope)

    def _bind_name(self, node: ast.Name, scope: str) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.bound.add(node.id)
            if isinstance(node.ctx, ast.Del):
                self.deleted.add(node.id)

    def _define(self, name: str, scope: str) -> None:
        self.bound.add(name)
        if scope == "module":
            self.module_defined.add(name)

    def _bind(self, target: ast.AST, value: ast.expr, scope: str) -> None:
        if isinstance(target, ast.Name):
            self.values.setdefault(target.id, []).append(value)
            self.bound.add(target.id)
            if scope == "module":
                self.module_assigned.add(target.id)
            if isinstance(value, ast.Lambda):
                self.lambdas.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value, scope)
        elif isinstance(target, ast.Tuple | ast.List):
            pairs = isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts)
            starred = any(isinstance(e, ast.Starred) for e in target.elts)
            if pairs and not starred and isinstance(value, ast.Tuple | ast.List):
                for t, v in zip(target.elts, value.elts, strict=True):
                    self._bind(t, v, scope)
            else:
                for name in names_in(target):
                    self.elements.setdefault(name, []).append(value)
                    self.bound.add(name)

    def _bind_loop(self, target: ast.AST, iterable: ast.expr, scope: str) -> None:
        if isinstance(iterable, ast.Tuple | ast.List | ast.Set):
            for element in iterable.elts:
                self._bind(target, element, scope)
            return
        for name in names_in(target):
            self.elements.setdefault(name, []).append(iterable)
            self.bound.add(name)

    def _bind_import(self, node: ast.Import | ast.ImportFrom, scope: str) -> None:
        for alias in node.names:
            if isinstance(node, ast.Import):
                qualname = alias.name if alias.asname else alias.name.partition(".")[0]
                name = alias.asname or qualname
                self.modules_bound.add(name)
            elif node.level or not node.module:
                continue  # a relative import: solution.py is not in a package, it cannot run
            elif alias.name == "*":
                self.stars.append(canonical(node.module))
                continue
            else:
                qualname = f"{node.module}.{alias.name}"
                name = alias.asname or alias.name
            self.imported.setdefault(name, set()).add(through_reexports(canonical(qualname)))
            self._define(name, scope)
            if name == "__getattr__" and scope == "module":
                self.add(node, MODULE_GETATTR)

    def _bind_parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        for param, default in zip(
            positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
        ):
            self.values.setdefault(param.arg, []).append(default)
        for param, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                self.values.setdefault(param.arg, []).append(kw_default)

    def _bind_arguments(self, node: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> None:
        positional = [*node.args.posonlyargs, *node.args.args]
        for param, arg in zip(positional, call.args, strict=False):
            if isinstance(arg, ast.Starred):
                break
            self.values.setdefault(param.arg, []).append(arg)
        names = {p.arg for p in [*positional, *node.args.kwonlyargs]}
        for keyword in call.keywords:
            if keyword.arg in names:
                self.values.setdefault(keyword.arg, []).append(keyword.value)

    # -- what names stand for: modules and their members, through aliases

    def _resolve_names(self) -> None:
        sources = {n: vs for n, vs in self.values.items() if n not in ("self", "cls")}
        reads: dict[str, set[str]] = {n: set() for n in self.imported}
        for name, values in sources.items():
            reads.setdefault(name, set()).update(n for kind, n in self._loads(values) if kind == "name")

        def evaluate(name: str) -> frozenset[str]:
            out = set(self.imported.get(name, ()))
            for value in sources.get(name, ()):
                if not isinstance(value, ast.Lambda):
                    out |= self.resolve(value)
            old = self.qualnames.get(name, EMPTY)
            return frozenset(out) if len(out) <= 32 else old  # values only grow: a big set stops growing

        _fixpoint(reads, evaluate, self.qualnames, EMPTY, self.budget)  # evaluate reads the table it fills

    def name_qualnames(self, name: str) -> frozenset[str]:
        """What the name ``name`` may stand for, as qualified names (``gc``, ``builtins.eval``)."""
        cache = self.names_resolved
        if cache is not None and name in cache:
            return cache[name]
        found = set(self.qualnames.get(name, EMPTY))
        if name == "__builtins__":
            found.add("builtins")
        elif name in BUILTIN_NAMES and (
            name not in self.bound or (name in WATCHED_BUILTINS and not self._shadowed(name))
        ):
            found.add(f"builtins.{name}")
        if name not in self.bound:
            found.update(canonical(f"{m}.{name}") for m in self.stars)
        if cache is not None:
            cache[name] = frozenset(found)
        return frozenset(found)

    def _shadowed(self, name: str) -> bool:
        if name in self.deleted:
            return False
        if name in self.module_defined:
            return True
        if name in self.module_assigned:
            qualnames = self.qualnames.get(name, EMPTY)
            return bool(qualnames) and not any(q.startswith("builtins.") for q in qualnames)
        return False

    def resolve(self, expr: ast.AST, depth: int = 0) -> frozenset[str]:
        """The qualified names ``expr`` may stand for (``os.path.join``), empty when unknown."""
        cache = self.resolved
        if cache is None or id(expr) not in self.children:
            return self._resolve(expr, depth)
        if id(expr) not in cache:
            cache[id(expr)] = self._resolve(expr, depth)
        return cache[id(expr)]

    def _resolve(self, expr: ast.AST, depth: int) -> frozenset[str]:
        attributes: list[str] = []
        node = expr
        while isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
            if not self.budget.spend():
                return EMPTY
        bases = self._resolve_base(node, depth)
        if not bases or not attributes:
            return bases
        suffix = ".".join(reversed(attributes))
        return frozenset(through_reexports(canonical(f"{b}.{suffix}")) for b in bases)

    def _resolve_base(self, node: ast.AST, depth: int) -> frozenset[str]:
        if depth > 8 or not self.budget.spend():
            return EMPTY
        if isinstance(node, ast.Name):
            return self.name_qualnames(node.id)
        if isinstance(node, ast.Call):
            functions = self.resolve(node.func, depth + 1)
            first = node.args[0] if node.args else None
            name = _text_of(first)
            if functions & (IMPORTERS | {"sys.modules.get"}) and name:
                return frozenset({canonical(name), canonical(name.partition(".")[0])})
            if "builtins.getattr" in functions and len(node.args) >= 2 and _text_of(node.args[1]):
                owners = self.resolve(node.args[0], depth + 1)
                return frozenset(canonical(f"{q}.{_text_of(node.args[1])}") for q in owners)
            if "builtins.vars" in functions and len(node.args) == 1:
                return frozenset(f"{q}.__dict__" for q in self.resolve(node.args[0], depth + 1))
            return EMPTY
        key = _text_of(node.slice) if isinstance(node, ast.Subscript) else None
        if isinstance(node, ast.Subscript) and key:
            out = set()
            for q in self.resolve(node.value, depth + 1):
                if q == "sys.modules":
                    out.add(canonical(key))
                elif q.endswith(".__dict__"):
                    out.add(canonical(f"{q[: -len('.__dict__')]}.{key}"))
                elif q == "builtins":
                    out.add(f"builtins.{key}")
            return frozenset(out)
        if isinstance(node, ast.IfExp):
            return self.resolve(node.body, depth + 1) | self.resolve(node.orelse, depth + 1)
        if isinstance(node, ast.BoolOp):
            return frozenset().union(*(self.resolve(v, depth + 1) for v in node.values))
        if isinstance(node, ast.NamedExpr):
            return self.resolve(node.value, depth + 1)
        return EMPTY

    def foreign(self, expr: ast.AST) -> frozenset[str]:
        """What ``expr`` may stand for that belongs to another module (or builtins), writable
        objects a fair answer uses (``flask.g``) left out."""
        return frozenset(
            q for q in self.resolve(expr) if not any(q == w or q.startswith(w + ".") for w in OBJECTS)
        )

    # -- taint: values built from constants only, and text built from them

    def _spread_taint(self) -> None:
        sources: dict[tuple[str, str], list[tuple[str, ast.expr]]] = {}
        for name, values in self.values.items():
            sources.setdefault(("name", name), []).extend(("value", v) for v in values)
        for name, iterables in self.elements.items():
            sources.setdefault(("name", name), []).extend(("value", v) for v in iterables)
        for name, values in self.augmented.items():
            sources.setdefault(("name", name), []).extend(("built", v) for v in values)
        for name, definitions in self.defs.items():
            for definition in definitions:
                sources.setdefault(("returns", name), []).extend(("value", r) for r in _returns(definition))
        for name, lambdas in self.lambdas.items():
            sources.setdefault(("returns", name), []).extend(("value", lam.body) for lam in lambdas)

        def evaluate(key: tuple[str, str]) -> Taint:
            made, built = False, False
            for kind, expr in sources.get(key, ()):
                m, b = self._evaluate(expr, into_lambdas=False).get(id(expr), NOTHING)
                made, built = made or m, built or b or (kind == "built" and m)
            return made, built

        reads = {key: set(self._loads(e for _, e in exprs)) for key, exprs in sources.items()}
        _fixpoint(reads, evaluate, self.taint, NOTHING, self.budget)  # evaluate reads the table it fills

    def _loads(self, roots: Iterable[ast.AST]) -> Iterator[tuple[str, str]]:
        """``("name", x)`` for every name read under ``roots``, ``("returns", f)`` for every ``f(...)``."""
        stack = list(roots)
        while stack:
            node = stack.pop()
            if not self.budget.spend():
                return
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                yield "name", node.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                yield "returns", node.func.id
            stack.extend(self.children.get(id(node), ()))

    def _evaluate(self, root: ast.AST, *, into_lambdas: bool) -> dict[int, Taint]:
        """Taint of ``root`` and every expression under it, bottom-up and without recursion."""
        results: dict[int, Taint] = {}
        stack: list[tuple[ast.AST, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                results[id(node)] = self._taint_of(node, results)
                continue
            if not self.budget.spend():
                return results
            stack.append((node, True))
            if isinstance(node, ast.Lambda) and not into_lambdas:
                continue
            stack.extend((c, False) for c in self._children_of(node))
        return results

    def _taint_of(self, node: ast.AST, results: dict[int, Taint]) -> Taint:
        """The taint of ``node`` from its children's (in ``results``)."""
        rule = self._taint_rules.get(type(node))
        if rule is not None:
            return rule(node, results)
        return NOTHING if isinstance(node, ast.expr) else NEUTRAL  # await, yield: not constants

    def _taint_rules_table(self) -> dict[type, Callable[[Any, dict[int, Taint]], Taint]]:
        def constant(node: ast.Constant, results: dict[int, Taint]) -> Taint:
            return NEUTRAL

        def passes(node: Any, results: dict[int, Taint]) -> Taint:
            return results.get(id(node.value), NOTHING)

        def items(node: ast.AST, results: dict[int, Taint]) -> Taint:
            return _all_of(self._children_of(node), results)

        def operation(node: ast.AST, results: dict[int, Taint]) -> Taint:
            made = _all_of(self._children_of(node), results)[0]
            return made, made

        def name(node: ast.Name, results: dict[int, Taint]) -> Taint:
            if not isinstance(node.ctx, ast.Load):
                return NEUTRAL
            made, built = self.taint.get(("name", node.id), NOTHING)
            if not made and (node.id in ("__doc__", "__name__") or pure(self.name_qualnames(node.id))):
                made = True
            return made, built

        def attribute(node: ast.Attribute, results: dict[int, Taint]) -> Taint:
            if node.attr in ("__doc__", "__name__", "__qualname__") or pure(self.resolve(node)):
                return NEUTRAL
            return results.get(id(node.value), NOTHING)

        def call(node: ast.Call, results: dict[int, Taint]) -> Taint:
            return self._call_taint(node, _all_of((*node.args, *node.keywords), results), results)

        def joined(node: ast.JoinedStr, results: dict[int, Taint]) -> Taint:
            made, built = _all_of(node.values, results)
            return made, made and (built or any(isinstance(v, ast.FormattedValue) for v in node.values))

        def choice(node: Any, results: dict[int, Taint]) -> Taint:
            branches = node.values if isinstance(node, ast.BoolOp) else (node.body, node.orelse)
            taints = [results.get(id(b), NOTHING) for b in branches]
            return any(m for m, _ in taints), any(b for _, b in taints)

        def compare(node: ast.Compare, results: dict[int, Taint]) -> Taint:
            return _all_of((node.left, *node.comparators), results)[0], False

        def subscript(node: ast.Subscript, results: dict[int, Taint]) -> Taint:
            made, built = _all_of((node.value, node.slice), results)
            if not made or built:
                return made, built
            return made, isinstance(self.fold(node.value), str | bytes)  # a slice of text, not an item

        def comprehension(node: Any, results: dict[int, Taint]) -> Taint:
            made, built = _all_of(self._children_of(node), results)
            element = getattr(node, "elt", None) or getattr(node, "value", None)
            return made, made and (built or isinstance(element, OP_NODES))

        def generator(node: ast.comprehension, results: dict[int, Taint]) -> Taint:
            return results.get(id(node.iter), NOTHING)

        def function(node: ast.Lambda, results: dict[int, Taint]) -> Taint:
            return True, isinstance(node.body, OP_NODES)

        table: dict[type, Callable[[Any, dict[int, Taint]], Taint]] = {
            ast.Constant: constant,
            ast.Name: name,
            ast.Attribute: attribute,
            ast.Call: call,
            ast.BinOp: operation,
            ast.UnaryOp: operation,
            ast.JoinedStr: joined,
            ast.BoolOp: choice,
            ast.IfExp: choice,
            ast.Compare: compare,
            ast.Subscript: subscript,
            ast.ListComp: comprehension,
            ast.SetComp: comprehension,
            ast.GeneratorExp: comprehension,
            ast.DictComp: comprehension,
            ast.comprehension: generator,
            ast.Lambda: function,
        }
        table.update(dict.fromkeys((ast.FormattedValue, ast.Starred, ast.NamedExpr, ast.keyword), passes))
        table.update(dict.fromkeys((ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Slice), items))
        return table

    def _children_of(self, node: ast.AST) -> list[ast.AST]:
        children = self.children.get(id(node))
        return child_nodes(node) if children is None else children

    def _call_taint(self, node: ast.Call, arguments: Taint, results: dict[int, Taint]) -> Taint:
        func = node.func
        made = arguments[0]
        if isinstance(func, ast.Name) and (func.id in self.defs or func.id in self.lambdas):
            return self.taint.get(("returns", func.id), NOTHING)
        functions = self.resolve(func)
        if functions & STRUCTURAL:
            return arguments
        if pure(functions):
            return made, made
        if isinstance(func, ast.Attribute) and func.attr in TEXT_METHODS:
            if results.get(id(func.value), NOTHING)[0]:
                return made, made  # a text method of a value made of constants
        return NOTHING

    # -- the rules

    def run(self) -> None:
        """Apply every rule to every node (one pass, whatever is left of the budget)."""
        rules: dict[type, Callable[[Any, str], object]] = {
            ast.Import: lambda n, scope: self._check_import(n),
            ast.ImportFrom: lambda n, scope: self._check_import(n),
            ast.Name: self._check_name,
            ast.Attribute: lambda n, scope: self._check_attribute(n, n.value, n.attr, n.ctx),
            ast.Call: self._check_call,
            ast.Constant: self._check_constant,
            ast.FunctionDef: self._check_definition,
            ast.AsyncFunctionDef: self._check_definition,
            ast.ClassDef: self._check_definition,
            ast.Global: self._check_global,
            ast.BinOp: self._check_division,
        }
        for node, scope in self.nodes:
            rule = rules.get(type(node))
            if rule is not None:
                rule(node, scope)
            if type(node) in OP_TYPES and self._outermost_built(node):
                for value in self.options(node) or ():
                    if isinstance(value, str | bytes):
                        self._check_text(node, _as_text(value), built=True)

    def _check_constant(self, node: ast.Constant, scope: str) -> None:
        if isinstance(node.value, str | bytes):
            self._check_text(node, _as_text(node.value), built=False)

    def _check_global(self, node: ast.Global, scope: str) -> None:
        if "__getattr__" in node.names:
            self.add(node, MODULE_GETATTR)

    def _check_division(self, node: ast.BinOp, scope: str) -> None:
        if isinstance(node.op, ast.Div):  # pathlib's a / b
            self._check_path_pieces((node.left, node.right))

    def _check_definition(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, scope: str
    ) -> None:
        if node.name == "__getattr__" and scope == "module":
            self.add(node, MODULE_GETATTR)

    def _check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                message = module_message(canonical(alias.name))
                if message:
                    self.add(node, message)
            return
        if node.level or not node.module:
            return
        module = canonical(node.module)
        message = module_message(module)
        if message:
            self.add(node, message)
        for alias in node.names:
            qualname = canonical(f"{module}.{alias.name}")
            message = module_message(qualname) or MEMBERS.get(qualname, "")
            if message:
                self.add(node, message)

    def _check_name(self, node: ast.Name, scope: str) -> None:
        if node.id == "__builtins__":
            self.add(node, ATTRIBUTES["__builtins__"])
        if not isinstance(node.ctx, ast.Load):
            if node.id == "__getattr__" and scope == "module" and isinstance(node.ctx, ast.Store):
                self.add(node, MODULE_GETATTR)
            return
        qualnames = self.name_qualnames(node.id)
        for q in qualnames:
            if q in MEMBERS:
                self.add(node, MEMBERS[q])
        parent = self.parent.get(id(node))
        called = isinstance(parent, ast.Call) and parent.func is node
        for q in qualnames & {"builtins.getattr", "builtins.setattr", "builtins.delattr"}:
            if not called:
                self.add(node, f"{q.partition('.')[2]} passed around as a value hides what it reaches")

    def _check_attribute(self, node: ast.AST, value: ast.expr, attribute: str, ctx: ast.expr_context) -> None:
        members = [
            q
            for q in self.resolve(ast.Attribute(value=value, attr=attribute, ctx=ast.Load()))
            if q in MEMBERS
        ]
        for q in members:
            self.add(node, MEMBERS[q])
        if attribute in ATTRIBUTES and not members:
            self.add(node, ATTRIBUTES[attribute])
        if attribute == "__dict__" and self.foreign(value):
            self.add(node, "__dict__ of an imported module or class reaches its namespace")
        if isinstance(ctx, ast.Store | ast.Del):
            self._check_store(node, value)

    def _check_store(self, node: ast.AST, owner: ast.expr) -> None:
        foreign = self.foreign(owner)
        if any(q == "builtins" or q.startswith("builtins.") for q in foreign):
            self.add(node, "patches builtins, the interpreter's own names")
        elif foreign:
            self.add(node, f"assigns to an attribute of an imported module or class{package_of(foreign)}")
        elif (
            isinstance(owner, ast.Call)
            and "builtins.type" in self.resolve(owner.func)
            and len(owner.args) == 1
            and not _is_self(owner.args[0])
        ):
            self.add(node, STORE_THROUGH.format(how="type()"))
        elif isinstance(owner, ast.Attribute) and owner.attr == "__class__" and not _is_self(owner.value):
            self.add(node, STORE_THROUGH.format(how="__class__"))

    def _check_call(self, node: ast.Call, scope: str) -> None:
        functions = self.resolve(node.func)
        args = node.args
        for q in functions & REFLECTIVE.keys():
            kind, owner, name, ctx = REFLECTIVE[q]
            self._check_reflective(node, kind, _arg(args, owner), _arg(args, name), ctx)
        if isinstance(node.func, ast.Attribute) and node.func.attr in DUNDER_REFLECTIVE:
            method, unbound, access = DUNDER_REFLECTIVE[node.func.attr]
            if len(args) >= unbound:
                self._check_reflective(node, method, args[0], args[1], access)
            else:
                self._check_reflective(node, method, node.func.value, _arg(args, 0), access)
        if functions & {"operator.attrgetter", "operator.methodcaller"}:
            names = args if "operator.attrgetter" in functions else args[:1]
            for attribute in names:
                self._check_reflective(node, "attrgetter", None, attribute, "load")
        for q in functions & CALLS.keys():
            self.add(node, CALLS[q])
        if functions & IMPORTERS:
            module = _text_of(_arg(args, 0))
            if not module:
                self.add(node, "imports a module whose name is computed")
            else:
                message = module_message(canonical(module))
                if message:
                    self.add(node, message)
        if "builtins.vars" in functions:
            if not args and scope == "module":
                self.add(node, "vars() at module level hands out the module's namespace")
            elif args and self.foreign(args[0]):
                self.add(node, "vars() of an imported module or class reaches its namespace")
        if "builtins.locals" in functions and scope == "module":
            self.add(node, "locals() at module level hands out the module's namespace")
        if functions & OPENERS and self._is_descriptor(_arg(args, 0) or _keyword(node, "file")):
            self.add(node, "open() of a file descriptor by number")
        if functions & PATH_FUNCTIONS:
            self._check_path_pieces(node.args)
        if "socket.socket" in functions and _keyword(node, "fileno") is not None:
            self.add(node, "socket(fileno=...) opens a file descriptor by number")
        if "builtins.type" in functions and len(args) == 1:
            if isinstance(args[0], ast.Lambda):
                self.add(node, "type(lambda) reaches the function type, which builds functions from code")
            elif isinstance(args[0], ast.Name) and args[0].id in self.modules_bound:
                self.add(node, "type() of a module reaches the module type, which builds modules by hand")
        if functions & {"timeit.timeit", "timeit.repeat", "timeit.Timer"}:
            statement = _arg(args, 0) or _keyword(node, "stmt")
            if statement is not None and (
                _text_of(statement) or self.node_taint.get(id(statement), NOTHING)[1]
            ):
                self.add(node, "timeit runs code given as text")

    def _check_reflective(
        self, call: ast.Call, kind: str, owner: ast.expr | None, name: ast.expr | None, ctx: str
    ) -> None:
        if name is None:
            return
        text = _text_of(name)
        if text is not None:
            if owner is not None:
                context: ast.expr_context = {"load": ast.Load(), "store": ast.Store(), "del": ast.Del()}[ctx]
                self._check_attribute(call, owner, text, context)
            return
        if self.node_taint.get(id(name), NOTHING)[1]:
            options = self.options(name)
            if options is None or any(suspicious(o) for o in options):
                self.add(call, f"{kind} with a name built at run time")
        if _dunder_part(name):
            self.add(call, f"{kind} with a computed dunder name")
        if self._picked_by_position(name):
            self.add(call, f"{kind} with a name picked by position from dir() or vars()")
        if owner is not None:
            foreign = self.foreign(owner)
            if ctx == "load":
                foreign = frozenset(q for q in foreign if q.partition(".")[0] not in READABLE)
            if foreign:
                self.add(
                    call, f"{kind} with a computed name on an imported module or class{package_of(foreign)}"
                )
            elif ctx != "load":
                self._check_store(call, owner)

    def _check_path_pieces(self, pieces: Iterable[ast.expr]) -> None:
        for piece in pieces:
            text = _text_of(piece)
            if text is not None and text.strip("/") in PATH_PIECES:
                self.add(piece, PATH_PIECES[text.strip("/")])

    def _picked_by_position(self, name: ast.expr) -> bool:
        """Whether a computed name is taken by position from a listing of names (``dir(tb)[0]``)."""
        for expr in [name, *(self.values.get(name.id, []) if isinstance(name, ast.Name) else [])]:
            if not isinstance(expr, ast.Subscript) or not self.node_taint.get(id(expr.slice), NOTHING)[0]:
                continue
            for i, inner in enumerate(ast.walk(expr.value)):
                if i > 50:
                    break
                if isinstance(inner, ast.Call) and self.resolve(inner.func) & {
                    "builtins.dir",
                    "builtins.vars",
                }:
                    return True
                if isinstance(inner, ast.Attribute) and inner.attr in ("__dict__", "__dir__"):
                    return True
        return False

    def _is_descriptor(self, expr: ast.expr | None) -> bool:
        if expr is None:
            return False
        for i, node in enumerate(ast.walk(expr)):
            if i > 200:
                break
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "fileno"
            ):
                return True
        value = self.fold(expr) if self.node_taint.get(id(expr), NOTHING)[0] else NO
        return isinstance(value, int) and not isinstance(value, bool)

    def _outermost_built(self, node: ast.AST) -> bool:
        if not self.node_taint.get(id(node), NOTHING)[1]:
            return False
        parent = self.parent.get(id(node))
        while isinstance(parent, ast.keyword | ast.Starred):
            parent = self.parent.get(id(parent))
        return not (isinstance(parent, ast.expr) and self.node_taint.get(id(parent), NOTHING)[1])

    def _check_text(self, node: ast.AST, text: str, *, built: bool) -> None:
        if not text:
            return
        if built and text in HIDDEN_NAMES:
            self.add(node, f"builds the name {text} at run time")
        for token in sorted({m.group(1) for m in TOKEN_RE.finditer(text, 0, 1 << 16)})[:3]:
            self.add(node, f"builds the name {token} at run time" if built else f"a string names {token}")
        if PROC_RE.search(text):
            self.add(node, "builds a /proc path at run time" if built else "names a /proc path")
        if not built and TEST_FILES_RE.search(text):
            self.add(node, "names the grader's test files")
        if self.depth < PAYLOAD_DEPTH and CODE_TRIGGER.search(text) and self.budget.payload_room(len(text)):
            tree = parse(text)  # text that is not code is only text: no salvage, no text search
            if tree is None:
                return
            inner = Findings()
            Analysis(tree, inner, self.budget, self.depth + 1).run()
            where = "code built at run time" if built else "code inside a string"
            for _, message in sorted(inner.items()):
                self.add(node, f"{where}: {message}")

    # -- folding: the value of an expression made of constants

    def options(self, node: ast.AST) -> list[object] | None:
        """Every value ``node`` may fold to, trying each value of the names it reads that have
        several (``for role in ("author", "editor")``); ``None`` when one of them has none."""
        free: dict[str, tuple[object, ...]] = {}
        for kind, name in self._loads([node]):
            if kind == "name" and name not in free:
                alternatives = self._alternatives(name)
                if alternatives:
                    free[name] = alternatives
        if _product(len(v) for v in free.values()) > 64:
            return None
        folder = Folder(self)
        results = []
        for combination in itertools.product(*free.values()):
            value = folder.fold(node, dict(zip(free, combination, strict=True)), 0)
            if value is NO:
                return None
            results.append(value)
        return results

    def _alternatives(self, name: str) -> tuple[object, ...] | None:
        """The values of a name bound to several constants (or the items of one), else ``None``."""
        values, elements = self.values.get(name, []), self.elements.get(name, [])
        if name in self.augmented or name in self.defs or (len(values) < 2 and not elements):
            return None
        found: list[object] = []
        for value in values:
            folded = self.fold(value)
            if folded is NO:
                return None
            found.append(folded)
        for iterable in elements:
            folded = self.fold(iterable)
            if not isinstance(folded, tuple | str | bytes):
                return None
            found.extend(folded)
        unique = tuple(dict.fromkeys(v for v in found if isinstance(v, str | bytes | int | tuple)))
        return unique if len(unique) == len(set(map(repr, found))) and len(unique) <= 64 else None

    def fold(self, node: ast.AST) -> object:
        """The value ``node`` evaluates to when it is made of constants only, else ``NO``."""
        key = id(node)
        if key not in self.folded:
            self.folded[key] = NO  # a value defined in terms of itself has none
            self.folded[key] = Folder(self).fold(node, {}, 0)
        return self.folded[key]


def _fixpoint(
    reads: dict[Any, set[Any]],
    evaluate: Callable[[Any], Any],
    table: dict[Any, Any],
    bottom: Any,
    budget: Budget,
) -> None:
    """Fill ``table`` so that ``table[k] == evaluate(k)`` for every key of ``reads``, where
    ``reads[k]`` are the keys ``evaluate(k)`` looks up: a worklist, each key evaluated again only
    when one it reads has changed. Values only grow, so it ends; the budget bounds it anyway."""
    dependents: dict[Any, list[Any]] = {}
    for key, read in reads.items():
        for other in read:
            dependents.setdefault(other, []).append(key)
    queue = deque(reads)
    queued = set(reads)
    while queue:
        key = queue.popleft()
        queued.discard(key)
        if not budget.spend():
            return
        value = evaluate(key)
        if value != table.get(key, bottom):
            table[key] = value
            for other in dependents.get(key, ()):
                if other not in queued:
                    queued.add(other)
                    queue.append(other)


def _returns(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    """The values ``node`` itself returns (not those of functions nested in it)."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Return) and current.value is not None:
            yield current.value
        elif not isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(current))


def _text_of(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _as_text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _arg(args: list[ast.expr], index: int) -> ast.expr | None:
    if index < len(args) and not isinstance(args[index], ast.Starred):
        return args[index]
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _all_of(children: Iterable[ast.AST | None], results: dict[int, Taint]) -> Taint:
    """Made of constants when every child is; built when one is."""
    made, built = True, False
    for child in children:
        if child is not None:
            m, b = results.get(id(child), NOTHING)
            made, built = made and m, built or b
    return made, built


def _product(numbers: Iterable[int]) -> int:
    total = 1
    for n in numbers:
        total *= n
    return total


def _dunder_part(node: ast.AST) -> bool:
    """Whether a computed name has a constant piece with ``__`` in it (``"__" + name``)."""
    for i, child in enumerate(ast.walk(node)):
        if i > 200:
            return False
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and "__" in child.value:
            return True
    return False
