"""50 API submissions posted at once to a real ``grader serve`` are all graded exactly
once, and none is lost when the server is killed mid-way and started again.

The server (Werkzeug's, as on a trial machine) grades on the local backend with one
small, fast challenge; it is killed with SIGKILL (no chance to clean up: its lease on the
queue and its running gradings are left behind) while gradings are running, then started
again on the same instance folder.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.challenges import Challenge
from tests.helpers import MODEL_BASICS_OK, zip_of

pytestmark = [pytest.mark.service, pytest.mark.slow]
SUBMISSIONS = 50
BOOT = "from grader.cli import main; main()"


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    filename, data = file
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/zip\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


class Server:
    def __init__(self, root: Path, env: dict[str, str], server: str) -> None:
        self.root, self.env, self.server = root, env, server
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.root / f"serve-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", BOOT, "serve", "--port", str(self.port), "--backend", "local",
             "--workers", "2", "--threads", "16", "--server", self.server],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/signin", timeout=2).read()
                return
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, self.log()
                time.sleep(0.2)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the server and every sandbox it started
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.root.glob("serve-*.log")))


def test_fifty_submissions_at_once_are_graded_exactly_once_across_a_kill_and_restart(
    tmp_path, fast_pack: dict[str, Challenge]
):
    # Werkzeug's server here (what a loopback `grader serve` without gunicorn runs); the
    # browser test runs `--server auto`, which is gunicorn where it is installed (CI).
    pack = next(iter(fast_pack.values())).path.parent
    env = {**os.environ, "GRADER_INSTANCE": str(tmp_path / "instance"), "GRADER_CHALLENGES": str(pack)}
    env.pop("GRADER_DATABASE_URL", None)
    made = subprocess.run(
        [sys.executable, "-c", BOOT, "tokens", "add", "load"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[0]
    server = Server(tmp_path, env, "dev")
    server.start()
    try:

        def post(n: int) -> dict:
            archive = zip_of({"model-basics": MODEL_BASICS_OK + f"\n# submission {n}\n"})
            body, kind = multipart(
                [("challenge", "model-basics"), ("name", f"load-{n}")], (f"{n}.zip", archive)
            )
            request = urllib.request.Request(
                f"{server.base}/api/v1/submissions",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": kind},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 201
                return json.loads(response.read())

        with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
            created = list(pool.map(post, range(SUBMISSIONS)))
        assert len({c["id"] for c in created}) == SUBMISSIONS
        assert {c["status"] for c in created} == {"queued"}

        database = tmp_path / "instance" / "grader.db"

        def counts() -> dict[str, int]:
            with sqlite3.connect(database, timeout=30) as conn:
                return dict(
                    conn.execute("SELECT status, count(*) FROM submissions GROUP BY status").fetchall()
                )

        deadline = time.monotonic() + 300
        while not (counts().get("graded", 0) >= 5 and counts().get("running", 0) >= 1):
            assert time.monotonic() < deadline, (counts(), server.log())
            time.sleep(0.1)
        server.kill()
        at_kill = counts()
        assert at_kill.get("graded", 0) < SUBMISSIONS and at_kill.get("running", 0) >= 1, at_kill

        server.start()
        deadline = time.monotonic() + 600
        while counts().get("graded", 0) < SUBMISSIONS:
            assert time.monotonic() < deadline, (counts(), server.log())
            assert counts().get("error", 0) == 0, server.log()
            time.sleep(0.5)

        with sqlite3.connect(database) as conn:
            per_submission = dict(
                conn.execute(
                    "SELECT s.id, count(g.id) FROM submissions s "
                    "LEFT JOIN gradings g ON g.submission_id = s.id GROUP BY s.id"
                ).fetchall()
            )
            attempts = [a for (a,) in conn.execute("SELECT attempts FROM submissions")]
            percents = {p for (p,) in conn.execute("SELECT percent FROM submissions")}
        assert len(per_submission) == SUBMISSIONS and set(per_submission.values()) == {1}
        assert percents == {100.0}
        assert max(attempts) >= 2  # the gradings cut short by the kill were graded again
        assert "queued again" in server.log()
    finally:
        server.stop()
    print(f"\nat the kill: {at_kill}; attempts: {sorted(attempts)}")
