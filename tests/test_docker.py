"""The Docker backend: the image, the container's hardening, and the attack suite.

Every attack is a small hostile ``solution.py`` graded beside an honest
challenge in the same submission (``tests.hostile.hostile_pair``): the hostile
one must not pass and must say why, the honest one keeps full marks, the
grading returns within its limits, and no container is left behind.

These tests need an engine. Without one they skip, unless
``GRADER_REQUIRE_DOCKER=1`` (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.results import ChallengeStatus, TestStatus
from sandbox.docker import DEFAULT_BASE_IMAGE, SANDBOX_UID, DockerBackend, current_image, image_tag
from tests.helpers import (
    CRUD_OK,
    DOCKER_BACKENDS,
    HARNESS_ENV,
    HEADER,
    MODEL_BASICS_OK,
    REWRITE_TESTS,
    docker_backend,
    docker_client,
    hostile_pair,
    leftover_containers,
    loopback_listener,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def client() -> Any:
    return docker_client()


@pytest.fixture(scope="module")
def backend(client: Any) -> Iterator[DockerBackend]:
    """The Docker backend (building the image if this tree's tag is missing)."""
    with docker_backend(client) as made:
        yield made


@pytest.fixture(autouse=True)
def no_containers_left(request: pytest.FixtureRequest) -> Any:
    """No container any backend of this test made is left (other tests' and other graders'
    containers on this engine are not looked at)."""
    before = len(DOCKER_BACKENDS)
    yield
    if "client" in request.fixturenames:
        engine = request.getfixturevalue("client")
        mine = DOCKER_BACKENDS[before:]
        if "backend" in request.fixturenames:
            mine.append(request.getfixturevalue("backend"))
        for made in mine:
            assert leftover_containers(engine, made) == [], "a sandbox container was left behind"


def pair(tmp_path: Path, fast_pack: dict, backend: DockerBackend, hostile: str, **kw: Any):
    result, elapsed = hostile_pair(tmp_path, fast_pack, backend, hostile, **kw)
    assert elapsed < 60, f"grading took {elapsed:.1f} s"
    return result


# -- the image -----------------------------------------------------------------


def test_the_tag_follows_the_content(client: Any, backend: DockerBackend) -> None:
    base = os.environ.get("GRADER_BASE_IMAGE") or DEFAULT_BASE_IMAGE
    tag, image_id = current_image(client, base)
    assert tag == backend.image and image_id == backend.image_id
    assert image_tag("another/base:1", None) != tag


def test_the_image_runs_as_a_non_root_user_and_holds_no_challenges(
    client: Any, backend: DockerBackend
) -> None:
    config = client.images.get(backend.image).attrs["Config"]
    assert config["User"] == SANDBOX_UID
    listing = client.containers.run(
        backend.image,
        [
            "/bin/sh",
            "-c",
            "id -u; ls /opt/grader/harness/sandbox; find / -name 'test_hidden*' 2>/dev/null; true",
        ],
        network_mode="none",
        remove=True,
    ).decode()
    lines = listing.split()
    assert lines[0] == "10001"
    assert "harness" in lines and "wire.py" in lines
    assert "test_hidden.py" not in listing


# -- grading ---------------------------------------------------------------------


def test_references_score_full_marks_and_results_name_the_image(
    tmp_path: Path, pack: dict, backend: DockerBackend
) -> None:
    from grader.grading import grade

    sub = tmp_path / "sub"
    for cid, challenge in pack.items():
        (sub / cid).mkdir(parents=True)
        (sub / cid / "solution.py").write_bytes((challenge.path / "solutions" / "reference.py").read_bytes())
    result = grade(str(sub), list(pack.values()), backend)
    assert [c.id for c in result.challenges if c.status is not ChallengeStatus.PASSED] == []
    assert result.score == result.max_score
    data = result.as_json()
    assert data["backend"] == "docker"
    assert data["sandbox"]["image"] == backend.image
    assert data["sandbox"]["image_id"].startswith("sha256:")


def test_the_example_submission_grades_as_on_the_local_backend(pack: dict, backend: DockerBackend) -> None:
    from grader.grading import grade

    root = Path(__file__).resolve().parent.parent / "examples"
    expected = json.loads((root / "expected.json").read_text())
    challenges = [pack[cid] for cid in expected]
    result = grade(str(root / "submission"), challenges, backend)
    assert {c.id: str(c.status) for c in result.challenges} == expected


# -- hardening, seen from inside ----------------------------------------------------

PROBE = (
    HEADER
    + """
import json, os, resource
facts = {
    "uid": os.getuid(),
    "caps": [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0],
    "no_new_privs": [l.split()[1] for l in open('/proc/self/status') if l.startswith('NoNewPrivs')][0],
    "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
    "env": sorted(os.environ),
    "interfaces": sorted(os.listdir('/sys/class/net')),
    "docker_sock": os.path.exists('/var/run/docker.sock') or os.path.exists('/run/docker.sock'),
    "root_writable": os.access('/', os.W_OK) or os.access('/opt/grader', os.W_OK),
    "tmp": [l.split()[3] for l in open('/proc/mounts') if l.split()[1] == '/tmp'],
}
try:
    facts["pid1_environ"] = open('/proc/1/environ', 'rb').read().decode(errors='replace')
except OSError as e:
    facts["pid1_environ"] = 'unreadable: ' + e.strerror
raise RuntimeError('FACTS=' + json.dumps(facts))
"""
)


def test_inside_the_container(tmp_path: Path, fast_pack: dict, backend: DockerBackend, monkeypatch) -> None:
    monkeypatch.setenv("GRADER_TEST_SECRET", "hunter2")
    result = pair(tmp_path, fast_pack, backend, PROBE)
    facts = json.loads(result.message.split("FACTS=", 1)[1].split(" \n")[0].strip())
    assert facts["uid"] == 10001
    assert int(facts["caps"], 16) == 0, "capabilities were not all dropped"
    assert facts["no_new_privs"] == "1"
    assert facts["nofile"] == 256 and facts["fsize"] == 64 * 1024 * 1024
    assert set(facts["env"]) <= HARNESS_ENV
    assert facts["interfaces"] == ["lo"], "the container has a network interface"
    assert facts["docker_sock"] is False
    assert facts["root_writable"] is False
    assert {"nosuid", "nodev", "noexec"} <= set(facts["tmp"][0].split(","))
    assert facts["pid1_environ"].startswith("unreadable"), "the supervisor's environment is readable"
    assert "hunter2" not in result.message


def test_container_limits_are_set_by_the_host(backend: DockerBackend) -> None:

    options = backend.container_options(backend.build_session([]))
    assert options["network_mode"] == "none" and options["read_only"] is True
    assert options["mem_limit"] == options["memswap_limit"]
    assert options["pids_limit"] > 0 and options["nano_cpus"] == int(backend.limits.cpus * 1e9)
    # The ceiling holds every challenge running at once, each at its own RLIMIT_AS, and the supervisor.
    assert backend.jobs == backend.limits.parallel
    assert options["mem_limit"] == f"{backend.limits.memory_mb * backend.jobs + 256}m"
    assert options["cap_drop"] == ["ALL"] and "no-new-privileges" in options["security_opt"]
    assert options["environment"] == {} and "volumes" not in options
    assert "size=" in options["tmpfs"]["/tmp"] and "nr_inodes=" in options["tmpfs"]["/tmp"]


# -- the attack suite ------------------------------------------------------------------

LOOP_IN_FUNCTION = MODEL_BASICS_OK.replace(
    "    def __repr__",
    "    def __init__(self, **kw):\n        while True:\n            pass\n\n    def __repr__",
)

ATTACKS = {
    "infinite-loop-at-import": ("while True:\n    pass\n", ("time limit",)),
    "sleep-past-the-limit": ("import time\ntime.sleep(3600)\n", ("time limit",)),
    "sigterm-handler-that-refuses": (
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n    time.sleep(1)\n",
        ("time limit",),
    ),
    "fork-bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        ("time limit",),
    ),
    "thread-bomb": (
        "import threading, time\nwhile True:\n"
        "    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()\n",
        ("can't start new thread", "time limit"),
    ),
    "allocate-8-gib": ("x = b'x' * (8 * 1024 ** 3)\n", ("memory", "MemoryError")),
    "fill-tmp": (
        "import os\nchunk = b'x' * 2**20\ni = 0\nwhile True:\n"
        "    with open(f'/tmp/fill-{i}', 'wb') as f:\n        f.write(chunk)\n    i += 1\n",
        ("No space left", "Disk quota", "File too large"),
    ),
    "exhaust-file-descriptors": (
        "import os\nfds = []\nwhile True:\n    fds.append(os.open('/dev/null', os.O_RDONLY))\n",
        ("Too many open files",),
    ),
    "print-1-gib-without-newline": (
        "import sys\nchunk = 'x' * 2**20\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n",
        ("File too large", "No space left"),
    ),
    "flood-every-descriptor": (
        "import os\nchunk = b'@@grader:' + b'x' * 2**20\nfor _ in range(1024):\n"
        "    for fd in range(3, 20):\n        try:\n            os.write(fd, chunk)\n"
        "        except OSError:\n            pass\n",
        ("wrote more than", "File too large", "time limit"),
    ),
    "invalid-utf8-and-nul-output": (
        "import os, sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\x00\\x00bad' * 1000)\nsys.stdout.flush()\n"
        'for fd in range(3, 12):\n    try:\n        os.write(fd, b\'\\xff\\x00{"kind": "done"}\\n\')\n'
        "    except OSError:\n        pass\n",
        ("tampered",),
    ),
    "os-exit-at-import": ("import os\nos._exit(0)\n", ("exited",)),
    "sys-exit-at-import": ("import sys\nsys.exit(0)\n", ("exit",)),
    "patch-pytest-reports-to-passed": (
        "from _pytest.reports import TestReport\n_init = TestReport.__init__\n"
        "def _forged(self, *args, **kwargs):\n    _init(self, *args, **kwargs)\n"
        "    self.outcome = 'passed'\n    self.longrepr = None\n"
        "TestReport.__init__ = _forged\n"
        "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
        ("tampered",),
    ),
    "loop-inside-a-function": (LOOP_IN_FUNCTION, ("time limit", "did not pass")),
    "rewrite-the-test-files-at-import": (REWRITE_TESTS, ("it reads the test files",)),
    "detached-child-left-running": (
        MODEL_BASICS_OK + "\nimport os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(3600)\n    os._exit(0)\n",
        ("left",),
    ),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack(tmp_path: Path, fast_pack: dict, backend: DockerBackend, attack: str) -> None:
    body, reasons = ATTACKS[attack]
    source = body if "SQLAlchemy()" in body else HEADER + body
    result = pair(tmp_path, fast_pack, backend, source)
    text = result.message + " ".join(t.message for t in result.tests)
    assert any(reason in text for reason in reasons), (attack, result.message)


def test_an_always_equal_object_gains_nothing(
    tmp_path: Path, fast_pack: dict, backend: DockerBackend
) -> None:
    hostile = CRUD_OK + (
        "\nclass _Same:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "def get_user(name):\n    return _Same()\n"
    )
    result = pair(tmp_path, fast_pack, backend, hostile, hostile_id="crud")
    assert any(t.status is TestStatus.FAILED for t in result.tests)


@pytest.mark.parametrize(
    "extra",
    [
        {"model-basics/conftest.py": "def pytest_runtest_logreport(report):\n    report.outcome = 'ok'\n"},
        {"model-basics/pytest.ini": "[pytest]\naddopts = -p no:sandbox.harness.fixtures --co\n"},
        {"model-basics/flask_sqlalchemy.py": "class SQLAlchemy:\n    pass\n"},
    ],
    ids=["conftest-rewriting-reports", "pytest-ini-addopts", "module-shadowing-flask-sqlalchemy"],
)
def test_files_beside_the_solution_have_no_effect(
    tmp_path: Path, fast_pack: dict, backend: DockerBackend, extra: dict[str, str]
) -> None:
    result = pair(tmp_path, fast_pack, backend, HEADER, extra_files=extra)
    assert result.status is ChallengeStatus.ERROR and "does not define User" in result.message
    assert any("ignored" in note or "not used" in note for note in result.notes), result.notes


def test_no_connection_reaches_the_host(tmp_path: Path, fast_pack: dict, backend: DockerBackend) -> None:
    with loopback_listener() as (hostile, accepted):
        result = pair(tmp_path, fast_pack, backend, hostile)
    assert accepted == []
    assert "NET=blocked" in result.message


def test_writes_outside_tmp_fail(tmp_path: Path, fast_pack: dict, backend: DockerBackend) -> None:
    hostile = HEADER + (
        "wrote = []\n"
        "for path in ('/x', '/opt/grader/harness/sandbox/evil.py', '/etc/evil', '/home/evil', '/var/evil'):\n"
        "    try:\n        open(path, 'w').write('x')\n        wrote.append(path)\n"
        "    except OSError:\n        pass\n"
        "raise RuntimeError(f'WROTE={wrote}')\n"
    )
    result = pair(tmp_path, fast_pack, backend, hostile)
    assert "WROTE=[]" in result.message


def test_a_session_past_its_wall_limit_is_killed(
    tmp_path: Path, fast_pack: dict, client: Any, monkeypatch
) -> None:
    """The host's watchdog, not the supervisor, ends a session that overruns (here: a 2 s wall)."""
    from grader.grading import grade
    from sandbox.limits import SandboxLimits

    # Phases of 8 s give a wall of 8 + 8 + 8 s plus the allowance: -22 makes it 2 s.
    sub = tmp_path / "sub"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(HEADER + "import time\ntime.sleep(3600)\n")
    started = time.monotonic()
    backend = docker_backend(client, limits=SandboxLimits(startup_s=-22.0))
    result = grade(str(sub), [fast_pack["model-basics"]], backend)
    assert time.monotonic() - started < 30
    assert result.challenges[0].status is ChallengeStatus.TIMEOUT


def test_a_spare_container_serves_one_session_and_none_outlives_close(
    tmp_path: Path, fast_pack: dict, client: Any
) -> None:
    """Spares (a batch's warm containers) are hardened like any other, each gets exactly
    one session, what one session wrote is gone for the next, and close() removes the rest."""
    from sandbox.docker import SESSION_LABEL

    backend = docker_backend(client, spares=1)
    started: list[str] = []
    start = backend._start

    def spy(session: Any) -> Any:
        container = start(session)
        started.append(container.container.id)
        return container

    backend._start = spy  # type: ignore[method-assign]
    # Leaves a file in /tmp, outside its own work folder, then reports whether one was there.
    probe = HEADER + (
        "import glob, os\nfound = glob.glob('/tmp/left-by-*')\n"
        "open(f'/tmp/left-by-{os.getpid()}', 'w').close()\n"
        "raise RuntimeError(f'FOUND={found}')\n"
    )
    try:
        messages = []
        for round_ in range(3):
            result, _elapsed = hostile_pair(tmp_path / str(round_), fast_pack, backend, probe)
            messages.append(result.message)
        spares = client.containers.list(filters={"label": f"{SESSION_LABEL}=spare"})
        assert len(spares) == 1, "a spare should be waiting for the next session"
        options = spares[0].attrs["HostConfig"]
        assert options["NetworkMode"] == "none" and options["ReadonlyRootfs"] is True
        assert options["CapDrop"] == ["ALL"] and options["Memory"] == options["MemorySwap"] > 0
    finally:
        backend.close()
    assert all("FOUND=[]" in m for m in messages), messages
    assert len(started) == len(set(started)) >= 4, "a container served more than one session"
    assert leftover_containers(client, backend) == []


def test_test_modules_are_compiled_once_per_image_in_a_container_of_their_own(
    tmp_path: Path, fast_pack: dict, client: Any
) -> None:
    from sandbox.pycs import PycStore

    backend = docker_backend(client)
    made: list[int] = []

    def produce(sources: list[bytes]) -> tuple[str, list[bytes]]:
        made.append(len(sources))
        return backend._precompile(sources)

    backend.pycs = PycStore(f"docker {backend.image_id}", produce, folder=tmp_path / "pycs")
    for round_ in range(2):
        hostile_pair(tmp_path / str(round_), fast_pack, backend, HEADER + "raise RuntimeError('no')\n")
    assert made == [4], "each test file (not the canaries) once, in one run"
    tail = (tmp_path / "pycs" / "tail").read_text()
    assert tail.startswith(".cpython-") and tail.endswith(".pyc")
    assert len(list((tmp_path / "pycs").glob("*.pyc"))) == 4


def test_sweep_takes_what_runs_left_behind_but_not_what_another_run_is_using(
    client: Any, backend: DockerBackend, monkeypatch
) -> None:
    import sandbox.docker as docker_module
    from sandbox.docker import DEADLINE_LABEL, SESSION_LABEL, sweep

    def create(deadline: float) -> Any:
        labels = {SESSION_LABEL: "sweep-test", DEADLINE_LABEL: str(int(deadline))}
        return client.containers.create(backend.image, ["true"], labels=labels, network_mode="none")

    def present() -> set[str]:
        return {c.id for c in client.containers.list(all=True, filters={"label": SESSION_LABEL})}

    in_use = create(time.time() + 600)  # created, not started yet: another run's, just now
    overdue = create(time.time() - 1)
    try:
        sweep(client)
        assert in_use.id in present() and overdue.id not in present()
        monkeypatch.setattr(docker_module, "SWEEP_SETTLE", -1)  # as if it had waited long
        sweep(client)
        assert in_use.id not in present()
    finally:
        for container in (in_use, overdue):
            try:
                container.remove(force=True)
            except Exception:
                pass


def test_auto_falls_back_when_the_image_cannot_be_built(client: Any, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from grader.cli import cli

    monkeypatch.setenv("GRADER_BASE_IMAGE", "grader-test/no-such-base:0")
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = CliRunner().invoke(cli, ["grade", str(sub.parent), "-c", "model-basics", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "cannot be used" in result.stderr and "docker pull grader-test/no-such-base:0" in result.stderr
    assert json.loads(result.stdout)["backend"] == "local"
    explicit = CliRunner().invoke(
        cli, ["grade", str(sub.parent), "-c", "model-basics", "--backend", "docker"]
    )
    assert explicit.exit_code == 3 and "Traceback" not in explicit.output
