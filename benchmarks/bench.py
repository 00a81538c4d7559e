"""How fast grading is, against floors measured in the same run on the same machine.

    python benchmarks/bench.py [--runs N] [--only NAME ...] [--json FILE]

Figures (each the median of --runs whole-process runs, in seconds):

  floor_docker   `docker run IMAGE python -c "import flask, flask_sqlalchemy,
                 sqlalchemy, pytest"` with the sandbox image, and nothing else
  floor_local    the same import in a local `python -I` process
  naive_docker   the common design of peer graders: a fresh container per challenge
                 running plain pytest on that challenge's hidden tests, for every
                 challenge of the example submission, one after another
  grade_docker   `grader grade --backend docker` of the example submission, at the
                 default --cpus (the host's CPUs, at most 4)
  grade_docker_cpus1  the same with `--cpus 1` (runs alternate with grade_docker's)
  tests_own      the tests' own work in grade_docker: the sum of pytest's per-test
                 set-up, call and teardown durations inside the sandbox, read from the
                 results of the very gradings that were timed (median over the runs);
                 cpus_used is the sandbox's CPUs those results name; runs_own the
                 sum of the challenges' durations there (each phase's process from
                 its fork to its end: the tests' work plus pytest's per-run work)
  grade_local    `grader grade --backend local` of it (bwrap tier where bwrap works)
  local_tiers    the same grading through the API on the bwrap and the rlimits tier,
                 as seconds per challenge (what bwrap adds)
  check_one      `grader check` of one challenge (no Docker); each run is paired with a
                 floor_local run just before it, and the worst pair's ratio is reported
  batch          `grader batch --jobs 2` of 40 copies of the example submission, as
                 submissions per minute, beside naive_docker's throughput
  peak_memory    the container's peak memory during one grade_docker (cgroup)

and the ratios the speed targets are written in. Nothing here is a test: the
script prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "submission"
IMPORTS = "import flask, flask_sqlalchemy, sqlalchemy, pytest"
GRADER = [str(Path(sys.executable).parent / "grader")]  # the console script of this venv


def timed_grading(cmd: list[str]) -> tuple[float, float, float, float]:
    """(seconds, tests_own, cpus_used, runs_own) of one `grader grade ... --format json` run:
    the tests' own durations, and the challenges' (each phase's process, from its fork to
    its end), come from the results of the run that was timed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        elapsed = timed([*cmd, "--output", str(out)])
        data = json.loads(out.read_text())
    own = sum(t["duration"] for c in data["challenges"] for t in c["tests"])
    runs_own = sum(c["duration"] for c in data["challenges"])
    return elapsed, own, float(data["sandbox"].get("cpus", 1)), runs_own


def timed(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, **kw)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[:6])} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def median_of(runs: int, measure: Callable[[], float]) -> float:
    measure()  # one warm-up run, not counted (page cache, image layers)
    return statistics.median(measure() for _ in range(runs))


def image() -> str:
    from sandbox.docker import DEFAULT_BASE_IMAGE, build_image, connect

    base = os.environ.get("GRADER_BASE_IMAGE") or DEFAULT_BASE_IMAGE
    return build_image(connect(), base, lambda line: print(f"  {line}", file=sys.stderr))


def floor_docker(tag: str) -> float:
    """`docker run IMAGE python -c "import ..."`, as the issue measures it (no --rm: the
    container is removed after the clock stops)."""
    name = f"grader-bench-floor-{os.getpid()}-{time.monotonic_ns()}"
    try:
        return timed(["docker", "run", "--name", name, tag, "python", "-c", IMPORTS])
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def naive_docker(tag: str) -> float:
    """One container per challenge, plain pytest on the hidden tests, the solution imported by a conftest."""
    from grader.challenges import load_pack

    pack = load_pack()
    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for entry in sorted(EXAMPLE.iterdir()):
            if entry.name not in pack:
                continue
            challenge = pack[entry.name]
            folder = Path(tmp) / entry.name
            (folder / "tests").mkdir(parents=True)
            shutil.copy(entry / "solution.py", folder / "solution.py")
            for test in challenge.test_files("hidden"):
                shutil.copy(test, folder / "tests" / test.name)
            (folder / "tests" / "conftest.py").write_text(
                "import importlib.util, sys\n"
                "sys.path.insert(0, '/opt/grader/harness')\n"
                "spec = importlib.util.spec_from_file_location('solution', '/work/solution.py')\n"
                "module = importlib.util.module_from_spec(spec)\nsys.modules['solution'] = module\n"
                "spec.loader.exec_module(module)\n"
                "from sandbox.harness import fixtures\n"
                f"fixtures.configure(module, binds={tuple(challenge.binds)!r})\n"
                "pytest_plugins = ['sandbox.harness.fixtures']\n"
            )
            os.chmod(folder, 0o755)
            for path in folder.rglob("*"):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
            folders.append(folder)
        os.chmod(tmp, 0o755)
        started = time.perf_counter()
        for folder in folders:
            subprocess.run(
                ["docker", "run", "--rm", "--network", "none", "-v", f"{folder}:/work:ro", tag,
                 "/opt/grader/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "/work/tests"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        return time.perf_counter() - started


def local_tiers(runs: int) -> dict[str, float]:
    script = (
        "import sys, time\nfrom grader.challenges import load_pack\nfrom grader.grading import grade\n"
        "from sandbox.local import LocalBackend\npack = load_pack()\n"
        "from pathlib import Path\n"
        "ids = [p.name for p in sorted(Path(sys.argv[1]).iterdir()) if p.name in pack]\n"
        "backend = LocalBackend(tier=sys.argv[2])\nstarted = time.perf_counter()\n"
        "grade(sys.argv[1], [pack[i] for i in ids], backend)\n"
        "print((time.perf_counter() - started) / len(ids))\n"
    )
    out = {}
    for tier in ("bwrap", "rlimits"):
        samples = []
        for _ in range(runs + 1):
            done = subprocess.run([sys.executable, "-c", script, str(EXAMPLE), tier],
                                  capture_output=True, text=True, check=False)  # fmt: skip
            if done.returncode != 0:
                return {}
            samples.append(float(done.stdout.strip()))
        out[tier] = statistics.median(samples[1:])
    return out


def peak_memory(tag: str) -> float:
    """MiB: the highest memory use Docker reports for the grading container."""
    import docker

    client = docker.from_env()
    peak = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for container in client.containers.list(filters={"label": "io.grader.session"}):
                try:
                    stats = container.stats(stream=False)
                except Exception:  # the container may be gone already
                    continue
                memory = stats.get("memory_stats", {})
                peak[0] = max(peak[0], int(memory.get("max_usage") or memory.get("usage") or 0))
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    subprocess.run([*GRADER, "grade", str(EXAMPLE), "--backend", "docker", "--format", "json"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    stop.set()
    thread.join()
    return peak[0] / (1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median); default 5")
    parser.add_argument("--only", nargs="*", help="measure only these figures")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    want = set(args.only or [])

    def wanted(name: str) -> bool:
        return not want or name in want

    # An installed grader has its bytecode compiled (pip does it); here the checkout may
    # not (PYTHONDONTWRITEBYTECODE), and compiling 50 modules at every start is not ours.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "grader"), str(ROOT / "sandbox")],
                   capture_output=True, check=False)  # fmt: skip
    figures: dict[str, float] = {}
    tag = (
        image()
        if any(wanted(n) for n in ("floor_docker", "naive_docker", "grade_docker", "peak_memory"))
        else ""
    )
    runs = args.runs
    if wanted("floor_local"):
        figures["floor_local"] = median_of(runs, lambda: timed([sys.executable, "-I", "-c", IMPORTS]))
    if wanted("floor_docker"):
        figures["floor_docker"] = median_of(runs, lambda: floor_docker(tag))
    if wanted("naive_docker"):
        figures["naive_docker"] = median_of(max(1, runs // 2), lambda: naive_docker(tag))
    if wanted("grade_docker"):
        figures.update(grade_docker(runs))
    if wanted("grade_local"):
        cmd = [*GRADER, "grade", str(EXAMPLE), "--backend", "local", "--format", "json"]
        figures["grade_local"] = median_of(runs, lambda: timed(cmd))
    if wanted("local_tiers"):
        for tier, seconds in local_tiers(runs).items():
            figures[f"per_challenge_{tier}"] = seconds
    if wanted("check_one"):
        figures.update(check_one(runs))
    if wanted("batch"):
        figures.update(batch_figures(figures.get("naive_docker")))
    if wanted("peak_memory"):
        figures["peak_memory_mib"] = max(peak_memory(tag) for _ in range(max(1, runs // 2)))
    report(figures, args.json)


def grade_docker(runs: int) -> dict[str, float]:
    """grade_docker at the default CPUs and with --cpus 1, runs alternating so that the
    load of a shared host weighs on both alike; tests_own from the default's results."""
    cmd = [*GRADER, "grade", str(EXAMPLE), "--backend", "docker", "--format", "json"]
    timed_grading(cmd)  # warm-up, not counted
    default, single = [], []
    for _ in range(runs):
        default.append(timed_grading(cmd))
        single.append(timed_grading([*cmd, "--cpus", "1"]))
    return {
        "grade_docker": statistics.median(d[0] for d in default),
        "grade_docker_cpus1": statistics.median(d[0] for d in single),
        "tests_own": statistics.median(d[1] for d in default),
        "cpus_used": statistics.median(d[2] for d in default),
        "runs_own": statistics.median(d[3] for d in default),
    }


def check_one(runs: int) -> dict[str, float]:
    """check_one, each run after a floor_local run of its own: the ratio of every pair."""
    with tempfile.TemporaryDirectory() as tmp:
        kit = Path(tmp) / "kit"
        subprocess.run([*GRADER, "kit", str(kit), "-c", "model-basics"], capture_output=True, check=True)
        shutil.copy(EXAMPLE / "model-basics" / "solution.py", kit / "model-basics" / "solution.py")
        cmd = [*GRADER, "check", str(kit), "-c", "model-basics"]
        floor = [sys.executable, "-I", "-c", IMPORTS]
        timed(floor), timed(cmd)  # warm-up, not counted
        pairs = [(timed(floor), timed(cmd)) for _ in range(runs)]
    ratios = [c / f for f, c in pairs]
    return {
        "check_one": statistics.median(c for _, c in pairs),
        "check_one_ratio_median": statistics.median(ratios),
        "check_one_ratio_worst": max(ratios),
    }


def batch_figures(naive: float | None) -> dict[str, float]:
    probe = subprocess.run([*GRADER, "batch", "--help"], capture_output=True, check=False)
    if probe.returncode != 0:
        print("batch: `grader batch` is not in this version; skipped", file=sys.stderr)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        cohort = Path(tmp) / "cohort"
        for i in range(40):
            shutil.copytree(EXAMPLE, cohort / f"candidate-{i:02d}")
        started = time.perf_counter()
        subprocess.run([*GRADER, "batch", str(cohort), "--out", str(Path(tmp) / "out"), "--jobs", "2"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        elapsed = time.perf_counter() - started
    out = {"batch_per_minute": 40 * 60 / elapsed}
    if naive:
        out["naive_per_minute"] = 60 / naive
    return out


# (label, how to compute it from the figures, target, sense): the table, row by row.
Row = tuple[str, Callable[[dict[str, float]], float], float, str]
TABLE: list[Row] = [
    ("grade_docker / same with --cpus 1", lambda f: f["grade_docker"] / f["grade_docker_cpus1"], 0.6, "<="),
    (
        "(grade_docker - tests_own/cpus) / floor_docker",
        lambda f: (f["grade_docker"] - f["tests_own"] / f["cpus_used"]) / f["floor_docker"],
        1.5,
        "<=",
    ),
    ("naive_docker / grade_docker", lambda f: f["naive_docker"] / f["grade_docker"], 6.0, ">="),
    ("batch / naive throughput", lambda f: f["batch_per_minute"] / f["naive_per_minute"], 8.0, ">="),
    ("check_one / floor_local, worst of runs", lambda f: f["check_one_ratio_worst"], 1.5, "<="),
    ("tests_own (s)", lambda f: f["tests_own"], 2.0, "<="),
    ("peak memory of one grading (MiB)", lambda f: f["peak_memory_mib"], 300.0, "<="),
]
OTHER: list[Row] = [
    ("grade_local / floor_local", lambda f: f["grade_local"] / f["floor_local"], 3.0, "<="),
    ("check_one / floor_local, median", lambda f: f["check_one_ratio_median"], 1.5, "<="),
    (
        "bwrap adds per challenge (ms)",
        lambda f: (f["per_challenge_bwrap"] - f["per_challenge_rlimits"]) * 1000,
        50.0,
        "<=",
    ),
]


def breakdown(f: dict[str, float]) -> list[tuple[str, float]]:
    """Where grade_docker's seconds go: the tests' own work and pytest's per-run work, each
    spread over the sandbox's CPUs, and the rest (container start, CLI, host)."""
    cpus = f["cpus_used"]
    tests = f["tests_own"] / cpus
    runs = (f["runs_own"] - f["tests_own"]) / cpus
    return [
        ("tests' own work / cpus", tests),
        ("per-run work (fork, pytest set-up, collection) / cpus", runs),
        ("the rest (container start, CLI, host, waits)", f["grade_docker"] - tests - runs),
    ]


def report(figures: dict[str, float], json_path: Path | None) -> None:
    import platform

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {load}"
    )
    for name, value in figures.items():
        unit = "MiB" if name.endswith("_mib") else "/min" if name.endswith("_per_minute") else ""
        unit = unit or ("" if "ratio" in name or name == "cpus_used" else "s")
        print(f"  {name:<26} {value:9.3f} {unit}")
    for title, rows in (("the issue's targets", TABLE), ("other figures", OTHER)):
        print(f"{title}:")
        for label, compute, target, sense in rows:
            try:
                value = compute(figures)
            except (KeyError, ZeroDivisionError):
                print(f"  {label:<48} {'-':>8}  (target {sense} {target:g}; not measured in this run)")
                continue
            met = value <= target if sense == "<=" else value >= target
            print(f"  {label:<48} {value:8.2f}  (target {sense} {target:g}: {'met' if met else 'NOT met'})")
    if {"grade_docker", "tests_own", "runs_own", "cpus_used"} <= set(figures):
        print("where grade_docker's time goes:")
        for label, seconds in breakdown(figures):
            print(f"  {label:<56} {seconds:6.2f} s")
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
