"""The HTML report and the leaderboard in a real browser: headless Chromium driven by Selenium.

Uses the system's Chromium and chromedriver (Debian: ``chromium``,
``chromium-driver``) and never downloads a browser. When they are missing the
test installs them (apt-get as root, and Selenium with pip); it skips, saying
why, only where that cannot be done. Screenshots of each page go to
``$GRADER_ARTIFACTS`` (default: ``artifacts/`` at the top of the repository)
and their paths are printed.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.batch import Batch
from sandbox.local import LocalBackend
from tests.helpers import BAD, HOSTILE_MODEL_BASICS, write_sub

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("GRADER_ARTIFACTS", ROOT / "artifacts"))
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
PHONE = (390, 844)


def _first(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if os.access(p, os.X_OK)), None)


def _install_browser() -> str:
    """Install Debian's Chromium and chromedriver; an empty string when done, else why not."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "Chromium is not installed and this is not a root shell with apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return ""


def _selenium() -> Any:
    try:
        return importlib.import_module("selenium.webdriver")
    except ImportError:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "selenium>=4.20"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(
                f"Selenium is not installed and pip could not install it: {done.stderr.strip()[-300:]}"
            )
        importlib.invalidate_caches()
        return importlib.import_module("selenium.webdriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Any]:
    """A headless Chromium, fresh profile, no network services, as a Selenium driver."""
    if _first(BROWSERS) is None or _first(DRIVERS) is None:
        problem = _install_browser()
        if problem:
            pytest.skip(problem)
    binary, driver_path = _first(BROWSERS), _first(DRIVERS)
    if binary is None or driver_path is None:
        pytest.skip("Chromium or chromedriver is still missing after installing the Debian packages")
    webdriver = _selenium()
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for a browser online
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    print(f"\nbrowser: {binary} {driver.capabilities.get('browserVersion')}, driver {driver_path}")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory, pack) -> Path:
    """A small cohort graded for real: right, wrong, broken, hostile, unreadable."""
    root = tmp_path_factory.mktemp("browser-cohort")
    subs = root / "in"
    write_sub(subs, "right", (pack["model-basics"].reference_path).read_text())
    write_sub(
        subs, "wrong", (pack["model-basics"].path / "solutions" / "bad" / "email_nullable.py").read_text()
    )
    write_sub(subs, "broken", BAD)
    write_sub(subs, "hostile", HOSTILE_MODEL_BASICS)
    (subs / "unreadable.zip").write_bytes(b"garbage")
    out = root / "out"
    Batch(out, [pack["model-basics"]], LocalBackend(jobs=1)).run(sorted(subs.iterdir()), jobs=2)
    return out


def _screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 1000
    print(f"screenshot: {path}")
    return path


def _no_errors_or_fetches(driver: Any) -> None:
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == [], severe  # a CSP violation (a fetch, a blocked script) would be here
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_the_html_report_renders_on_a_desktop_and_a_phone(browser, batch_out):
    from selenium.webdriver.common.by import By

    page = batch_out / "submissions" / "wrong.html"
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    assert browser.title.startswith("Grading report")
    assert browser.find_element(By.CSS_SELECTOR, ".big").text.endswith("%")
    tests = browser.find_elements(By.CSS_SELECTOR, "li.test")
    assert len(tests) == 9 and {t.get_attribute("data-status") for t in tests} == {"passed", "failed"}
    assert all(t.find_element(By.CSS_SELECTOR, ".badge").is_displayed() for t in tests)
    bar = browser.find_element(By.CSS_SELECTOR, "section.challenge .bar > span")
    assert (
        0 < bar.size["width"] < browser.find_element(By.CSS_SELECTOR, "section.challenge .bar").size["width"]
    )
    _no_errors_or_fetches(browser)
    _screenshot(browser, "report-desktop.png")

    browser.set_window_size(*PHONE)
    browser.get(page.as_uri())
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    _screenshot(browser, "report-phone.png")


def test_the_leaderboard_sorts_and_links_to_every_report(browser, batch_out):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get((batch_out / "leaderboard.html").as_uri())
    _no_errors_or_fetches(browser)

    def column(index: int) -> list[str]:
        rows = browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody tr")
        return [r.find_elements(By.TAG_NAME, "td")[index].get_attribute("data-value") for r in rows]

    def names() -> list[str]:
        return [
            a.text for a in browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody td:nth-child(2) a")
        ]

    assert names()[0] == "right" and names()[-1] == "unreadable"
    headers = browser.find_elements(By.CSS_SELECTOR, "#leaderboard thead th button")
    by_name = {h.text.strip(" ▲▼"): h for h in headers}
    by_name["candidate"].click()
    assert names() == sorted(names()) and browser.find_element(
        By.CSS_SELECTOR, "th[aria-sort=ascending]"
    ).text.startswith("candidate")
    by_name["score"].click()
    ascending = [float(v) for v in column(3)]
    assert ascending == sorted(ascending)
    by_name["score"].click()
    descending = [float(v) for v in column(3)]
    assert descending == sorted(descending, reverse=True) and names()[0] == "right"
    _screenshot(browser, "leaderboard.png")

    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody a")]
    assert len(links) == 5
    for href in links:
        browser.get(href)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Grading report", href
    browser.set_window_size(*PHONE)
    browser.get((batch_out / "leaderboard.html").as_uri())
    _screenshot(browser, "leaderboard-phone.png")


def test_the_similarity_page_shows_flagged_pairs_side_by_side(browser, tmp_path, pack):
    from selenium.webdriver.common.by import By

    from grader.similarity import compare, render_html
    from tests.helpers import corpus_sources

    page = tmp_path / "similarity.html"
    page.write_text(render_html(compare(corpus_sources(["crud", "raw-sql"]), pack)), encoding="utf-8")
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    _no_errors_or_fetches(browser)
    sections = browser.find_elements(By.CSS_SELECTOR, "section.pair")
    assert len(sections) == 6  # two copies and one leaked reference in each challenge
    left, right = sections[0].find_elements(By.CSS_SELECTOR, ".side")
    assert left.location["y"] == right.location["y"] and left.location["x"] < right.location["x"]
    marked = sections[0].find_elements(By.CSS_SELECTOR, ".line.m0")
    assert marked and all(m.is_displayed() for m in marked[:3])
    _screenshot(browser, "similarity-desktop.png")

    browser.set_window_size(*PHONE)
    browser.get(page.as_uri())
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    first = browser.find_elements(By.CSS_SELECTOR, "section.pair")[0]
    left, right = first.find_elements(By.CSS_SELECTOR, ".side")
    assert right.location["y"] > left.location["y"]  # one above the other
    _screenshot(browser, "similarity-phone.png")
