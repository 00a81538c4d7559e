"""The Docker backend: one hardened container per submission, the supervisor inside.

Every limit is set on the container by the host, not by code inside it:

- ``network_mode=none``: no interface but loopback;
- a read-only root file system; ``/tmp`` a tmpfs with a size and an inode cap,
  mounted ``nosuid,nodev,noexec``; no ``/dev/shm`` (IPC mode ``none``), and
  ``/dev/mqueue`` emptied between challenges;
- a memory limit equal to memory+swap (no swap to hide in), sized for the
  challenges that run at once (each test process also has its own address
  space limit), a pids limit, the CPUs of ``SandboxLimits``;
- ``nofile`` and ``fsize`` ulimits;
- every capability dropped, ``no-new-privileges``, a non-root uid;
- an empty environment, no host path mounted at all (the session arrives on
  stdin), no Docker socket;
- logging off (output never lands on the host's disk); stdout read with a byte
  cap by the host, as validated frames;
- a host-side watchdog that SIGKILLs the container at the wall limit; the
  container is removed in a ``finally`` (success, error, timeout, Ctrl-C), and
  containers a crashed run left behind are swept by label on the next run (at
  once when the grader process that started one is gone).

The image holds the pinned stack and the harness only (``sandbox/image``); its
tag is a hash of what goes into it, so a change rebuilds and an unchanged tree
reuses. It is built with the network off from wheels downloaded on the host.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sandbox.backend import Backend, Feed, Session, SessionResult, harness_files
from sandbox.limits import SandboxLimits
from sandbox.pycs import PycStore, cache_root
from sandbox.wire import Ended, WireError, precompile_request, read_precompile_reply

DEFAULT_BASE_IMAGE = "python:3.12-slim"
IMAGE_REPOSITORY = "grader-sandbox"
SESSION_LABEL = "io.grader.session"
RUN_LABEL = "io.grader.run"  # which backend (one per grader process and command) made it
DEADLINE_LABEL = "io.grader.deadline"
OWNER_LABEL = "io.grader.owner"  # "host:pid" of the grader process that started it
IMAGE_LABEL = "io.grader.sandbox"
SANDBOX_UID = "10001:10001"
STDERR_CAP = 16 * 1024
PRECOMPILE_LIMIT = 60  # seconds for a precompile run
SWEEP_SETTLE = 120  # seconds a live run may leave its container created or exited
SPARE_WAIT = 3600  # seconds a spare may wait for its session before a sweep takes it
IMAGE_DIR = Path(__file__).resolve().parent / "image"


class DockerUnavailable(Exception):
    """No engine can be reached, or the image cannot be had; the message says what to do."""


def connect(timeout: int = 10) -> Any:
    """A docker client that has answered a ping, or ``DockerUnavailable``."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError as exc:  # pragma: no cover - a dependency of grader
        raise DockerUnavailable(f"the docker package is not installed ({exc})") from None
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except DockerException as exc:
        reason = str(exc).split("(", 1)[0].strip() or type(exc).__name__
        raise DockerUnavailable(
            f"no Docker engine is reachable ({reason[:160]}); start one (e.g. `sudo systemctl start "
            "docker`) or set DOCKER_HOST, or use --backend local"
        ) from None
    return client


# -- the image ------------------------------------------------------------------


def image_tag(base: str, base_id: str | None) -> str:
    """The content-derived tag: Dockerfile, pins, harness sources and the base image."""
    digest = hashlib.sha256()
    for name in ("Dockerfile", "requirements.txt"):
        digest.update(name.encode() + b"\0" + (IMAGE_DIR / name).read_bytes() + b"\0")
    for rel, data in harness_files():
        digest.update(rel.encode() + b"\0" + data + b"\0")
    digest.update((base_id or base).encode())
    return f"{IMAGE_REPOSITORY}:{digest.hexdigest()[:16]}"


def _image_id(client: Any, name: str) -> str | None:
    from docker.errors import ImageNotFound

    try:
        return str(client.images.get(name).id)
    except ImageNotFound:
        return None


def base_present(client: Any, base: str) -> bool:
    """Whether the base image is on this machine (the build never pulls it)."""
    return _image_id(client, base) is not None


def current_image(client: Any, base: str) -> tuple[str, str | None]:
    """The tag this tree and base need, and its id when it is built (else None)."""
    tag = image_tag(base, _image_id(client, base))
    return tag, _image_id(client, tag)


def _probe_base(client: Any, base: str) -> tuple[str, str]:
    """(python version "3.11", machine "x86_64") of the base image, asked with the network off."""
    script = "import sys, platform; print('%d.%d' % sys.version_info[:2], platform.machine())"
    out = client.containers.run(
        base, ["python3", "-c", script], network_mode="none", remove=True, stdout=True, stderr=True
    )
    version, machine = out.decode().split()
    return version, machine


def _download_wheels(
    version: str, machine: str, progress: Callable[[str], None], cache: Path | None = None
) -> Path:
    """The pinned wheels for that Python and machine, fetched on the host once and cached."""
    cache = (cache or cache_root()) / "wheels"
    requirements = (IMAGE_DIR / "requirements.txt").read_bytes()
    key = hashlib.sha256(requirements).hexdigest()[:12]
    dest = cache / f"cp{version.replace('.', '')}-{machine}-{key}"
    if (dest / ".complete").exists():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    progress(f"downloading wheels for Python {version} on {machine} into {dest}")
    abi = f"cp{version.replace('.', '')}"
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--dest",
        str(dest),
        "--python-version",
        version,
        "--implementation",
        "cp",
        "--abi",
        abi,
        "--abi",
        "abi3",
        "--abi",
        "none",
    ]
    for tag in ("manylinux_2_28", "manylinux_2_17", "manylinux2014"):
        cmd += ["--platform", f"{tag}_{machine}"]
    cmd += ["-r", str(IMAGE_DIR / "requirements.txt")]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise DockerUnavailable(f"cannot download the sandbox's wheels with pip: {last[:300]}")
    (dest / ".complete").write_text("ok\n")
    return dest


def build_image(
    client: Any, base: str, progress: Callable[[str], None], *, force: bool = False, cache: Path | None = None
) -> str:
    """Build (or reuse) the sandbox image FROM ``base``; its tag."""
    from docker.errors import BuildError, ContainerError, ImageNotFound

    if _image_id(client, base) is None:
        raise DockerUnavailable(
            f"the base image {base} is not on this machine; pull it once (`docker pull {base}`) "
            "or name one that is with --base-image / GRADER_BASE_IMAGE"
        )
    tag, built = current_image(client, base)
    if built and not force:
        return tag
    try:
        version, machine = _probe_base(client, base)
    except (ContainerError, ImageNotFound, ValueError) as exc:
        raise DockerUnavailable(f"the base image {base} has no working python3 ({exc})") from None
    wheels = _download_wheels(version, machine, progress, cache)
    progress(f"building {tag} from {base} (network off)")
    with tempfile.TemporaryDirectory(prefix="grader-image-") as ctx:
        shutil.copy(IMAGE_DIR / "Dockerfile", ctx)
        shutil.copy(IMAGE_DIR / "requirements.txt", ctx)
        shutil.copytree(wheels, Path(ctx) / "wheels", ignore=shutil.ignore_patterns(".complete"))
        for rel, data in harness_files():
            target = Path(ctx) / "harness" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            for chunk in client.api.build(
                path=ctx,
                tag=tag,
                buildargs={"BASE_IMAGE": base},
                network_mode="none",
                rm=True,
                forcerm=True,
                pull=False,
                labels={IMAGE_LABEL: "1"},
                decode=True,
            ):
                if "error" in chunk:
                    raise DockerUnavailable(f"building the sandbox image failed: {chunk['error'].strip()}")
                line = str(chunk.get("stream", "")).strip()
                if line.startswith("Step "):
                    progress(line)
        except BuildError as exc:  # pragma: no cover - api.build reports errors as chunks
            raise DockerUnavailable(f"building the sandbox image failed: {exc}") from None
    return tag


def owner() -> str:
    """This process as a container's owner label says it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(label: str) -> bool:
    """Whether the owner ``label`` names a process of this host that no longer runs (a grader
    killed with SIGKILL, e.g. a queue worker's process past its hard time limit)."""
    host, _, pid = label.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep(client: Any) -> int:
    """Remove containers that earlier runs left behind: past their deadline, started by a
    process of this host that is gone, or not running for longer than a live run ever leaves
    one (another grader on this host may be between creating and starting its container, or
    reading the state of one that just exited)."""
    removed = 0
    now = time.time()
    for container in client.containers.list(all=True, filters={"label": SESSION_LABEL}):
        try:
            deadline = float(container.labels.get(DEADLINE_LABEL, "0"))
            stopped = container.status != "running" and now - _created(container) > SWEEP_SETTLE
            orphan = _owner_gone(container.labels.get(OWNER_LABEL, ""))
            if stopped or orphan or deadline < now:
                container.remove(force=True)
                removed += 1
        except Exception:  # another run may be removing it right now
            continue
    return removed


def remove_owned(client: Any) -> int:
    """Remove every sandbox container this process started (a grading it gave up on, e.g. past
    a queue's hard time limit, whose session may still be running); how many."""
    removed = 0
    for container in client.containers.list(all=True, filters={"label": f"{OWNER_LABEL}={owner()}"}):
        try:
            container.remove(force=True)
            removed += 1
        except Exception:  # already gone
            continue
    return removed


def _created(container: Any) -> float:
    """When the container was created, in seconds since the epoch (0 if Docker does not say)."""
    from datetime import datetime

    stamp = str(container.attrs.get("Created", ""))
    try:  # "2026-11-26T14:40:00.123456789Z": Python reads at most microseconds
        whole, _, fraction = stamp.rstrip("Z").partition(".")
        return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}+00:00").timestamp()
    except ValueError:
        return 0.0


# -- the backend ------------------------------------------------------------------


class DockerBackend(Backend):
    """One container per submission, built from the content-tagged sandbox image."""

    name = "docker"

    def __init__(
        self,
        jobs: int | None = None,
        *,
        client: Any = None,
        base: str | None = None,
        runtime: str | None = None,
        limits: SandboxLimits | None = None,
        progress: Callable[[str], None] | None = None,
        spares: int = 0,
        cache: Path | None = None,
    ) -> None:
        limits = limits or SandboxLimits()
        super().__init__(jobs if jobs is not None else limits.parallel, limits)
        # Containers started ahead, each waiting (its stack imported) for one session: a
        # batch takes a warm one instead of paying for a start. None is ever given a
        # second session; what is left is removed by close().
        self.spares = spares
        self._spare_lock = threading.Lock()
        self._warm: list[_Started] = []
        self._starting = 0
        self._closed = False
        self.client = client or connect()
        self.base = base or DEFAULT_BASE_IMAGE
        self.runtime = runtime
        self.run_id = secrets.token_hex(8)
        sweep(self.client)
        self.image = build_image(self.client, self.base, progress or (lambda _line: None), cache=cache)
        self.image_id = _image_id(self.client, self.image) or ""
        self.pycs = PycStore(f"docker {self.image_id}", self._precompile, cache=cache)

    @property
    def isolation(self) -> str:
        return f"docker ({self.runtime})" if self.runtime else "docker"

    @property
    def network_cut_off(self) -> bool:
        return True

    @property
    def details(self) -> dict[str, Any]:
        return {"image": self.image, "image_id": self.image_id, "runtime": self.runtime or "default"}

    def container_options(self, session: Session | None = None) -> dict[str, Any]:
        """Everything the container is created with (the hardening lives here); without a
        session, a spare's (its session is not known yet, so its deadline is generous)."""
        from docker.types import LogConfig, Ulimit

        limits = self.limits
        file_size = limits.file_size_mb * 1024 * 1024
        memory = f"{limits.sandbox_memory_mb(self.jobs)}m"
        tmp = f"rw,nosuid,nodev,noexec,size={limits.sandbox_tmp_mb(self.jobs)}m,nr_inodes=4096,mode=1777"
        options: dict[str, Any] = {
            "network_mode": "none",
            "read_only": True,
            "tmpfs": {"/tmp": tmp},
            "mem_limit": memory,
            "memswap_limit": memory,
            "pids_limit": limits.processes,
            "nano_cpus": int(limits.cpus * 1e9),
            "ulimits": [
                Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
                Ulimit(name="fsize", soft=file_size, hard=file_size),
            ],
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "user": SANDBOX_UID,
            "environment": {},
            "labels": {
                SESSION_LABEL: session.nonce if session else "spare",
                RUN_LABEL: self.run_id,
                OWNER_LABEL: owner(),
                DEADLINE_LABEL: str(int(time.time() + (session.wall_limit if session else SPARE_WAIT) + 60)),
            },
            "stdin_open": True,
            "log_config": LogConfig(type=LogConfig.types.NONE),
            "hostname": "sandbox",
            "ipc_mode": "none",  # a private IPC namespace with no /dev/shm at all
            "init": False,  # the supervisor is pid 1: candidate code cannot signal it
        }
        if self.runtime:
            options["runtime"] = self.runtime
        return options

    def run_session(self, session: Session, feed: Feed) -> SessionResult:
        return self._supervise(session, feed)

    def _start(self, session: Session | None) -> _Started:
        """Create and start a container for ``session`` (None: a spare)."""
        return _Started.create(self.client, self.image, self.container_options(session))

    def _precompile(self, sources: list[bytes]) -> tuple[str, list[bytes]]:
        """Pycs of test modules, made in a container of the image that runs nothing else
        (``sandbox.harness.precompile``): no candidate code is near them."""
        options = self.container_options(None)
        options["command"] = [
            "/opt/grader/bin/python",
            "-I",
            "-c",
            "import sys; sys.path.insert(0, '/opt/grader/harness'); "
            "from sandbox.harness.precompile import main; main()",
        ]
        started = _Started.create(self.client, self.image, options)
        watchdog = threading.Timer(PRECOMPILE_LIMIT, started.discard)
        try:
            watchdog.start()
            threading.Thread(
                target=_send, args=(started.sock._sock, precompile_request(sources)), daemon=True
            ).start()
            cap = 32 * sum(len(s) for s in sources) + 1024 * 1024  # a pyc is about 8x its source
            out = bytearray()
            for stream, data in _frames(started.sock):
                if stream == 1:
                    out += data
                    if len(out) > cap:
                        raise RuntimeError("the precompile run wrote too much")
        finally:
            watchdog.cancel()
            started.discard()
        try:
            return read_precompile_reply(bytes(out), len(sources))
        except WireError as exc:
            raise RuntimeError(str(exc)) from None

    def _take_spare(self) -> _Started | None:
        """A warm container for one session, if one is ready; starts its replacement."""
        from docker.errors import APIError

        while True:
            with self._spare_lock:
                started = self._warm.pop(0) if self._warm else None
            self._replenish()
            if started is None:
                return None
            try:
                started.container.reload()
                if started.container.status == "running":
                    return started
            except APIError:
                pass
            started.discard()  # it died waiting: never hand a session to that

    def _replenish(self) -> None:
        with self._spare_lock:
            wanted = self.spares - len(self._warm) - self._starting
            if self._closed or wanted <= 0:
                return
            self._starting += wanted
        for _ in range(wanted):
            threading.Thread(target=self._add_spare, daemon=True).start()

    def _add_spare(self) -> None:
        try:
            started = self._start(None)
        except Exception:  # the engine said no: sessions start their own containers
            started = None
        with self._spare_lock:
            self._starting -= 1
            if started is not None and not self._closed:
                self._warm.append(started)
                return
        if started is not None:
            started.discard()

    def close(self) -> None:
        """Remove the spares no session took."""
        with self._spare_lock:
            self._closed = True
            left, self._warm = self._warm, []
        for started in left:
            started.discard()

    def _supervise(self, session: Session, feed: Feed) -> SessionResult:
        from docker.errors import APIError

        started = self._take_spare() if self.spares else None
        if started is None:
            try:
                started = self._start(session)
            except APIError as exc:
                return SessionResult(Ended.FAILED_TO_START, stderr=f"cannot start the container: {exc}")
        container, sock = started.container, started.sock
        killed = threading.Event()
        overflow = False
        stderr = bytearray()

        def kill() -> None:
            killed.set()
            try:
                container.kill()
            except APIError:
                pass

        watchdog = threading.Timer(session.wall_limit, kill)
        try:
            with self.stoppable(kill):  # a stop kills the container at once
                watchdog.start()
                raw = sock._sock  # the hijacked HTTP connection
                feeder = threading.Thread(target=_send, args=(raw, session.payload), daemon=True)
                feeder.start()
                received = 0
                for stream, data in _frames(sock):
                    if stream == 2:
                        stderr += data[: max(0, STDERR_CAP - len(stderr))]
                        continue
                    received += len(data)
                    if received > session.stream_cap:
                        overflow = True
                        kill()
                        break
                    feed(data)
                state = _final_state(container)
        except APIError as exc:
            return SessionResult(Ended.FAILED_TO_START, stderr=f"cannot start the container: {exc}")
        finally:
            watchdog.cancel()
            started.discard()
        ended = Ended.COMPLETED
        if state.get("OOMKilled"):
            ended = Ended.OOM
        elif killed.is_set() and not overflow:
            ended = Ended.TIMEOUT
        elif overflow:
            ended = Ended.OUTPUT_LIMIT
        elif state.get("ExitCode", 0) != 0:
            ended = Ended.CRASHED
        return SessionResult(ended, stderr=stderr.decode("utf-8", errors="replace"))


class _Started:
    """A started container and the socket attached to its stdin, stdout and stderr."""

    def __init__(self, container: Any, sock: Any) -> None:
        self.container = container
        self.sock = sock

    @classmethod
    def create(cls, client: Any, image: str, options: dict[str, Any]) -> _Started:
        """Create and start a container, attached first so that none of its output is lost."""
        from docker.errors import APIError

        container = client.containers.create(image, **options)
        try:
            sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            container.start()
        except APIError:
            container.remove(force=True)
            raise
        return cls(container, sock)

    def discard(self) -> None:
        """Close the socket and remove the container (killing it if it still runs)."""
        from docker.errors import APIError

        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.container.remove(force=True)
        except APIError:
            pass


def _send(raw: socket.socket, payload: bytes) -> None:
    try:
        raw.sendall(payload)
        raw.shutdown(socket.SHUT_WR)
    except OSError:  # the container died before reading it all
        pass


def _frames(sock: Any) -> Iterator[tuple[int, bytes]]:
    from docker.utils.socket import frames_iter

    try:
        yield from frames_iter(sock, tty=False)
    except (OSError, io.UnsupportedOperation):
        return


def _final_state(container: Any) -> dict[str, Any]:
    from docker.errors import APIError

    try:
        container.wait(timeout=10)
    except Exception:  # requests' timeout types vary; the kill below settles it
        try:
            container.kill()
        except APIError:
            pass
    try:
        container.reload()
        return dict(container.attrs.get("State", {}))
    except APIError:
        return {}
