"""How long the static scan takes, against parsing the same source (the floor), in one run.

``python benchmarks/scan.py [--runs N] [--hostile]`` prints, for the pack's solutions (every
reference, known-good and known-bad one, and the example submission), the median time per file
of ``ast.parse`` and of ``grader.scan.scan``, and their ratio; with ``--hostile``, the same for
256 KiB inputs built to be slow (one huge expression, deep chains, many strings, many calls),
each in a process of its own so that its peak memory can be read too.

Targets: on the pack, a scan at most 10 times a parse (a few milliseconds a file); on any input
of the submission cap (256 KiB), a bounded time and under 300 MiB of memory.
"""

from __future__ import annotations

import argparse
import ast
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.scan import scan  # noqa: E402

CAP = 256 * 1024


def hostile_sources() -> dict[str, str]:
    """Inputs of the submission cap built to make a scan slow or large."""
    return {
        "one expression": "x = " + "a+" * (CAP // 2 - 4) + "a",
        "attribute chain": "x = a" + ".b" * (CAP // 2 - 4),
        "string concatenation": "x = " + "+".join(["'a'"] * (CAP // 4 - 2)),
        "huge f-string": "x = f'" + "{x}" * (CAP // 3 - 4) + "'",
        "code-like strings": "\n".join(f"s{i} = 'import x{i}'" for i in range(CAP // 22)),
        "alias chain": "\n".join(f"a{i} = a{i + 1}" for i in range(CAP // 16)) + "\n",
        "calls": "\n".join(f"f{i}(x)" for i in range(CAP // 10)),
        "dict literal": "x = {" + "1: 2, " * (CAP // 6 - 4) + "}",
        "call chain through defs": "\n".join(
            f"def f{i}(a=1):\n    return f{i - 1}(a)" for i in range(CAP // 40)
        ),
    }


def pack_sources() -> list[bytes]:
    """Every solution of the built-in pack (reference, good, bad) and the example submission."""
    files = [
        *sorted(ROOT.glob("challenges/*/solutions/**/*.py")),
        *sorted(ROOT.glob("examples/submission/*/solution.py")),
    ]
    return [f.read_bytes() for f in files]


def median_seconds(function, sources, runs: int) -> float:
    """The median over ``runs`` of the time ``function`` takes over all of ``sources``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for source in sources:
            function(source)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def one_hostile(name: str) -> dict[str, float]:
    """Parse and scan one hostile input in this process: seconds and peak memory (MiB)."""
    source = hostile_sources()[name]
    started = time.perf_counter()
    flags = scan(source)
    scanned = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the scan's, before the floor's parse
    started = time.perf_counter()
    try:
        ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        pass
    parsed = time.perf_counter() - started
    return {"parse": parsed, "scan": scanned, "peak_mib": peak, "flags": len(flags)}


def main() -> None:
    """Print the figures (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is shown)")
    parser.add_argument("--hostile", action="store_true", help="also the 256 KiB inputs built to be slow")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a hostile input, in a child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_hostile(args.one)))
        return

    sources = pack_sources()
    scan(sources[0])  # import-time work out of the figures
    parse = median_seconds(ast.parse, sources, args.runs)
    scanned = median_seconds(scan, sources, args.runs)
    per_file = 1000 / len(sources)
    print(f"pack: {len(sources)} files, {sum(map(len, sources)) // 1024} KiB, median of {args.runs} runs")
    print(f"  parse_per_file   {parse * per_file:8.2f} ms   (floor: ast.parse)")
    print(f"  scan_per_file    {scanned * per_file:8.2f} ms")
    print(f"  scan / parse     {scanned / parse:8.2f}     (target <= 10)")
    if not args.hostile:
        return
    print(f"hostile inputs of {CAP // 1024} KiB, one process each:")
    print(f"  {'input':26s} {'parse s':>8s} {'scan s':>8s} {'ratio':>7s} {'peak MiB':>9s}")
    for name in hostile_sources():
        out = subprocess.run(
            [sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True
        ).stdout
        figures = json.loads(out)
        ratio = figures["scan"] / figures["parse"] if figures["parse"] else float("inf")
        print(
            f"  {name:26s} {figures['parse']:8.2f} {figures['scan']:8.2f} {ratio:7.1f} "
            f"{figures['peak_mib']:9.0f}"
        )


if __name__ == "__main__":
    main()
