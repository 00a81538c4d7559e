"""The HTML report and the leaderboard in a real browser: headless Chromium driven by Selenium.

Uses the system's Chromium and chromedriver (Debian: ``chromium``, ``chromium-driver``;
``tests/components/chromium.sh`` installs them) and never downloads a browser. Without
them the tests skip, saying why, unless ``GRADER_REQUIRE_BROWSER=1`` (CI sets it), which
makes that a failure. Screenshots of each page go to ``$GRADER_ARTIFACTS`` (default:
``artifacts/`` at the top of the repository) and their paths are printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.batch import Batch
from sandbox.local import LocalBackend
from tests.helpers import BAD, HOSTILE_MODEL_BASICS, chromium, screenshot, write_sub

PHONE = (390, 844)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Any]:
    """A headless Chromium, fresh profile, no network services, as a Selenium driver."""
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
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
    screenshot(browser, "report-desktop.png")

    browser.set_window_size(*PHONE)
    browser.get(page.as_uri())
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    screenshot(browser, "report-phone.png")


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
    screenshot(browser, "leaderboard.png")

    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody a")]
    assert len(links) == 5
    for href in links:
        browser.get(href)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Grading report", href
    browser.set_window_size(*PHONE)
    browser.get((batch_out / "leaderboard.html").as_uri())
    screenshot(browser, "leaderboard-phone.png")


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
    screenshot(browser, "similarity-desktop.png")

    browser.set_window_size(*PHONE)
    browser.get(page.as_uri())
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    first = browser.find_elements(By.CSS_SELECTOR, "section.pair")[0]
    left, right = first.find_elements(By.CSS_SELECTOR, ".side")
    assert right.location["y"] > left.location["y"]  # one above the other
    screenshot(browser, "similarity-phone.png")
