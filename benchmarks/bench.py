"""How fast grading is, against floors measured in the same run on the same machine.

    python benchmarks/bench.py [--runs N] [--only NAME ...] [--json FILE]

Figures (each the median of --runs whole-process runs, in seconds):

  floor_docker   `docker run IMAGE python -c "import flask, flask_sqlalchemy,
                 sqlalchemy, pytest"` with the sandbox image, and nothing else
  floor_local    the same import in a local `python -I` process
  naive_docker   the common design of peer graders: a fresh container per challenge
                 running plain pytest on that challenge's hidden tests, for every
                 challenge of the example submission, one after another
  grade_docker   `grader grade --backend docker` of the example submission
  grade_local    `grader grade --backend local` of it (bwrap tier where bwrap works)
  local_tiers    the same grading through the API on the bwrap and the rlimits tier,
                 as seconds per challenge (what bwrap adds)
  check_one      `grader check` of one challenge (no Docker)
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
        cmd = [*GRADER, "grade", str(EXAMPLE), "--backend", "docker", "--format", "json"]
        figures["grade_docker"] = median_of(runs, lambda: timed(cmd))
    if wanted("grade_local"):
        cmd = [*GRADER, "grade", str(EXAMPLE), "--backend", "local", "--format", "json"]
        figures["grade_local"] = median_of(runs, lambda: timed(cmd))
    if wanted("local_tiers"):
        for tier, seconds in local_tiers(runs).items():
            figures[f"per_challenge_{tier}"] = seconds
    if wanted("check_one"):
        with tempfile.TemporaryDirectory() as tmp:
            kit = Path(tmp) / "kit"
            subprocess.run([*GRADER, "kit", str(kit), "-c", "model-basics"], capture_output=True, check=True)
            shutil.copy(EXAMPLE / "model-basics" / "solution.py", kit / "model-basics" / "solution.py")
            cmd = [*GRADER, "check", str(kit), "-c", "model-basics"]
            figures["check_one"] = median_of(runs, lambda: timed(cmd))
    if wanted("batch"):
        figures.update(batch_figures(figures.get("naive_docker")))
    if wanted("peak_memory"):
        figures["peak_memory_mib"] = max(peak_memory(tag) for _ in range(max(1, runs // 2)))
    report(figures, args.json)


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


def report(figures: dict[str, float], json_path: Path | None) -> None:
    import platform

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for name, value in figures.items():
        unit = "MiB" if name.endswith("_mib") else "/min" if name.endswith("_per_minute") else "s"
        print(f"  {name:<26} {value:9.3f} {unit}")
    ratios = [
        ("grade_docker / floor_docker", "grade_docker", "floor_docker", 2.0, "<="),
        ("grade_local / floor_local", "grade_local", "floor_local", 3.0, "<="),
        ("check_one / floor_local", "check_one", "floor_local", 1.5, "<="),
        ("naive_docker / grade_docker", "naive_docker", "grade_docker", None, ""),
        ("batch / naive throughput", "batch_per_minute", "naive_per_minute", 8.0, ">="),
    ]
    print("ratios (target):")
    for label, top, bottom, target, sense in ratios:
        if top in figures and bottom in figures and figures[bottom]:
            ratio = figures[top] / figures[bottom]
            goal = f"(target {sense} {target})" if target else ""
            print(f"  {label:<30} {ratio:7.2f}  {goal}")
    if "per_challenge_bwrap" in figures and "per_challenge_rlimits" in figures:
        extra = (figures["per_challenge_bwrap"] - figures["per_challenge_rlimits"]) * 1000
        print(f"  {'bwrap adds per challenge':<30} {extra:7.1f} ms  (target <= 50 ms)")
    if "peak_memory_mib" in figures:
        print(
            f"  {'peak memory of one grading':<30} {figures['peak_memory_mib']:7.1f} MiB (target <= 300 MiB)"
        )
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
