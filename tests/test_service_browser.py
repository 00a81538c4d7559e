"""The review service's whole flow in a real browser, against a real ``grader serve``.

``grader users add`` makes an admin and a reviewer, ``grader serve`` runs on a free
loopback port (through gunicorn where it is installed, as in CI; grading on the local
backend, with two fast challenges), and headless Chromium (Debian's, through Selenium)
goes through what a hiring team and a candidate do:

1. an admin signs in and creates an assessment and an invitation;
2. the candidate opens the link, downloads the kit and uploads an answer, then sees the result;
3. two more answers come through the API, one a disguised copy of the other: a reviewer
   sees the pair flagged on the cohort page and side by side on the submission page,
   then opens the candidate's submission, overrides a test with a reason and comments;
4. the cohort's export shows the override.

Screenshots of each step go to ``$GRADER_ARTIFACTS``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from grader.challenges import Challenge
from tests.helpers import SERVICE_PASSWORD, chromium, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.service, pytest.mark.slow]
GRADER = [sys.executable, "-m", "grader.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def grader(*args: str, stdin: str = "", env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from grader.cli import main; main()", *args],
        input=stdin, capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory, fast_pack: dict[str, Challenge]) -> Iterator[dict[str, Any]]:
    """``grader serve`` on a free loopback port, with an admin and a reviewer."""
    root = tmp_path_factory.mktemp("served")
    pack = next(iter(fast_pack.values())).path.parent
    env = {
        **os.environ,
        "GRADER_INSTANCE": str(root / "instance"),
        "GRADER_CHALLENGES": str(pack),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("GRADER_DATABASE_URL", None)
    grader("users", "add", "admin@example.com", "--role", "admin", "--name", "Ada Admin",
           stdin=SERVICE_PASSWORD + "\n", env=env)  # fmt: skip
    grader(
        "users",
        "add",
        "reviewer@example.com",
        "--name",
        "Rita Reviewer",
        stdin=SERVICE_PASSWORD + "\n",
        env=env,
    )
    token = grader("tokens", "add", "ci", env=env).strip().splitlines()[0]
    port = free_port()
    log = (root / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from grader.cli import main; main()", "serve", "--port", str(port),
         "--backend", "local", "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/signin", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((root / "serve.log").read_text()) from None
            time.sleep(0.2)
    try:
        yield {"base": base, "root": root, "log": root / "serve.log", "token": token}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    output = (root / "serve.log").read_text()
    assert "upgraded from empty to revision" in output or "at revision" in output


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Any]:
    downloads = tmp_path_factory.mktemp("downloads")
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), downloads)
    driver.downloads = downloads
    driver.implicitly_wait(15)  # after a click, an element of the next page may take a moment to appear
    try:
        yield driver
    finally:
        driver.quit()


def no_errors_or_outside_fetches(driver: Any, base: str) -> None:
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == [], severe  # a CSP violation would be here
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(n.startswith(base) for n in names), names
    assert driver.execute_script("return document.scripts.length") == 0


def api_submission(server: dict[str, Any], name: str, aid: int) -> int:
    """Hand in ``name``'s crud answer from ``tests/similarity_corpus`` through the API; its id."""
    from tests.helpers import SIMILARITY_CORPUS, zip_of
    from tests.test_service_concurrency import multipart

    archive = zip_of({"crud": (SIMILARITY_CORPUS / "crud" / f"{name}.py").read_text()})
    body, kind = multipart([("assessment", str(aid)), ("name", name)], ("answer.zip", archive))
    request = urllib.request.Request(
        f"{server['base']}/api/v1/submissions", data=body, method="POST",
        headers={"Authorization": f"Bearer {server['token']}", "Content-Type": kind},
    )  # fmt: skip
    return int(json.loads(urllib.request.urlopen(request, timeout=30).read())["id"])


def api_status(server: dict[str, Any], submission_id: int) -> str:
    request = urllib.request.Request(
        f"{server['base']}/api/v1/submissions/{submission_id}",
        headers={"Authorization": f"Bearer {server['token']}"},
    )
    return str(json.loads(urllib.request.urlopen(request, timeout=30).read())["status"])


def sign_in(driver: Any, base: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}/signin")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(SERVICE_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert driver.find_element(By.CSS_SELECTOR, ".signout .muted").text.startswith(
        email.split("@")[0][:4].title()[:1]
    )


def shows(driver: Any, *texts: str, any_of: bool = False, timeout: float = 30.0) -> None:
    """Wait until the page holds every one of ``texts`` (or one, ``any_of``): after a click, the
    browser may still show the page before it (on a busy machine, for a while)."""
    from selenium.common.exceptions import WebDriverException

    def found() -> bool:
        try:
            page = driver.page_source
        except WebDriverException:  # between two pages
            return False
        return (any if any_of else all)(text in page for text in texts)

    wait_until(found, timeout=timeout, every=0.1)


def wait_until(predicate: Any, timeout: float = 120.0, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(every)


def test_the_whole_flow_in_a_browser(server, browser, fast_pack, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = server["base"]
    # 1. An admin signs in and creates an assessment and an invitation.
    sign_in(browser, base, "admin@example.com")
    browser.get(f"{base}/assessments/new")
    browser.find_element(By.CSS_SELECTOR, "input[name=source][value=pick]").click()
    for cid in ("model-basics", "crud"):
        browser.find_element(By.ID, f"pick-{cid}").click()
    browser.find_element(By.NAME, "title").send_keys("Backend take-home")
    Select(browser.find_element(By.NAME, "candidate_view")).select_by_value("rubric")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    shows(browser, "<h1>Backend take-home</h1>")
    browser.find_element(By.NAME, "candidate_name").send_keys("Grace Hopper")
    browser.find_element(By.NAME, "candidate_email").send_keys("grace@example.com")
    browser.find_element(By.CSS_SELECTOR, "#invitations button[type=submit]").click()
    link = browser.find_element(By.CSS_SELECTOR, ".flash.link input.secret").get_attribute("value")
    assert link.startswith(f"{base}/c/")
    no_errors_or_outside_fetches(browser, base)
    screenshot(browser, "service-1-invitation.png")

    # 2. The candidate opens the link, downloads the kit, uploads an answer, sees the result.
    browser.delete_all_cookies()
    browser.get(link)
    assert "Hello Grace Hopper" in browser.page_source
    browser.find_element(By.LINK_TEXT, "Download kit.zip").click()
    kit_zip = browser.downloads / "kit.zip"
    wait_until(lambda: kit_zip.exists() and kit_zip.stat().st_size > 0, timeout=30, every=0.1)
    time.sleep(0.3)
    kit = tmp_path / "kit"
    with zipfile.ZipFile(kit_zip) as archive:
        archive.extractall(tmp_path)
    assert (kit / "model-basics" / "statement.md").is_file() and not list(kit.rglob("hidden*"))
    # The answer: model-basics solved, crud left as the starter.
    (kit / "model-basics" / "solution.py").write_text(fast_pack["model-basics"].reference_path.read_text())
    answer = tmp_path / "answer.zip"
    with zipfile.ZipFile(answer, "w") as archive:
        for path in kit.rglob("*"):
            archive.write(path, f"kit/{path.relative_to(kit)}")
    screenshot(browser, "service-2-candidate.png")
    browser.find_element(By.NAME, "file").send_keys(str(answer))
    browser.find_element(By.CSS_SELECTOR, "form.inline-form button[type=submit]").click()
    shows(browser, "being graded", "Received", any_of=True)
    result_url = browser.current_url

    def graded() -> bool:
        browser.get(result_url)
        return "badge s-graded" in browser.page_source

    wait_until(graded)
    page = browser.page_source
    assert "hidden-1" in page and "model-basics" in page
    no_errors_or_outside_fetches(browser, base)
    screenshot(browser, "service-3-candidate-result.png")

    # Two more answers through the API, one a disguised copy of the other (tests/similarity_corpus).
    copies = [api_submission(server, name, aid=1) for name in ("bob", "gus")]
    wait_until(lambda: all(api_status(server, sid) == "graded" for sid in copies))

    # 3. A reviewer sees the copy flagged on the cohort page and side by side on the submission
    # page (the style sheet of that view loads under the pages' policy); then opens Grace's
    # submission, overrides a test with a reason, and comments.
    sign_in(browser, base, "reviewer@example.com")
    browser.get(f"{base}/assessments")
    browser.find_element(By.LINK_TEXT, "Backend take-home").click()
    flagged = {
        (row.get_attribute("data-challenge"), row.text.split(" ~ ")[0].split(" #")[0]): row
        for row in browser.find_elements(By.CSS_SELECTOR, "#similar-pairs tbody tr")
    }
    # Grace handed in model-basics's reference solution as it is: a leaked answer, rightly flagged.
    assert sorted(flagged) == [("crud", "crud bob"), ("model-basics", "model-basics Grace Hopper")]
    pair = flagged[("crud", "crud bob")]
    assert (
        "gus" in pair.text
        and "the known solution" in flagged[("model-basics", "model-basics Grace Hopper")].text
    )
    no_errors_or_outside_fetches(browser, base)
    screenshot(browser, "service-cohort.png")
    browser.execute_script("document.getElementById('similarity').scrollIntoView()")
    screenshot(browser, "service-cohort-similarity.png")
    pair.find_element(By.LINK_TEXT, "side by side").click()
    view = browser.find_element(By.CSS_SELECTOR, "details.similar[open] .sbs")
    assert view.find_elements(By.CSS_SELECTOR, ".side .line.m0")  # matched lines, marked
    columns = browser.execute_script("return getComputedStyle(arguments[0]).display", view)
    assert columns == "grid"  # similarity.css applied
    no_errors_or_outside_fetches(browser, base)
    browser.execute_script("arguments[0].scrollIntoView()", view)
    screenshot(browser, "service-similarity.png")
    browser.get(f"{base}/assessments/1")
    browser.find_element(By.LINK_TEXT, "Grace Hopper").click()
    assert browser.find_elements(By.CSS_SELECTOR, ".highlight")  # the candidate's code, highlighted
    failing = browser.find_element(By.CSS_SELECTOR, "#c-crud li.test[data-status=failed]")
    test_name = failing.find_element(By.TAG_NAME, "code").text
    section = browser.find_element(By.ID, "c-crud")
    section.find_element(By.CSS_SELECTOR, "details.override > summary").click()
    Select(section.find_element(By.NAME, "test")).select_by_value(test_name)
    section.find_element(By.NAME, "score").send_keys("1")
    section.find_element(By.NAME, "reason").send_keys("Starter left in place, but the intent is clear")
    section.find_element(By.CSS_SELECTOR, "details.override button[type=submit]").click()
    shows(browser, "Override saved")
    browser.find_element(By.NAME, "body").send_keys("Solid model; CRUD not attempted. Ask about it.")
    browser.find_element(By.CSS_SELECTOR, "#comments button[type=submit]").click()
    shows(browser, "CRUD not attempted", "Rita Reviewer")
    no_errors_or_outside_fetches(browser, base)
    screenshot(browser, "service-4-review.png")

    # 4. The cohort's export shows the override.
    browser.get(f"{base}/assessments")
    browser.find_element(By.LINK_TEXT, "Backend take-home").click()
    export = browser.find_element(By.LINK_TEXT, "Export JSON").get_attribute("href")
    browser.get(export.replace("export.json", "export.csv"))
    csv_file = browser.downloads / "assessment-1.csv"
    wait_until(lambda: csv_file.exists() and csv_file.stat().st_size > 0, timeout=30, every=0.1)
    time.sleep(0.3)
    import csv

    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert sorted(r["candidate"] for r in rows) == ["Grace Hopper", "bob", "gus"]
    (row,) = [r for r in rows if r["candidate"] == "Grace Hopper"]
    assert row["overridden"] == "True"
    assert float(row["score"]) == float(row["machine_score"]) + 1
    opener = urllib.request.build_opener()
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(export, headers={"Cookie": cookie})
    exported = json.loads(opener.open(request, timeout=10).read())
    assert [r["overridden"] for r in exported["rows"]] == [True, False, False]
    history = browser.page_source
    assert "Backend take-home" in history
    print(f"overrode {test_name}")
