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

``main`` speaks the precompile protocol of ``sandbox.wire`` on stdin and stdout.
A pyc of size 0 means that source could not be compiled (pytest will say why
when the run imports it).
"""

from __future__ import annotations

import ast
import io
import sys


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


def main() -> None:
    """Read a precompile request on stdin, write the reply on stdout."""
    from sandbox.wire import WireError, precompile_reply, read_precompile_request

    stdin = sys.stdin.buffer
    try:
        sizes = read_precompile_request(stdin.readline(1024 * 1024))
    except WireError as exc:
        raise SystemExit(str(exc)) from None
    tail, pycs = compile_tests([stdin.read(size) for size in sizes])
    sys.stdout.buffer.write(precompile_reply(tail, pycs))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
