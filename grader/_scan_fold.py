"""The folder: the value of an expression made of constants, as far as the scan needs it.

Text built with ``+``, ``%``, f-strings, ``chr``, ``join``, slicing, ``bytes``, decoding,
base64, hex, zlib and codecs is computed so that the scan can say which name is being
hidden. Every value is size-capped before it is made, and every step spends the scan's
budget: a decompression bomb or ``"a" * 10**9`` is simply not folded.
"""

from __future__ import annotations

import ast
import base64
import binascii
import bz2
import codecs
import lzma
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader._scan_rules import TEXT_ENCODINGS, TEXT_METHODS, pure

if TYPE_CHECKING:
    from grader._scan_tree import Analysis

MAX_VALUE = 1 << 20  # the longest text or bytes the folder makes


class NoValue:
    """The folder's answer when an expression has no value it can compute."""


NO = NoValue()
# -- the folder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Function:
    """A function the folder can apply: a pure builtin or library function, by qualified name."""

    qualname: str


@dataclass(frozen=True)
class _Method:
    """A method of a constant value (``"".join``)."""

    receiver: object
    name: str


@dataclass(frozen=True)
class _Local:
    """A function of the file's own: a lambda, or a ``def`` whose body is one ``return``."""

    parameters: tuple[str, ...]
    body: ast.expr


_Value = Any
_MAX_INT_BITS = 4096
_ITERATION_CAP = 100_000


def _small(value: object) -> bool:
    if isinstance(value, str | bytes | tuple):
        return len(value) <= MAX_VALUE
    if isinstance(value, int):
        return value.bit_length() <= _MAX_INT_BITS
    return True


class Folder:
    """Evaluates expressions made of constants, as far as the scan needs: text built with ``+``,
    ``%``, f-strings, ``chr``, ``join``, slicing, ``bytes``, decoding, base64, hex, zlib and the like.
    Every value is size-capped before it is made, and every step spends the scan's budget."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.budget = analysis.budget

    def fold(self, node: ast.AST, env: dict[str, _Value], depth: int) -> _Value:
        """The value of ``node`` with the names in ``env`` bound, or ``NO``; never raises."""
        if depth > 40 or not self.budget.spend():
            return NO
        try:
            value = self._fold(node, env, depth + 1)
        except (
            ValueError,
            TypeError,
            IndexError,
            KeyError,
            OverflowError,
            ZeroDivisionError,
            UnicodeError,
            binascii.Error,
            zlib.error,
            OSError,
            EOFError,
            LookupError,
            lzma.LZMAError,
            MemoryError,
            RecursionError,
        ):
            return NO
        return value if _small(value) else NO

    def _fold(self, node: ast.AST, env: dict[str, _Value], depth: int) -> _Value:
        fold = self.fold
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self._name(node.id, env, depth)
        if isinstance(node, ast.Attribute):
            if node.attr == "__doc__":
                return self._docstring(node.value)
            qualnames = pure(self.analysis.resolve(node))
            if qualnames:
                return _Function(min(qualnames))
            receiver = fold(node.value, env, depth)
            if receiver is NO or isinstance(receiver, _Function | _Method | _Local):
                if isinstance(receiver, _Function):
                    return _Function(f"{receiver.qualname}.{node.attr}")
                return NO
            return _Method(receiver, node.attr)
        if isinstance(node, ast.Tuple | ast.List):
            items = [fold(e, env, depth) for e in node.elts]
            return NO if any(i is NO for i in items) else tuple(items)
        if isinstance(node, ast.BinOp):
            return _binary(node.op, fold(node.left, env, depth), fold(node.right, env, depth))
        if isinstance(node, ast.UnaryOp):
            operand = fold(node.operand, env, depth)
            if isinstance(node.op, ast.Not):
                return NO if operand is NO else not operand
            if isinstance(operand, int):
                return {ast.USub: -operand, ast.UAdd: operand, ast.Invert: ~operand}[type(node.op)]
            return NO
        if isinstance(node, ast.Subscript):
            return _subscript(fold(node.value, env, depth), node.slice, lambda n: fold(n, env, depth))
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, env, depth)
        if isinstance(node, ast.IfExp):
            test = fold(node.test, env, depth)
            return NO if test is NO else fold(node.body if test else node.orelse, env, depth)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return _compare(node.ops[0], fold(node.left, env, depth), fold(node.comparators[0], env, depth))
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return self._comprehension(node, env, depth)
        if isinstance(node, ast.Lambda):
            return _Local(tuple(a.arg for a in node.args.args), node.body)
        if isinstance(node, ast.Call):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            ):
                return NO
            function = fold(node.func, env, depth)
            args = [fold(a, env, depth) for a in node.args]
            kwargs = {k.arg: fold(k.value, env, depth) for k in node.keywords if k.arg}
            if function is NO or any(a is NO for a in args) or any(v is NO for v in kwargs.values()):
                return NO
            return self.apply(function, args, kwargs, depth)
        return NO

    def _name(self, name: str, env: dict[str, _Value], depth: int) -> _Value:
        if name in env:
            return env[name]
        analysis = self.analysis
        if name == "__doc__":
            return ast.get_docstring(analysis.tree, clean=False) or NO
        qualnames = pure(analysis.name_qualnames(name))
        if qualnames and name not in analysis.values:
            return _Function(min(qualnames))
        definitions = analysis.defs.get(name, [])
        values = analysis.values.get(name, [])
        if len(definitions) == 1 and not values:
            return _local(definitions[0])
        if len(values) == 1 and name not in analysis.elements and name not in analysis.augmented:
            if not definitions and name not in analysis.imported:
                return analysis.fold(values[0]) if depth < 4 else self.fold(values[0], {}, depth)
        return NO

    def _docstring(self, owner: ast.expr) -> _Value:
        if isinstance(owner, ast.Name):
            definitions = [*self.analysis.defs.get(owner.id, [])]
            if len(definitions) == 1:
                return ast.get_docstring(definitions[0], clean=False) or NO
        return NO

    def _joined(self, node: ast.JoinedStr, env: dict[str, _Value], depth: int) -> _Value:
        parts: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
                continue
            if not isinstance(value, ast.FormattedValue) or value.format_spec is not None:
                return NO
            inner = self.fold(value.value, env, depth)
            if not isinstance(inner, str | int | bytes) or isinstance(inner, bool):
                return NO
            parts.append(repr(inner) if value.conversion == ord("r") else str(inner))
            if sum(map(len, parts)) > MAX_VALUE:
                return NO
        return "".join(parts)

    def _comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp, env: dict[str, _Value], depth: int
    ) -> _Value:
        results: list[_Value] = []

        def run(index: int, scope: dict[str, _Value]) -> bool:
            if index == len(node.generators):
                value = self.fold(node.elt, scope, depth)
                results.append(value)
                return value is not NO and len(results) <= _ITERATION_CAP
            generator = node.generators[index]
            iterable = self.fold(generator.iter, scope, depth)
            if not isinstance(iterable, str | bytes | tuple):
                return False
            for item in iterable:
                inner = dict(scope)
                if not _assign(generator.target, item, inner) or not self.budget.spend():
                    return False
                tests = [self.fold(t, inner, depth) for t in generator.ifs]
                if any(t is NO for t in tests):
                    return False
                if all(tests) and not run(index + 1, inner):
                    return False
            return True

        return tuple(results) if run(0, dict(env)) else NO

    def apply(self, function: _Value, args: list[_Value], kwargs: dict[str, _Value], depth: int) -> _Value:
        """``function(*args, **kwargs)`` for the functions the folder knows, else ``NO``."""
        if isinstance(function, _Local):
            if kwargs or len(args) != len(function.parameters):
                return NO
            return self.fold(function.body, dict(zip(function.parameters, args, strict=True)), depth)
        if isinstance(function, _Method):
            return _method(function.receiver, function.name, args, kwargs)
        if not isinstance(function, _Function):
            return NO
        name = function.qualname
        if name == "builtins.map" and len(args) == 2 and isinstance(args[1], str | bytes | tuple):
            if len(args[1]) > _ITERATION_CAP or not self.budget.spend(len(args[1])):
                return NO
            items = [self.apply(args[0], [item], {}, depth) for item in args[1]]
            return NO if any(i is NO for i in items) else tuple(items)
        if name.startswith(("builtins.str.", "builtins.bytes.")) and args and not name.endswith("fromhex"):
            return _method(args[0], name.rpartition(".")[2], args[1:], kwargs)
        return _call(name, args, kwargs)


def _local(node: ast.FunctionDef | ast.AsyncFunctionDef) -> _Value:
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if isinstance(node, ast.AsyncFunctionDef) or len(body) != 1 or not isinstance(body[0], ast.Return):
        return NO
    if body[0].value is None or node.args.vararg or node.args.kwarg or node.args.kwonlyargs:
        return NO
    return _Local(tuple(a.arg for a in [*node.args.posonlyargs, *node.args.args]), body[0].value)


def _assign(target: ast.AST, value: _Value, env: dict[str, _Value]) -> bool:
    if isinstance(target, ast.Name):
        env[target.id] = value
        return True
    if isinstance(target, ast.Tuple | ast.List) and isinstance(value, tuple | str | bytes):
        if len(target.elts) != len(value):
            return False
        return all(_assign(t, v, env) for t, v in zip(target.elts, value, strict=True))
    return False


def _binary(op: ast.operator, left: _Value, right: _Value) -> _Value:
    if left is NO or right is NO:
        return NO
    if isinstance(op, ast.Add):
        if isinstance(left, str | bytes | tuple) and type(left) is type(right):
            joined: _Value = left + right  # type: ignore[operator]  # same type, checked above
            return joined if len(left) + len(right) <= MAX_VALUE else NO
        if isinstance(left, int) and isinstance(right, int):
            return left + right
        return NO
    if isinstance(op, ast.Mult):
        if isinstance(left, int) and isinstance(right, str | bytes | tuple):
            left, right = right, left
        if isinstance(left, str | bytes | tuple) and isinstance(right, int):
            return left * right if len(left) * max(right, 0) <= MAX_VALUE else NO
        if isinstance(left, int) and isinstance(right, int):
            return left * right if left.bit_length() + right.bit_length() <= _MAX_INT_BITS else NO
        return NO
    if isinstance(op, ast.Mod) and isinstance(left, str | bytes):
        return _percent(left, right)
    if not (isinstance(left, int) and isinstance(right, int)):
        return NO
    if isinstance(op, ast.Pow):
        return left**right if 0 <= right <= 64 and left.bit_length() * right <= _MAX_INT_BITS else NO
    if isinstance(op, ast.LShift):
        return left << right if 0 <= right <= 64 else NO
    operations: dict[type, Callable[[int, int], int]] = {
        ast.Sub: int.__sub__,
        ast.FloorDiv: int.__floordiv__,
        ast.Mod: int.__mod__,
        ast.BitXor: int.__xor__,
        ast.BitAnd: int.__and__,
        ast.BitOr: int.__or__,
        ast.RShift: int.__rshift__,
    }
    operation = operations.get(type(op))
    return NO if operation is None else operation(left, right)


def _percent(template: str | bytes, args: _Value) -> _Value:
    """``template % args`` for plain ``%s``, ``%c`` and ``%d`` fields (no widths, which could be huge)."""
    text = template if isinstance(template, str) else template.decode("latin-1")
    fields = re.findall(r"%[scdr%]", text)
    if "%" in re.sub(r"%[scdr%]", "", text):
        return NO
    values = args if isinstance(args, tuple) else (args,)
    if not all(isinstance(v, str | bytes | int) for v in values) or len(fields) > 1_000:
        return NO
    return template % values


def _compare(op: ast.cmpop, left: _Value, right: _Value) -> _Value:
    if left is NO or right is NO:
        return NO
    operations: dict[type, Callable[[Any, Any], bool]] = {
        ast.Eq: lambda a, b: a == b,
        ast.NotEq: lambda a, b: a != b,
        ast.Lt: lambda a, b: a < b,
        ast.LtE: lambda a, b: a <= b,
        ast.Gt: lambda a, b: a > b,
        ast.GtE: lambda a, b: a >= b,
        ast.In: lambda a, b: a in b,
        ast.NotIn: lambda a, b: a not in b,
    }
    operation = operations.get(type(op))
    return NO if operation is None else operation(left, right)


def _subscript(value: _Value, index: ast.expr, fold: Callable[[ast.AST], _Value]) -> _Value:
    if not isinstance(value, str | bytes | tuple):
        return NO
    if isinstance(index, ast.Slice):
        parts = [None if p is None else fold(p) for p in (index.lower, index.upper, index.step)]
        if any(p is NO or not (p is None or isinstance(p, int)) for p in parts) or parts[2] == 0:
            return NO
        return value[slice(*parts)]
    position = fold(index)
    return value[position] if isinstance(position, int) and not isinstance(position, bool) else NO


_UNFOLDED = frozenset({"translate", "maketrans", "expandtabs"})  # sizes not known before they are made


def _method(receiver: _Value, name: str, args: list[_Value], kwargs: dict[str, _Value]) -> _Value:
    if not isinstance(receiver, str | bytes) or name not in TEXT_METHODS or name in _UNFOLDED:
        return NO
    if name == "join":
        if len(args) != 1 or not isinstance(args[0], tuple | str | bytes):
            return NO
        items = tuple(args[0])
        if not all(type(i) is type(receiver) for i in items):
            return NO
        size = sum(len(i) for i in items) + len(receiver) * len(items)
        return receiver.join(items) if size <= MAX_VALUE else NO
    if name == "replace":
        if len(args) not in (2, 3) or not all(type(a) is type(receiver) for a in args[:2]):
            return NO
        old, new = args[0], args[1]
        count = receiver.count(old) if old else len(receiver) + 1
        return receiver.replace(*args) if len(receiver) + count * len(new) <= MAX_VALUE else NO
    if name in ("zfill", "center", "ljust", "rjust"):
        return (
            getattr(receiver, name)(*args)
            if args and isinstance(args[0], int) and args[0] <= MAX_VALUE
            else NO
        )
    if name == "format":
        if not isinstance(receiver, str) or re.search(r"\{[^{}]*[:!][^{}]*\}", receiver) or kwargs:
            return NO
        if not all(isinstance(a, str | int) for a in args):
            return NO
        return receiver.format(*args)
    if name in ("encode", "decode"):
        encoding = args[0] if args else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str):
            return NO
        return _codec(receiver, encoding, encode=name == "encode")
    if kwargs or not all(isinstance(a, str | bytes | int) or a is None for a in args):
        return NO
    result = getattr(receiver, name)(*args)
    return tuple(result) if isinstance(result, list) else result


def _codec(value: _Value, encoding: str, *, encode: bool) -> _Value:
    """``codecs.encode``/``decode`` for text encodings and the byte transforms a hider uses."""
    name = encoding.lower().replace("_", "-")
    if name in ("rot13", "rot-13") and isinstance(value, str):
        return codecs.decode(value, "rot13")
    if isinstance(value, str) and (encode or name in ("hex", "base64")):
        value = value.encode("latin-1") if not encode or name not in TEXT_ENCODINGS else value
    if name in TEXT_ENCODINGS:
        if encode and isinstance(value, str):
            return value.encode(name)
        if not encode and isinstance(value, bytes):
            return value.decode(name)
        return NO
    if not isinstance(value, bytes):
        return NO
    if name in ("hex", "hex-codec"):
        return binascii.hexlify(value) if encode else binascii.unhexlify(value)
    if name in ("base64", "base64-codec"):
        return base64.encodebytes(value) if encode else base64.decodebytes(value)
    if name in ("zlib", "zlib-codec") and not encode:
        return _inflate(zlib.decompressobj(), value)
    if name in ("bz2", "bz2-codec") and not encode:
        return bz2.BZ2Decompressor().decompress(value, max_length=MAX_VALUE)
    return NO


def _inflate(decompressor: Any, data: bytes) -> bytes:
    out: bytes = decompressor.decompress(data, MAX_VALUE)
    if decompressor.unconsumed_tail:
        raise ValueError("larger than the folder builds")
    return out


def _call(name: str, args: list[_Value], kwargs: dict[str, _Value]) -> _Value:
    first = args[0] if args else None
    if kwargs and name not in ("builtins.bytes", "builtins.str", "codecs.decode", "codecs.encode"):
        return NO
    if name == "builtins.chr" and isinstance(first, int) and 0 <= first <= 0x10FFFF:
        return chr(first)
    if name == "builtins.ord" and isinstance(first, str | bytes) and len(first) == 1:
        return ord(first)
    if name in ("builtins.str", "builtins.bytes", "builtins.bytearray"):
        return _text_constructor(name, args, kwargs)
    if name == "builtins.int" and isinstance(first, str | bytes | int) and len(args) <= 2:
        return int(*args) if not isinstance(first, str | bytes) or len(first) <= 200 else NO
    if name in ("builtins.list", "builtins.tuple") and isinstance(first, str | bytes | tuple):
        return tuple(first)
    if name == "builtins.reversed" and isinstance(first, str | bytes | tuple):
        return tuple(reversed(first))
    if name == "builtins.sorted" and isinstance(first, str | bytes | tuple) and len(args) == 1:
        return tuple(sorted(first))
    if name == "builtins.len" and isinstance(first, str | bytes | tuple):
        return len(first)
    if name in ("builtins.hex", "builtins.oct", "builtins.bin", "builtins.abs") and isinstance(first, int):
        numeric: dict[str, Callable[[int], object]] = {
            "builtins.hex": hex,
            "builtins.oct": oct,
            "builtins.bin": bin,
            "builtins.abs": abs,
        }
        return numeric[name](first)
    if name in ("builtins.bytes.fromhex", "builtins.bytearray.fromhex") and isinstance(first, str):
        return bytes.fromhex(first)
    if name.startswith("base64.") and isinstance(first, str | bytes) and len(args) == 1:
        function: Callable[[str | bytes], bytes] = getattr(base64, name.partition(".")[2])
        return function(first.encode("latin-1") if isinstance(first, str) and "encode" in name else first)
    if name.startswith("binascii.") and isinstance(first, str | bytes) and len(args) == 1:
        transform: Callable[[str | bytes], bytes] = getattr(binascii, name.partition(".")[2])
        return transform(first)
    if name in ("codecs.decode", "codecs.encode") and first is not None:
        encoding = args[1] if len(args) > 1 else kwargs.get("encoding", "utf-8")
        return _codec(first, encoding, encode=name == "codecs.encode") if isinstance(encoding, str) else NO
    if name in ("zlib.decompress", "gzip.decompress") and isinstance(first, bytes):
        wbits = args[1] if len(args) > 1 else (31 if name.startswith("gzip") else zlib.MAX_WBITS)
        return _inflate(zlib.decompressobj(wbits), first) if isinstance(wbits, int) else NO
    if name == "bz2.decompress" and isinstance(first, bytes):
        return bz2.BZ2Decompressor().decompress(first, max_length=MAX_VALUE)
    if name == "lzma.decompress" and isinstance(first, bytes):
        return lzma.LZMADecompressor().decompress(first, max_length=MAX_VALUE)
    if name in ("operator.xor", "operator.add", "operator.concat") and len(args) == 2:
        return _binary(ast.BitXor() if name.endswith("xor") else ast.Add(), args[0], args[1])
    return NO


def _text_constructor(name: str, args: list[_Value], kwargs: dict[str, _Value]) -> _Value:
    first = args[0] if args else b"" if name != "builtins.str" else ""
    encoding = args[1] if len(args) > 1 else kwargs.get("encoding")
    if name == "builtins.str":
        if encoding is not None:
            return _codec(first, encoding, encode=False) if isinstance(encoding, str) else NO
        return str(first) if isinstance(first, str | int) and not isinstance(first, bool) else NO
    if isinstance(first, str):
        return _codec(first, encoding, encode=True) if isinstance(encoding, str) else NO
    if isinstance(first, tuple | bytes) and all(isinstance(i, int) for i in first):
        return bytes(first)
    return NO
