"""The distributed queue (``grader.queue.celery``) with a real ``redis-server`` and real
``grader worker`` processes.

The server comes from ``tests/components/redis.sh`` (append-only persistence, its own
folder and port). Without ``redis-server`` (and no root to install it) these tests skip,
unless ``GRADER_REQUIRE_REDIS=1`` (CI sets it), which turns the skip into a failure. The
workers grade a one-challenge pack with short limits on the local backend (bwrap where
it works); the worker-loss test uses Docker where an engine is reachable, to see that no
container outlives a killed worker. Every worker is a process group of its own, killed
with SIGKILL at teardown.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader import __version__
from grader.challenges import Challenge, builtin_pack, load_pack, pack_digest
from grader.queue.base import Job, JobResult
from grader.results import ChallengeStatus, RunStatus
from tests.helpers import zip_of

pytestmark = [pytest.mark.redis]

REDIS_SCRIPT = Path(__file__).parent / "components" / "redis.sh"
GRADER = str(Path(sys.executable).parent / "grader")
SOLUTION = (builtin_pack() / "model-basics" / "solutions" / "reference.py").read_text()
HOSTILE = """
import os, time
hog = []
for _ in range(40):  # fork spam, each child spinning
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError:
        break
try:
    while True:  # a memory hog, then a spin
        hog.append(bytearray(50 * 1024 * 1024))
except MemoryError:
    pass
while True:
    pass
"""


def _require() -> bool:
    return os.environ.get("GRADER_REQUIRE_REDIS") == "1"


@pytest.fixture(autouse=True, scope="module")
def queue_packages() -> None:
    """Every test here needs the queue extra (Celery, redis-py): without it they skip, saying
    so, unless CI requires them (a quick-start install has only the dev extra)."""
    try:
        import celery  # noqa: F401
        import redis  # noqa: F401
    except ImportError:
        if _require():
            pytest.fail(
                "GRADER_REQUIRE_REDIS=1 but celery or redis is not installed (pip install -e '.[queue]')"
            )
        pytest.skip("celery or redis (the Python packages) not installed: pip install -e '.[queue]'")


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The URL of a Redis server started by ``tests/components/redis.sh``, and its folder."""
    folder = tmp_path_factory.mktemp("redis")
    done = subprocess.run(
        ["bash", str(REDIS_SCRIPT), "start", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        why = f"{REDIS_SCRIPT.name} start failed: {done.stderr.strip()[-500:]}"
        if _require():
            pytest.fail(f"GRADER_REQUIRE_REDIS=1 but {why}")
        pytest.skip(f"no redis-server here: {why}")
    try:
        yield done.stdout.strip().splitlines()[-1], folder
    finally:
        subprocess.run(["bash", str(REDIS_SCRIPT), "stop", str(folder)], timeout=60, check=False)


_databases = itertools.count()
POOL = ("w1@test", "w2@test", "w3@test")


def _database(url: str, number: int) -> str:
    return url.rsplit("/", 1)[0] + f"/{number}"


@pytest.fixture
def redis_url(redis_server: tuple[str, Path]) -> Iterator[str]:
    """A database of the server for this test alone (1 to 15: a queue of its own), emptied."""
    from redis import Redis

    url = _database(redis_server[0], 1 + next(_databases) % 15)
    client = Redis.from_url(url)
    client.flushdb()
    client.close()
    yield url


@pytest.fixture(scope="module")
def quick_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Challenge]]:
    """model-basics alone, with an 8 s challenge limit and a 2 s test limit: its folder and pack."""
    root = tmp_path_factory.mktemp("quick-pack")
    shutil.copytree(builtin_pack() / "model-basics", root / "model-basics")
    meta = root / "model-basics" / "challenge.toml"
    meta.write_text("time_limit = 8\ntest_timeout = 2\n" + meta.read_text())  # top-level keys come first
    pack = load_pack(root)
    assert pack["model-basics"].time_limit == 8
    return root, pack


class Workers:
    """``grader worker`` processes, each in its own process group, all SIGKILLed at the end."""

    def __init__(self, url: str, pack_dir: Path, logs: Path) -> None:
        self.url = url
        self.pack_dir = pack_dir
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *options: str, backend: str = "local") -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [GRADER, "worker", "--concurrency", "1", "--name", name, "--backend", backend,
             "--challenges", str(self.pack_dir), *options],
            env={**os.environ, "GRADER_QUEUE": self.url},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.procs[name] = proc
        return proc

    def wait_ready(self, *names: str, timeout: float = 60.0) -> None:
        """Until each of ``names`` has sent a heartbeat (and so is taking jobs)."""
        from grader.queue.celery import read_status

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = {b.name for b in read_status(self.url).beats}
            if set(names) <= seen:
                time.sleep(0.5)  # the heartbeat comes just before the consumer starts
                return
            for name in names:
                if self.procs[name].poll() is not None:
                    pytest.fail(f"worker {name} exited: {self.log(name)[-2000:]}")
            time.sleep(0.2)
        pytest.fail(f"workers {names} sent no heartbeat: {[self.log(n)[-1000:] for n in names]}")

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def kill_all(self) -> None:
        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def pool(
    redis_server: tuple[str, Path],
    quick_pack: tuple[Path, dict[str, Challenge]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Workers]:
    """Three workers (local backend) on database 0, shared by the tests that only need workers
    to be there: each such test's jobs are its own (its name is in their content)."""
    made = Workers(_database(redis_server[0], 0), quick_pack[0], tmp_path_factory.mktemp("pool"))
    try:
        for name in POOL:
            made.start(name)
        made.wait_ready(*POOL)
        yield made
    finally:
        made.kill_all()


@pytest.fixture
def salt(request: pytest.FixtureRequest) -> str:
    return str(request.node.name)


@pytest.fixture
def workers(
    redis_url: str, quick_pack: tuple[Path, dict[str, Challenge]], tmp_path: Path
) -> Iterator[Workers]:
    made = Workers(redis_url, quick_pack[0], tmp_path)
    try:
        yield made
    finally:
        made.kill_all()


def job_of(pack: dict[str, Challenge], n: int, source: str = SOLUTION, salt: str = "") -> Job:
    """The n-th distinct submission (its bytes differ by a comment, and by ``salt``)."""
    return Job(
        submission=zip_of({"model-basics": f"{source}\n# submission {n} {salt}\n"}),
        filename=f"s{n}.zip",
        weights={"model-basics": 1.0},
        pack_digest=pack_digest(pack.values()),
        grader_version=__version__,
        label=f"s{n}",
    )


class Collector:
    """The producer's callbacks: results by job id, with when each came."""

    def __init__(self) -> None:
        self.results: dict[str, JobResult] = {}
        self.arrived: dict[str, float] = {}
        self.started: dict[str, str] = {}
        self.duplicates = 0

    def on_started(self, job_id: str, worker: str) -> None:
        self.started[job_id] = worker

    def on_done(self, outcome: JobResult) -> None:
        if outcome.job_id in self.results:
            self.duplicates += 1
        self.results[outcome.job_id] = outcome
        self.arrived[outcome.job_id] = time.monotonic()

    def wait(self, ids: set[str], timeout: float, why: Callable[[], str] = lambda: "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not ids <= set(self.results):
            time.sleep(0.1)
        missing = ids - set(self.results)
        assert not missing, f"{len(missing)} job(s) never came back; {why()}"


def attempts_counted(url: str, job_id: str) -> int:
    from redis import Redis

    client = Redis.from_url(url)
    try:
        return int(client.get(f"grader:attempts:{job_id}") or 0)
    finally:
        client.close()


# -- the five proofs ----------------------------------------------------------------------


@pytest.mark.slow
def test_thirty_submissions_over_three_workers_are_each_graded_once(pool, quick_pack, salt):
    from grader.queue.celery import CeleryQueue

    pack, redis_url, workers = quick_pack[1], pool.url, pool
    queue = CeleryQueue(redis_url, pack, poll=0.1)
    got = Collector()
    queue.start(got.on_started, got.on_done)
    jobs = [job_of(pack, n, salt=salt) for n in range(30)]
    try:
        assert all(queue.submit(job) for job in jobs)
        got.wait({j.id for j in jobs}, timeout=240, why=lambda: workers.log("w1@test")[-1500:])
    finally:
        queue.close()
    assert got.duplicates == 0
    for job in jobs:
        outcome = got.results[job.id]
        assert outcome.result is not None, outcome.error
        assert outcome.result.status is RunStatus.PASSED, outcome.result.as_json()
        assert outcome.result.submission == job.label
        assert outcome.attempts == 1 and attempts_counted(redis_url, job.id) == 1
        assert outcome.worker in {"w1@test", "w2@test", "w3@test"}
    assert {o.worker for o in got.results.values()} == set(POOL)


def test_a_worker_killed_mid_grading_loses_no_submission_and_leaves_no_container(
    workers, redis_url, quick_pack
):
    from grader.queue.celery import CeleryQueue, read_status

    pack = quick_pack[1]
    client = _docker_or_none()
    workers.start("solo@test", backend="docker" if client is not None else "local")
    workers.wait_ready("solo@test", timeout=180)
    queue = CeleryQueue(redis_url, pack, poll=0.1)
    got = Collector()
    queue.start(got.on_started, got.on_done)
    slow = SOLUTION + "\nimport time\ntime.sleep(2)  # at import: a grading long enough to be killed in\n"
    jobs = [job_of(pack, n, slow) for n in range(2)]
    try:
        for job in jobs:
            queue.submit(job)
        deadline = time.monotonic() + 60
        running: list[Any] = []
        while time.monotonic() < deadline and not running:
            running = list(read_status(redis_url).running)
            time.sleep(0.05)
        assert running, "no job was seen running"
        victim_job = running[0].job_id
        time.sleep(1.0)  # into the grading: its sandbox is up
        victim = _running_pid(redis_url, victim_job)
        if client is not None:  # its sandbox is there when it dies: the sweep is what removes it
            assert _owned_by(client, victim), "the grading's container was not seen"
        os.kill(victim, signal.SIGKILL)
        got.wait({j.id for j in jobs}, timeout=120, why=lambda: workers.log("solo@test")[-2000:])
    finally:
        queue.close()
    for job in jobs:
        outcome = got.results[job.id]
        assert outcome.result is not None and outcome.result.status is RunStatus.PASSED, outcome.error
    assert got.results[victim_job].attempts == 2  # delivered again after its worker was lost
    assert sum(o.attempts for o in got.results.values()) == 3
    if client is not None:
        left = _owned_by(client, victim)
        assert left == [], f"the killed worker's containers are still there: {left}"


def test_the_same_submission_twice_is_graded_once(pool, quick_pack, salt):
    from grader.queue.celery import TASK, CeleryQueue, job_to_wire

    pack, redis_url = quick_pack[1], pool.url
    job = job_of(pack, 0, salt=salt)
    first, second = CeleryQueue(redis_url, pack, poll=0.1), CeleryQueue(redis_url, pack, poll=0.1)
    got_first, got_second = Collector(), Collector()
    first.start(got_first.on_started, got_first.on_done)
    second.start(got_second.on_started, got_second.on_done)
    try:
        assert first.submit(job) is True
        assert first.submit(job) is False  # the same producer, twice
        assert second.submit(job) is False  # another producer, while it is queued
        # And a duplicate message that slipped past the guard: the worker keeps the first grading.
        got_first.wait({job.id}, timeout=60, why=lambda: pool.log("w1@test")[-1500:])
        first.app.send_task(TASK, args=[job_to_wire(job)], task_id=job.id)
        got_second.wait({job.id}, timeout=60)
        time.sleep(1.0)
    finally:
        first.close()
        second.close()
    assert attempts_counted(redis_url, job.id) == 1
    one, two = got_first.results[job.id], got_second.results[job.id]
    assert one.result is not None and two.result is not None
    assert one.result.as_json() == two.result.as_json() and one.attempts == 1
    assert any(f"job {job.id[:12]} was graded already" in pool.log(name) for name in POOL)


@pytest.mark.slow
def test_a_hostile_submission_on_one_worker_does_not_stop_the_others(pool, quick_pack, salt):
    from grader.queue.celery import CeleryQueue, read_status

    pack, redis_url = quick_pack[1], pool.url
    queue = CeleryQueue(redis_url, pack, poll=0.1)
    got = Collector()
    queue.start(got.on_started, got.on_done)
    hostile = job_of(pack, 99, HOSTILE, salt)
    good = [job_of(pack, n, salt=salt) for n in range(4)]
    try:
        queue.submit(hostile)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not read_status(redis_url).running:
            time.sleep(0.05)
        for job in good:
            queue.submit(job)
        got.wait({j.id for j in [hostile, *good]}, timeout=180)
    finally:
        queue.close()
    bad = got.results[hostile.id]
    assert bad.result is not None, bad.error  # a verdict on the candidate, not a failure of grading
    assert bad.result.challenges[0].status in (ChallengeStatus.TIMEOUT, ChallengeStatus.ERROR)
    assert bad.attempts == 1  # a candidate's timeout or crash is never retried
    other = set(POOL) - {bad.worker}
    for job in good:
        outcome = got.results[job.id]
        assert outcome.result is not None and outcome.result.status is RunStatus.PASSED
    assert any(got.results[j.id].worker in other for j in good)
    assert min(got.arrived[j.id] for j in good) < got.arrived[hostile.id]


# -- the rest of the semantics ----------------------------------------------------------------


def test_an_infrastructure_failure_is_retried_a_bounded_number_of_times(workers, redis_url, quick_pack):
    """A container that cannot start (an unknown Docker runtime) is the infrastructure's
    failure: tried again with backoff, MAX_RETRIES times, then reported."""
    from grader.queue.celery import MAX_RETRIES, CeleryQueue

    if _docker_or_none() is None:
        return pytest.skip("needs a Docker engine: its containers are what fail to start")
    pack = quick_pack[1]
    workers.start("broken@test", "--runtime", "no-such-runtime", "--retry-delay", "0.1", backend="docker")
    workers.wait_ready("broken@test", timeout=180)
    queue = CeleryQueue(redis_url, pack, poll=0.1)
    got = Collector()
    queue.start(got.on_started, got.on_done)
    job = job_of(pack, 0)
    try:
        queue.submit(job)
        got.wait({job.id}, timeout=120, why=lambda: workers.log("broken@test")[-2000:])
    finally:
        queue.close()
    outcome = got.results[job.id]
    assert outcome.attempts == MAX_RETRIES + 1 == attempts_counted(redis_url, job.id)
    assert outcome.result is None or outcome.result.status is RunStatus.ERROR


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_workers_command_and_page_show_heartbeats_and_depth(pool, quick_pack, make_service, salt):
    from grader.queue.celery import CeleryQueue
    from grader.service import accounts
    from tests.helpers import sign_in, wait_for

    pack_dir, pack = quick_pack
    redis_url = pool.url
    shown = subprocess.run(
        [GRADER, "workers", "--queue", redis_url, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    status = json.loads(shown.stdout)
    assert [w["name"] for w in status["workers"]] == list(POOL)
    assert status["workers"][0]["seen_seconds_ago"] < 30 and status["queued"] == 0
    assert redis_url.split("@")[0].split(":")[-1] not in shown.stdout  # never the password
    text = subprocess.run(
        [GRADER, "workers", "--queue", redis_url], capture_output=True, text=True, check=True
    )
    assert "worker w1@test" in text.stdout and "0 waiting" in text.stdout

    app = make_service(queue=CeleryQueue(redis_url, pack, poll=0.1), challenges_dir=pack_dir)
    with app.app_context():
        accounts.add_user("admin@example.com", "correct horse battery staple", "admin")
        _t, token = accounts.add_token("ci", audience="reviewer")
    response = app.test_client().post(
        "/api/v1/submissions",
        headers={"Authorization": f"Bearer {token}"},
        data={
            "challenge": ["model-basics"],
            "file": (_bytes(zip_of({"model-basics": f"{SOLUTION}\n# {salt}\n"})), "a.zip"),
        },
    )
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    sub = wait_for(app, response.json["id"], timeout=90)
    assert sub.status == "graded"
    client = app.test_client()
    sign_in(client, "admin@example.com", "correct horse battery staple")
    page = client.get("/workers").get_data(as_text=True)
    assert all(name in page for name in POOL) and "last heartbeat" in page


def test_a_bad_queue_url_is_one_clear_line(runner):
    from grader.cli import cli

    result = runner.invoke(cli, ["workers", "--queue", "http://example.com"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("grader: error: --queue") and "redis://" in result.output


def test_the_hard_limit_is_above_the_sandbox_wall_limit_and_the_visibility_timeout_above_both(quick_pack):
    from grader.grading import challenge_run
    from grader.queue.celery import SOFT_GRACE, celery_app, hard_limit, visibility_timeout
    from sandbox.backend import Session

    pack = load_pack()
    for ids in (["model-basics"], list(pack)):
        chosen = [pack[i] for i in ids]
        runs = [challenge_run(c, b"", ("public", "hidden")) for c in chosen]
        wall = Session.build(runs, work="/w", parallel=1, clean_all=True).wall_limit
        assert hard_limit(chosen) - SOFT_GRACE > wall  # the sandbox's own limit fires first
        assert visibility_timeout(pack) > hard_limit(chosen)
    conf = celery_app("redis://127.0.0.1:1/0", visibility_timeout(pack)).conf
    assert conf.broker_transport_options["visibility_timeout"] == visibility_timeout(pack)
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"  # never pickle


# -- helpers --------------------------------------------------------------------------------


def _bytes(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _docker_or_none() -> Any:
    """A Docker client when an engine is reachable and the sandbox image can be had, else None
    (then a test uses the local backend), or a failure when CI requires Docker."""
    from sandbox.docker import DockerBackend, DockerUnavailable, connect

    try:
        client = connect(timeout=5)
        # The workers find the image as grade does: no base image here means no Docker for them.
        DockerBackend(client=client, base=os.environ.get("GRADER_BASE_IMAGE") or None).close()
    except DockerUnavailable as exc:
        if os.environ.get("GRADER_REQUIRE_DOCKER") == "1":
            pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but {exc}")
        return None
    return client


def _owned_by(client: Any, pid: int) -> list[Any]:
    """The sandbox containers the grader process ``pid`` of this host started and left."""
    from sandbox.docker import OWNER_LABEL

    label = f"{OWNER_LABEL}={socket.gethostname()}:{pid}"
    return list(client.containers.list(all=True, filters={"label": label}))


def _running_pid(url: str, job_id: str) -> int:
    """The pid of the worker process grading ``job_id`` (from its entry in Redis)."""
    from redis import Redis

    client = Redis.from_url(url)
    try:
        raw = client.get(f"grader:running:{job_id}")
    finally:
        client.close()
    assert raw, "the job is no longer running"
    return int(json.loads(raw)["pid"])


def _steady(value: Any) -> Any:
    """A result's JSON without what differs between two gradings of the same work (timings, and
    the CPUs of the sandbox that graded it: a worker's share of its host, not a batch's)."""
    if isinstance(value, dict):
        skip = ("duration", "started_at", "cpus", "parallel")
        return {k: _steady(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


@pytest.mark.slow
def test_a_batch_on_the_queue_writes_what_a_local_batch_writes_and_resumes(pool, quick_pack, tmp_path, salt):
    import zipfile

    pack_dir, redis_url = quick_pack[0], pool.url
    subs = tmp_path / "subs"
    answer = f"{SOLUTION}\n# {salt}\n"
    for name, source in (("alice", answer), ("bob", f"def broken(:\n# {salt}\n"), ("alice-again", answer)):
        (subs / name / "model-basics").mkdir(parents=True)
        (subs / name / "model-basics" / "solution.py").write_text(source)
    with zipfile.ZipFile(subs / "carol.zip", "w") as archive:
        archive.writestr("carol/model-basics/solution.py", f"{SOLUTION}\n# carol {salt}\n")
    (subs / "gone").symlink_to(tmp_path / "nowhere")  # a row that says it cannot be read
    common = ["--challenges", str(pack_dir), "--format", "json"]
    local = subprocess.run(
        [GRADER, "batch", str(subs), "--out", str(tmp_path / "local"), "--backend", "local", *common],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    queued = subprocess.run(
        [GRADER, "batch", str(subs), "--out", str(tmp_path / "queued"), "--queue", redis_url, *common],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert local.returncode == queued.returncode == 0, queued.stderr[-2000:]
    assert json.loads(local.stdout)["leaderboard"] == json.loads(queued.stdout)["leaderboard"]
    for name in ("leaderboard.csv", "cohort.json", "similarity.json"):
        assert (tmp_path / "local" / name).read_text() == (tmp_path / "queued" / name).read_text(), name
    names = sorted(p.name for p in (tmp_path / "local" / "submissions").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "queued" / "submissions").iterdir())
    for name in (n for n in names if n.endswith(".json")):
        mine = json.loads((tmp_path / "queued" / "submissions" / name).read_text())
        theirs = json.loads((tmp_path / "local" / "submissions" / name).read_text())
        if name == "gone.json":  # never graded: the row names the queue, not a backend that never ran
            assert (mine["backend"], theirs["backend"]) == ("queue (celery)", "local")
            for key in ("backend", "isolation"):
                mine.pop(key), theirs.pop(key)
        assert _steady(mine) == _steady(theirs), name
    resumed = subprocess.run(
        [GRADER, "batch", str(subs), "--out", str(tmp_path / "queued"), "--queue", redis_url, "--resume",
         *common],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0 and "5 submissions already graded" in resumed.stderr, resumed.stderr
    assert json.loads(resumed.stdout)["leaderboard"] == json.loads(queued.stdout)["leaderboard"]


def test_the_compose_file_runs_redis_with_append_only_persistence_the_service_and_workers():
    import yaml

    compose = yaml.safe_load((Path(__file__).parent.parent / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "service", "worker"} <= set(services)
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command and "--requirepass" in redis_command
    assert "ports" not in services["redis"]  # reached on the compose network only
    assert services["worker"]["command"][0] == "worker" and services["service"]["command"][0] == "serve"
    for name in ("service", "worker"):
        assert services[name]["environment"]["GRADER_QUEUE"].startswith("redis://")
        assert services[name]["environment"]["GRADER_CHALLENGES"] == "/pack"
    assert "/var/run/docker.sock:/var/run/docker.sock" in services["worker"]["volumes"]


def test_redis_stopped_and_started_mid_batch_loses_nothing(pool, redis_server, quick_pack, tmp_path, salt):
    """Last of the pool's tests: Redis goes away under the pool's workers, which carry on."""
    pack_dir, redis_url = quick_pack[0], pool.url
    subs = tmp_path / "subs"
    for n in range(6):
        (subs / f"s{n}" / "model-basics").mkdir(parents=True)
        (subs / f"s{n}" / "model-basics" / "solution.py").write_text(f"{SOLUTION}\n# {n} {salt}\n")
    out = tmp_path / "out"
    batch = subprocess.Popen(
        [GRADER, "batch", str(subs), "--out", str(out), "--queue", redis_url, "--challenges", str(pack_dir),
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((out / "submissions").glob("*.json")):
            time.sleep(0.1)
        assert list((out / "submissions").glob("*.json")), "no submission was graded before the restart"
        folder = str(redis_server[1])
        subprocess.run(["bash", str(REDIS_SCRIPT), "halt", folder], check=True, timeout=60)
        time.sleep(2.0)  # producer and workers find it gone
        subprocess.run(
            ["bash", str(REDIS_SCRIPT), "start", folder], check=True, timeout=60, capture_output=True
        )
        stdout, stderr = batch.communicate(timeout=180)
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
            batch.wait()
    assert batch.returncode == 0, stderr.decode()[-3000:]
    rows = json.loads(stdout)["leaderboard"]
    assert sorted(r["name"] for r in rows if r["status"] == "passed") == [f"s{n}" for n in range(6)]
    for n in range(6):
        saved = json.loads((out / "submissions" / f"s{n}.json").read_text())
        assert saved["status"] == "passed" and saved["submission"] == str(subs / f"s{n}")
    assert (out / "leaderboard.csv").read_text().count("\n") == 7


def test_a_job_past_its_time_limit_is_stopped_with_its_sandbox(workers, redis_url, quick_pack, salt):
    """The same per-job limits as always, made short: at the soft limit the grading is
    abandoned and the process's containers removed; the result says so and is not retried."""
    from grader.queue.celery import CeleryQueue

    pack = quick_pack[1]
    client = _docker_or_none()
    workers.start("slow@test", backend="docker" if client is not None else "local")
    workers.wait_ready("slow@test", timeout=180)
    queue = CeleryQueue(redis_url, pack, poll=0.1, time_limit=6.0)  # soft limit at 3 s
    got = Collector()
    queue.start(got.on_started, got.on_done)
    job = job_of(pack, 0, HOSTILE, salt)  # spins for the challenge's 8 s: past the 3 s
    try:
        queue.submit(job)
        deadline = time.monotonic() + 30
        pid = 0
        while time.monotonic() < deadline and not pid:
            with contextlib.suppress(AssertionError):
                pid = _running_pid(redis_url, job.id)
            time.sleep(0.05)
        assert pid, "the job was not seen running"
        if client is not None:
            time.sleep(1.0)
            assert _owned_by(client, pid), "the grading's container was not seen"
        got.wait({job.id}, timeout=60, why=lambda: workers.log("slow@test")[-2000:])
    finally:
        queue.close()
    outcome = got.results[job.id]
    assert outcome.result is None and "longer than its time limit" in outcome.error, outcome
    assert outcome.attempts == 1 == attempts_counted(redis_url, job.id)
    assert outcome.duration < 6.0
    if client is not None:
        assert _owned_by(client, pid) == [], "a container outlived its job"


def test_without_the_queue_extra_a_queue_command_says_what_to_install(runner, monkeypatch):
    import grader.queue
    from grader.cli import cli

    monkeypatch.delitem(sys.modules, "grader.queue.celery", raising=False)
    monkeypatch.delattr(grader.queue, "celery", raising=False)
    monkeypatch.setitem(sys.modules, "celery", None)  # as if Celery were not installed
    result = runner.invoke(cli, ["workers", "--queue", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 2
    assert "pip install 'grader[queue]'" in result.output and "Traceback" not in result.output


def test_serve_with_a_queue_url_grades_on_the_celery_queue(redis_url, quick_pack, tmp_path):
    from grader.service import create_app, dispatcher_of
    from grader.service.config import Settings

    settings = Settings.make(tmp_path / "instance", None, environ={"GRADER_QUEUE": redis_url},
                             challenges_dir=quick_pack[0])  # fmt: skip
    app = create_app(settings, testing=True)
    dispatcher = dispatcher_of(app)
    try:
        assert dispatcher.queue.kind == "celery" and dispatcher.queue.status().kind == "celery"
    finally:
        dispatcher.stop()


def test_a_batch_on_a_queue_without_workers_says_so(redis_url, quick_pack, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "gone").symlink_to(tmp_path / "nowhere")  # a row at once: nothing waits for a worker
    done = subprocess.run(
        [GRADER, "batch", str(subs), "--out", str(tmp_path / "out"), "--queue", redis_url,
         "--challenges", str(quick_pack[0])],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no worker has sent a heartbeat" in done.stderr and "grader worker --queue" in done.stderr


def test_a_queued_batch_sends_its_assessment_and_keeps_it_in_the_rows(tmp_path: Path) -> None:
    from grader.assessment import Assessment
    from grader.batch import Batch
    from grader.queue.batch import job_for, row_of
    from grader.queue.local import LocalQueue
    from tests.helpers import MODEL_BASICS_OK, write_sub

    pack = load_pack()
    weights = {"model-basics": 2.0, "crud": 0.5}
    chosen = Assessment("pair", "A pair", "", 30, weights)
    queue = LocalQueue.__new__(LocalQueue)  # never started: only its kind is read
    batch = Batch(tmp_path / "out", chosen.challenges(pack), None, pack=pack, assessment=chosen, queue=queue)
    sub = write_sub(tmp_path, "ann", MODEL_BASICS_OK)
    job = job_for(batch, sub)
    assert job.weights == weights and job.assessment["name"] == "pair"
    unreadable = row_of(batch, "ann", sub, JobResult(job.id, None, "cannot be read", unreadable=True))
    expected = pack["model-basics"].max_score() * 2 + pack["crud"].max_score() * 0.5
    assert unreadable.result.max_score == expected
    assert unreadable.result.assessment == chosen.as_json()
