"""Test modules rewritten and compiled ahead of the runs that import them.

pytest rewrites the asserts of every test module it imports (to explain a
failing ``assert``) and compiles the result: a large share of a run's
collection time, and the same work for every submission graded. pytest also
loads a rewritten module from a *pyc* beside the source, when one is there
whose header matches this Python and the source's hash (pytest >= 9 writes
hash-checked pycs and corrects the file name on load). So the host asks a run
that executes no candidate code (``main`` here, inside the sandbox image, or
``compile_tests`` in-process for the local backend, whose Python is the
grader's own) for the pycs of a challenge's test files once, keeps them, and
ships them with the test files. pytest checks each one; one that does not fit
is ignored and the module rewritten as before.

Protocol of ``main`` (stdin to stdout)::

    in:  {"sizes": [int, ...]}\\n<the sources' bytes, in order>
    out: {"tail": str, "sizes": [int, ...]}\\n<the pycs' bytes, in order>

A size of 0 out means that source could not be compiled (pytest will say why
when the run imports it).
"""

from __future__ import annotations

import ast
import io
import json
import sys

MAX_INPUT = 64 * 1024 * 1024


def compile_tests(sources: list[bytes]) -> tuple[str, list[bytes]]:
    """pytest's pyc name tail (``.cpython-312-pytest-9.2.0.pyc``) and each source's pyc (b"" if none)."""
    import importlib.util

    from _pytest.assertion.rewrite import PYC_TAIL, _write_pyc_fp, rewrite_asserts

    pycs = []
    for source in sources:
        try:
            tree = ast.parse(source, filename="<test>")
            rewrite_asserts(tree, source, "<test>", None)
            code = compile(tree, "<test>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            pycs.append(b"")
            continue
        buffer = io.BytesIO()
        _write_pyc_fp(buffer, importlib.util.source_hash(source), code)
        pycs.append(buffer.getvalue())
    return PYC_TAIL, pycs


def request(sources: list[bytes]) -> bytes:
    """What ``main`` reads: the host's side of the protocol."""
    return json.dumps({"sizes": [len(s) for s in sources]}).encode() + b"\n" + b"".join(sources)


def parse_reply(data: bytes, count: int) -> tuple[str, list[bytes]]:
    """What ``main`` wrote for ``count`` sources, checked to add up (ValueError if not)."""
    line, _, body = data.partition(b"\n")
    reply = json.loads(line)
    sizes = [int(n) for n in reply["sizes"]]
    if len(sizes) != count or sum(sizes) != len(body):
        raise ValueError("the precompile run's reply does not add up")
    pycs, at = [], 0
    for size in sizes:
        pycs.append(body[at : at + size])
        at += size
    return str(reply["tail"]), pycs


def main() -> None:
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline(1024 * 1024))
    sizes = [int(size) for size in header["sizes"]]
    if sum(sizes) > MAX_INPUT:
        raise SystemExit("too much to compile")
    tail, pycs = compile_tests([stdin.read(size) for size in sizes])
    out = sys.stdout.buffer
    out.write(json.dumps({"tail": tail, "sizes": [len(pyc) for pyc in pycs]}).encode() + b"\n")
    for pyc in pycs:
        out.write(pyc)
    out.flush()


if __name__ == "__main__":
    main()
