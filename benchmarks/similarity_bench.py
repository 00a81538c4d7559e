"""How fast `grader similarity` is on a cohort, and how well it does on the test corpus.

    python benchmarks/similarity_bench.py [--submissions 200] [--runs 3] [--cpu 0]

Speed (each the median of --runs whole-process runs, wall and CPU seconds, pinned
to one CPU with `taskset -c CPU` where taskset exists; on a busy machine the wall
time is the CPU time stretched by whatever else runs on that CPU):

  floor       `python -c "import grader.cli"`: starting the command, and nothing else
  read        the command's work before any comparison, as CPU seconds of this process:
              reading every submission's solution.py (as grading reads them) and
              normalizing and fingerprinting every answer and known solution
  similarity  `grader similarity DIR --format json -o FILE` of the whole cohort: SUBMISSIONS
              submissions of every challenge of the built-in pack (15), each answer one of
              the challenge's known solutions (reference, good or bad) with its functions
              reordered and a helper of its own added, one in twenty a copy of another's

and the target: similarity under 30 s for 200 submissions of 15 challenges.

Accuracy, on tests/similarity_corpus (see its README): per part (tuning, held
out, the tiny-challenge check), copies and leaks flagged, independent pairs and
honest answers flagged, and the margins. Nothing here is a test: the script
prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.batch import find_submissions, unique_names  # noqa: E402
from grader.challenges import Challenge, load_pack  # noqa: E402
from grader.similarity import compare, read_sources  # noqa: E402
from grader.similarity.fingerprints import fingerprint  # noqa: E402
from grader.similarity.tokens import normalize  # noqa: E402
from tests.disguises import DISGUISES  # noqa: E402
from tests.helpers import (  # noqa: E402
    SIMILARITY_CORPUS,
    corpus_figures,
    corpus_manifest,
    corpus_sources,
    disguise_cohort,
)

GRADER = str(Path(sys.executable).parent / "grader")


def pinned(cpu: int | None) -> list[str]:
    return ["taskset", "-c", str(cpu)] if cpu is not None and shutil.which("taskset") else []


CPU_SECONDS: dict[str, list[float]] = {}


def timed(cmd: list[str], label: str) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (user and system) are kept under ``label``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    CPU_SECONDS.setdefault(label, []).append(cpu)
    return elapsed


def median_of(runs: int, measure: Callable[[], float]) -> float:
    measure()  # one warm-up run, not counted (page cache)
    return statistics.median(measure() for _ in range(runs))


def known_solutions(challenge: Challenge) -> list[str]:
    paths = [challenge.reference_path, *challenge.good_solutions(), *challenge.bad_solutions()]
    return [p.read_text(encoding="utf-8") for p in paths]


def blocks_of(source: str) -> tuple[list[str], dict[str, str]]:
    """A solution's import lines, and its other top-level statements by name."""
    tree = ast.parse(source)
    imports: list[str] = []
    named: dict[str, str] = {}
    for node in tree.body:
        text = ast.get_source_segment(source, node) or ""
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(text)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            decorators = "".join(f"@{ast.get_source_segment(source, d)}\n" for d in node.decorator_list)
            named[node.name] = decorators + text
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            named[ast.dump(node)[:60]] = text
    return imports, named


def answer(pool: list[tuple[list[str], dict[str, str]]], rng: random.Random, tag: int) -> str:
    """One candidate's answer: each top-level function or class taken from a known solution chosen
    for it alone, a statement of the candidate's own before one statement in three, the blocks in
    another order, and a helper of its own."""
    names = sorted({name for _, named in pool for name in named})
    chosen: list[str] = []
    imports: dict[str, None] = {}
    for name in names:
        having = [(imp, named) for imp, named in pool if name in named]
        if rng.random() < len(having) / len(pool):
            imp, named = rng.choice(having)
            chosen.append(own_lines(named[name], rng))
            imports.update(dict.fromkeys(imp))
    rng.shuffle(chosen)
    helper = (
        f"def _helper_{tag}(value, scale={rng.randint(2, 9)}):\n"
        f"    total = 0\n    for i in range({rng.randint(3, 30)}):\n"
        f"        total += (value * scale + i) % {rng.randint(7, 97)}\n"
        f"    return [total, str(value), {rng.random():.3f}]\n"
    )
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join([*chosen, helper])


def own_lines(block: str, rng: random.Random) -> str:
    """``block`` with a statement of its own before about one statement in three of its body."""
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return block
    lines = block.split("\n")
    starts = {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt) and node.col_offset > 0 and not getattr(node, "decorator_list", None)
        and rng.random() < 1 / 3
    }
    for number in sorted(starts, reverse=True):
        line = lines[number - 1]
        indent = line[: len(line) - len(line.lstrip())]
        noise = f"_n{rng.randint(0, 99)} = {rng.randint(0, 999)} + len(str({rng.random():.2f}))"
        lines.insert(number - 1, indent + noise)
    text = "\n".join(lines)
    try:
        ast.parse(text)
    except SyntaxError:  # a statement sharing its line with another: keep the block as it was
        return block
    return text


def cohort_answers(count: int, pack: dict[str, Challenge], seed: int = 18) -> dict[str, dict[str, str]]:
    """``{candidate: {challenge id: answer}}``: each answer put together from the challenge's known
    solutions (``answer``), one candidate in twenty a copy of an earlier one's answers."""
    rng = random.Random(seed)
    pools = {cid: [blocks_of(text) for text in known_solutions(c)] for cid, c in pack.items()}
    written: dict[str, dict[str, str]] = {}
    for n in range(count):
        name = f"candidate-{n:03d}"
        written[name] = {}
        for cid in pack:
            if n % 20 == 19:  # a copy of an earlier candidate's answer
                written[name][cid] = written[f"candidate-{rng.randrange(n):03d}"][cid]
            else:
                written[name][cid] = answer(pools[cid], rng, n)
    return written


def make_cohort(root: Path, count: int, pack: dict[str, Challenge], seed: int = 18) -> None:
    for name, answers in cohort_answers(count, pack, seed).items():
        for cid, text in answers.items():
            folder = root / name / cid
            folder.mkdir(parents=True)
            (folder / "solution.py").write_text(text, encoding="utf-8")


def read_phase(root: Path, pack: dict[str, Challenge]) -> float:
    """CPU seconds of this process to read and fingerprint every answer and known solution."""
    started = time.process_time()
    found, _ = find_submissions([root], pack)
    sources, _ = read_sources(found, unique_names(found), list(pack))
    for by in sources.values():
        for text in by.values():
            fingerprint(normalize(text))
    for challenge in pack.values():
        for text in known_solutions(challenge):
            fingerprint(normalize(text))
    return time.process_time() - started


def accuracy(pack: dict[str, Challenge]) -> None:
    manifest = corpus_manifest()
    report = compare(corpus_sources(), pack)
    parts = {
        "tuning": manifest["tuning"],
        "held out": manifest["heldout"],
        "tiny (model-basics)": ["model-basics"],
    }
    print("accuracy on tests/similarity_corpus:")
    for label, ids in parts.items():
        f = corpus_figures(report, ids)
        print(f"  {label}: {', '.join(ids)}")
        print(
            f"    pairs: {f['copies_flagged']} of {f['copies']} copies flagged, "
            f"{f['honest_flagged']} of {f['honest_pairs']} independent pairs flagged"
        )
        if f["copies"]:
            print(
                f"    lowest copy {f['lowest_copy']:.3f}, "
                f"highest independent pair {f['highest_honest']:.3f}, "
                f"margin {f['lowest_copy'] - f['highest_honest']:+.3f}"
            )
        else:
            print(f"    highest independent pair {f['highest_honest']:.3f}")
        print(
            f"    known solutions: {f['leaks_flagged']} of {f['leaks']} leaks flagged, "
            f"{f['honest_answers_flagged']} of {f['honest_answers']} honest answers flagged"
        )
        if f["leaks"]:
            print(
                f"    lowest leak {f['lowest_leak']:.3f}, highest honest answer against the reference "
                f"{f['highest_honest_answer']:.3f}, "
                f"margin {f['lowest_leak'] - f['highest_honest_answer']:+.3f}"
            )
        for line in f["misses"] + f["false_alarms"]:
            print(f"    mistake: {line}")


def disguises(pack: dict[str, Challenge]) -> None:
    """Per disguise (tests/disguises.py): copies of an honest answer and of the reference flagged
    over the corpus's challenges, the lowest similarity of each, and the honest pairs flagged: of
    two of the corpus's independent answers (none is expected), and with a good solution (an
    honest twin of a canonical answer, listed)."""
    ids = corpus_manifest()["tuning"] + corpus_manifest()["heldout"]
    print("disguised copies, one cohort per challenge and disguise (honest answers + 2 copies):")
    twins: dict[str, float] = {}  # each pair of an honest answer and a good solution: its highest
    with tempfile.TemporaryDirectory(prefix="similarity-disguises-") as tmp:
        for name, disguise in DISGUISES.items():
            copies = leaks = independent = 0
            low_copy = low_leak = 1.0
            for cid in ids:
                report, original = disguise_cohort(pack, cid, disguise, Path(tmp))
                pair = next(p for p in report.pairs if {p.a, p.b} == {original, "copy"})
                leak = next(r for r in report.reference_matches if r.submission == "leak")
                copies += pair.flagged
                leaks += leak.flagged
                low_copy, low_leak = min(low_copy, pair.similarity), min(low_leak, leak.similarity)
                honest = [p for p in report.pairs if p.flagged and not {p.a, p.b} & {"copy", "leak"}]
                independent += sum(not (p.a + p.b).count("good-") for p in honest)
                for p in honest:
                    twins[f"{cid}: {p.a} ~ {p.b}"] = max(twins.get(f"{cid}: {p.a} ~ {p.b}", 0), p.similarity)
            print(
                f"  {name:<14} copies {copies} of {len(ids)} (lowest {low_copy:.2f}), "
                f"leaks {leaks} of {len(ids)} (lowest {low_leak:.2f}), "
                f"independent pairs flagged {independent}"
            )
    listed = ", ".join(f"{pair} {twins[pair]:.2f}" for pair in sorted(twins, key=lambda t: -twins[t]))
    print(f"  honest pairs flagged with a good solution ({len(twins)}, each at its highest): {listed}")
    by_hand(pack)


def _instead(original: str, copy: str) -> Callable[[str], str]:
    """A disguise that gives ``copy`` for ``original`` and leaves any other answer as it is."""
    return lambda source: copy if source == original else source


def by_hand(pack: dict[str, Challenge]) -> None:
    """Each copy in tests/restructured_by_hand in its challenge's cohort, in place of the disguised
    copy of the answer it copies (the corpus's copied answer, or the reference): flagged or not."""
    print("copies restructured by hand (tests/restructured_by_hand), each in its challenge's cohort:")
    with tempfile.TemporaryDirectory(prefix="similarity-by-hand-") as tmp:
        for path in sorted((ROOT / "tests" / "restructured_by_hand").glob("*.py")):
            text = path.read_text(encoding="utf-8")
            cid, name = text.splitlines()[0].removeprefix("# copy of ").split("/")
            challenge = pack[cid]
            copied = challenge.reference_path if name == "reference.py" else SIMILARITY_CORPUS / cid / name
            original = copied.read_text(encoding="utf-8")
            report, stem = disguise_cohort(pack, cid, _instead(original, text), Path(tmp))
            if name == "reference.py":
                leak = next(r for r in report.reference_matches if r.submission == "leak")
                similarity, flagged = leak.similarity, leak.flagged
            else:
                pair = next(p for p in report.pairs if {p.a, p.b} == {stem, "copy"})
                similarity, flagged = pair.similarity, pair.flagged
            print(f"  {path.name:<28} {similarity:.2f} {'flagged' if flagged else 'NOT flagged'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0, help="the CPU to pin to (default 0; -1: not pinned)")
    parser.add_argument("--accuracy-only", action="store_true", help="the corpus's figures only, no timing")
    args = parser.parse_args()
    cpu = None if args.cpu < 0 else args.cpu
    pack = load_pack()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"pinned to: {'CPU ' + str(cpu) if pinned(cpu) else 'not pinned'}")
    accuracy(pack)
    disguises(pack)
    if args.accuracy_only:
        return
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        root = Path(tmp) / "cohort"
        make_cohort(root, args.submissions, pack)
        out = Path(tmp) / "similarity.json"
        command = [*pinned(cpu), GRADER, "similarity", str(root), "--format", "json", "-o", str(out)]
        start = [*pinned(cpu), sys.executable, "-c", "import grader.cli"]
        floor = median_of(args.runs, lambda: timed(start, "floor"))
        read = median_of(args.runs, lambda: read_phase(root, pack))
        whole = median_of(args.runs, lambda: timed(command, "similarity"))
        size = out.stat().st_size
        flagged = sum(p["flagged"] for p in json.loads(out.read_text(encoding="utf-8"))["pairs"])
    answers = args.submissions * len(pack)
    pairs = len(pack) * args.submissions * (args.submissions - 1) // 2
    print(
        f"speed: {args.submissions} submissions x {len(pack)} challenges = {answers} answers, {pairs} pairs"
    )
    cpu_floor = statistics.median(CPU_SECONDS["floor"][1:])
    cpu_whole = statistics.median(CPU_SECONDS["similarity"][1:])
    print(f"  {'':<12} {'wall':>8}   {'CPU':>8}")
    print(f"  {'floor':<12} {floor:8.2f} s {cpu_floor:8.2f} s")
    print(f"  {'read':<12} {'':>10} {read:8.2f} s  (reading and fingerprinting, in this process)")
    print(
        f"  {'similarity':<12} {whole:8.2f} s {cpu_whole:8.2f} s  ({whole / floor:.1f} x floor; "
        f"{flagged} pairs flagged; json {size / 1024:.0f} KiB)"
    )
    def verdict(seconds: float) -> str:
        return "met" if seconds < 30 else "NOT met"

    print(
        f"  target: similarity < 30 s on one CPU for 200 submissions of 15 challenges: "
        f"CPU {verdict(cpu_whole)}, wall {verdict(whole)}"
    )
    print(
        f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(above 1, others shared the pinned CPU and the wall time counts their share)"
    )


if __name__ == "__main__":
    main()
