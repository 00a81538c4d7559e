"""Throughput of grading on the distributed queue beside a local batch, and the queue's overhead.

    python benchmarks/queue_bench.py [--submissions 20] [--workers 1,2,4] [--challenge model-basics]
                                     [--backend local]

Starts a Redis with ``tests/components/redis.sh`` (its own folder and port), writes
``--submissions`` distinct submissions (the challenge's reference solution, each with a
comment of its own, so that no two are the same job), then for each worker count W:

- a local ``grader batch --jobs W`` of them (the baseline, measured in the same run);
- ``grader batch --queue`` of them with W ``grader worker --concurrency 1`` processes on
  this machine (started, and seen sending heartbeats, before the clock starts).

It prints submissions per minute for each and their ratio: end to end, each batch's
start-up (imports, connecting) and its leaderboard and similarity files included.

Then the queue's overhead per submission, in steady state: the same ``--submissions``
jobs go through the in-process ``LocalQueue`` (one worker thread) and through the Celery
queue (one ``grader worker`` process), each timed from the first submit to the last
result; what each spent beyond grading (its wall time minus the sum of its results'
grading durations) is compared, per submission, as a share of one grading (the mean
duration). Subtracting each run's own grading time keeps the noise of a busy machine,
which slows gradings, out of the overhead. The target is under 5%.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GRADER = str(Path(sys.executable).parent / "grader")
REDIS = ROOT / "tests" / "components" / "redis.sh"
TARGET = 0.05  # the queue's overhead per submission, as a share of one grading


def write_submissions(folder: Path, challenge: str, count: int, tag: str) -> Path:
    from grader.challenges import builtin_pack

    source = (builtin_pack() / challenge / "solutions" / "reference.py").read_text()
    root = folder / f"subs-{tag}"
    for n in range(count):
        (root / f"s{n:03d}" / challenge).mkdir(parents=True)
        (root / f"s{n:03d}" / challenge / "solution.py").write_text(f"{source}\n# {tag} {n}\n")
    return root


def graded_seconds(out: Path) -> float:
    """The time spent grading, summed over the batch's results (each result's own duration)."""
    return sum(json.loads(p.read_text())["duration"] for p in (out / "submissions").glob("*.json"))


def run_batch(subs: Path, out: Path, challenge: str, extra: list[str]) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [GRADER, "batch", str(subs), "--out", str(out), "-c", challenge, "--format", "json", *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"queue_bench: grader batch failed ({done.returncode}): {done.stderr[-1500:]}")
    rows = json.loads(done.stdout)["leaderboard"]
    bad = [r["name"] for r in rows if r["status"] != "passed"]
    if bad:
        sys.exit(f"queue_bench: {len(bad)} submission(s) did not pass: {bad[:5]}")
    return took


def start_workers(url: str, count: int, backend: str, logs: Path) -> list[subprocess.Popen[bytes]]:
    from grader.queue.celery import read_status

    procs = []
    for n in range(count):
        log = (logs / f"worker-{count}-{n}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [
                    GRADER,
                    "worker",
                    "--concurrency",
                    "1",
                    "--name",
                    f"bench{n}@{count}",
                    "--backend",
                    backend,
                ],
                env={**os.environ, "GRADER_QUEUE": url},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(read_status(url).beats) >= count:
            time.sleep(1.0)  # the consumers start just after the heartbeat
            return procs
        time.sleep(0.2)
    stop_workers(procs)
    sys.exit(f"queue_bench: {count} worker(s) did not start; see {logs}")


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def through_queue(queue: Any, jobs: list[Any]) -> tuple[float, float]:
    """Wall seconds from the first submit to the last result, and the seconds spent grading."""
    done: dict[str, Any] = {}
    finished = threading.Event()

    def on_done(outcome: Any) -> None:
        done[outcome.job_id] = outcome
        if len(done) == len(jobs):
            finished.set()

    queue.start(lambda _job, _worker: None, on_done)
    started = time.monotonic()
    for job in jobs:
        queue.submit(job)
    if not finished.wait(1800):
        sys.exit("queue_bench: the jobs did not all come back")
    wall = time.monotonic() - started
    queue.close()
    failed = [o.error for o in done.values() if o.result is None]
    if failed:
        sys.exit(f"queue_bench: {len(failed)} job(s) failed: {failed[:3]}")
    return wall, sum(o.result.duration for o in done.values())


def steady_overhead(url: str, n: int, challenge: str, backend: str, work: Path) -> None:
    """The queue's overhead per submission against the in-process queue, same jobs."""
    from redis import Redis

    from grader import __version__
    from grader.backends import BackendSettings, make_backend
    from grader.challenges import builtin_pack, load_pack, pack_digest
    from grader.queue.base import Job
    from grader.queue.celery import CeleryQueue
    from grader.queue.local import LocalQueue
    from tests.helpers import zip_of

    pack = load_pack()
    source = (builtin_pack() / challenge / "solutions" / "reference.py").read_text()

    def jobs(tag: str) -> list[Job]:
        return [
            Job(
                zip_of({challenge: f"{source}\n# {tag} {i}\n"}),
                f"s{i}.zip",
                {challenge: 1.0},
                pack_digest(pack.values()),
                __version__,
                f"s{i}",
            )
            for i in range(n)
        ]

    local = LocalQueue(pack, lambda: make_backend(BackendSettings(backend, 1)), workers=1)
    local_wall, local_grading = through_queue(local, jobs("local"))
    Redis.from_url(url).flushall()
    procs = start_workers(url, 1, backend, work)
    try:
        queue_wall, queue_grading = through_queue(CeleryQueue(url, pack, poll=0.05), jobs("celery"))
    finally:
        stop_workers(procs)
    grading = local_grading / n
    overhead = ((queue_wall - queue_grading) - (local_wall - local_grading)) / n
    share = overhead / grading
    verdict = "under" if share < TARGET else "NOT under"
    print(
        f"steady state, {n} jobs, 1 process: in-process queue {local_wall:.1f} s ({local_grading:.1f} s "
        f"grading), Celery queue {queue_wall:.1f} s ({queue_grading:.1f} s grading)"
    )
    print(
        f"queue overhead per submission: {overhead * 1000:+.0f} ms on a grading of {grading * 1000:.0f} ms "
        f"= {share * 100:+.1f}% ({verdict} the {TARGET * 100:.0f}% target)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--challenge", default="model-basics")
    parser.add_argument("--backend", default="local", choices=["local", "docker"])
    args = parser.parse_args()
    counts = [int(c) for c in args.workers.split(",")]
    if shutil.which("redis-server") is None and os.geteuid() != 0:
        sys.exit("queue_bench: needs redis-server (apt install redis-server)")
    from redis import Redis

    work = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    started = subprocess.run(
        ["bash", str(REDIS), "start", str(work / "redis")], capture_output=True, text=True
    )
    if started.returncode != 0:
        sys.exit(f"queue_bench: redis.sh failed: {started.stderr[-800:]}")
    url = started.stdout.strip().splitlines()[-1]
    n = args.submissions
    print(f"{n} submissions of {args.challenge}, --backend {args.backend}, {os.cpu_count()} CPU(s)")
    print(f"{'processes':>9}  {'local batch':>16}  {'queue batch':>16}  {'queue/local':>11}")
    walls: dict[int, tuple[float, float]] = {}
    spent: dict[int, tuple[float, float]] = {}
    try:
        for count in counts:
            subs = write_submissions(work, args.challenge, n, f"w{count}")
            local = run_batch(
                subs,
                work / f"local-{count}",
                args.challenge,
                ["--jobs", str(count), "--backend", args.backend],
            )
            Redis.from_url(url).flushall()
            procs = start_workers(url, count, args.backend, work)
            try:
                queued = run_batch(subs, work / f"queued-{count}", args.challenge, ["--queue", url])
            finally:
                stop_workers(procs)
            walls[count] = (local, queued)
            spent[count] = (
                graded_seconds(work / f"local-{count}"),
                graded_seconds(work / f"queued-{count}"),
            )
            print(
                f"{count:>9}  {n / local * 60:>9.1f} sub/min  {n / queued * 60:>9.1f} sub/min  "
                f"{local / queued:>10.2f}x"
            )
        if 1 in walls:
            local, queued = walls[1]
            local_grading, queued_grading = spent[1]
            extra = ((queued - queued_grading) - (local - local_grading)) / n
            print(
                f"end to end, 1 process: the queue batch spent {extra * 1000:+.0f} ms per submission "
                f"more than the local one beyond grading (its start-up and last poll, spread over {n})"
            )
            print(f"throughput per worker process: {60 / (queued / n):.1f} submissions/min")
        steady_overhead(url, n, args.challenge, args.backend, work)
    finally:
        subprocess.run(["bash", str(REDIS), "stop", str(work / "redis")], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
