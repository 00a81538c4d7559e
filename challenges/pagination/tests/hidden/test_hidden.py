"""Hidden tests for pagination."""

import random
from typing import Any

import pytest
from sqlalchemy import Integer, String
from werkzeug.exceptions import HTTPException

from sandbox.harness.checks import assert_column

KEYS = ("items", "page", "per_page", "total", "pages", "has_next", "has_prev")
NUMBERS = ("page", "per_page", "total", "pages")
FLAGS = ("has_next", "has_prev")


def _seed(db: Any, solution: Any, count: int, seed: int = 7) -> list[str]:
    """``count`` items with ids 1..count, inserted in a shuffled order, names in yet another
    order; returns the names ordered by id."""
    rng = random.Random(seed)
    names = [f"item-{n:03d}" for n in range(count)]
    rng.shuffle(names)
    ids = list(range(1, count + 1))
    rng.shuffle(ids)
    by_id = dict(zip(ids, names, strict=True))
    for item_id in ids:
        item = solution.Item(name=by_id[item_id])
        item.id = item_id  # after the constructor: a dataclass model's may leave the key out
        db.session.add(item)
        db.session.flush()  # one INSERT each, in this order
    db.session.commit()
    return [by_id[i] for i in range(1, count + 1)]


def _page(solution: Any, page: int, per_page: int) -> dict[str, Any]:
    try:
        result = solution.page_of_items(page, per_page)
    except HTTPException as error:
        pytest.fail(f"page_of_items({page}, {per_page}) raised an HTTP error: {error}")
    assert isinstance(result, dict), f"page_of_items should return a dict, got {type(result).__name__}"
    missing = [key for key in KEYS if key not in result]
    assert not missing, f"the result is missing the keys {missing}"
    items = result["items"]
    assert type(items) is list, f"items should be a list, got {type(items).__name__}"
    for name in items:
        assert type(name) is str, f"items should hold the names (str), got a {type(name).__name__}"
    return result


def _numbers(result: dict[str, Any]) -> dict[str, Any]:
    for key in NUMBERS:
        assert type(result[key]) is int, f"{key} should be an int, got {type(result[key]).__name__}"
    return {key: result[key] for key in NUMBERS}


def _flags(result: dict[str, Any]) -> tuple[bool, bool]:
    for key in FLAGS:
        assert type(result[key]) is bool, f"{key} should be a bool, got {type(result[key]).__name__}"
    return result["has_next"], result["has_prev"]


def test_item_columns(db, solution):
    """Item.id is an integer primary key and Item.name is a required String(100)"""
    assert_column(solution.Item, "id", Integer, primary_key=True)
    assert_column(solution.Item, "name", String, length=100, nullable=False)


def test_result_types(db, solution):
    """the numbers are int, the flags bool and items a list of str"""
    _seed(db, solution, 25)
    for page in (1, 2, 3):
        result = _page(solution, page, 10)
        _numbers(result)
        _flags(result)


def test_first_page(db, solution):
    """the first page of several: its names and every number and flag"""
    names = _seed(db, solution, 25)
    result = _page(solution, 1, 10)
    assert result["items"] == names[:10], "page 1 should hold the first 10 items by id"
    assert _numbers(result) == {"page": 1, "per_page": 10, "total": 25, "pages": 3}
    assert _flags(result) == (True, False), "page 1 of 3: has_next True, has_prev False"


def test_middle_page(db, solution):
    """a middle page: its names and every number and flag"""
    names = _seed(db, solution, 25)
    result = _page(solution, 2, 10)
    assert result["items"] == names[10:20], "page 2 should hold items 11 to 20 by id"
    assert _numbers(result) == {"page": 2, "per_page": 10, "total": 25, "pages": 3}
    assert _flags(result) == (True, True), "page 2 of 3: has_next True, has_prev True"


def test_last_partial_page(db, solution):
    """a last page that is not full: its names and every number and flag"""
    names = _seed(db, solution, 25)
    result = _page(solution, 3, 10)
    assert result["items"] == names[20:], "page 3 should hold the last 5 items by id"
    assert _numbers(result) == {"page": 3, "per_page": 10, "total": 25, "pages": 3}
    assert _flags(result) == (False, True), "page 3 of 3: has_next False, has_prev True"


def test_pages_cover_every_item_in_id_order(db, solution):
    """following has_next from page 1 lists every item once, in the required order"""
    names = _seed(db, solution, 23, seed=11)
    for per_page in (1, 4, 7, 23):
        collected: list[str] = []
        page = 1
        while True:
            result = _page(solution, page, per_page)
            collected.extend(result["items"])
            has_next, _ = _flags(result)
            if not has_next:
                break
            page += 1
            assert page <= 30, "has_next never became False"
        assert collected == names, f"the pages with per_page={per_page} should list every item by id"


def test_pages_rounds_up(db, solution):
    """pages counts a last page that is not full"""
    _seed(db, solution, 20)
    cases = {10: 2, 20: 1, 3: 7, 6: 4, 100: 1, 1: 20}
    for per_page, pages in cases.items():
        result = _page(solution, 1, per_page)
        assert _numbers(result)["pages"] == pages, f"20 items with per_page={per_page} make {pages} pages"
    last = _page(solution, 2, 10)
    assert last["items"] and _flags(last) == (False, True), "page 2 of exactly 2 is the last"


def test_single_page(db, solution):
    """fewer items than per_page make one page with no neighbours"""
    names = _seed(db, solution, 4)
    result = _page(solution, 1, 10)
    assert result["items"] == names
    assert _numbers(result) == {"page": 1, "per_page": 10, "total": 4, "pages": 1}
    assert _flags(result) == (False, False), "the only page has neither a next nor a previous page"


def test_page_past_the_last(db, solution):
    """a page past the last gives no items and no error, and still reports the numbers"""
    _seed(db, solution, 25)
    for page in (4, 50):
        result = _page(solution, page, 10)
        assert result["items"] == [], f"page {page} of 3 should have no items"
        assert _numbers(result) == {"page": page, "per_page": 10, "total": 25, "pages": 3}, (
            "a page past the last still reports page, per_page, total and pages"
        )


def test_invalid_page_raises_value_error(db, solution):
    """a page below 1 raises ValueError"""
    names = _seed(db, solution, 5)
    for page in (0, -1, -10):
        with pytest.raises(ValueError):
            solution.page_of_items(page, 10)
    assert _page(solution, 1, 10)["items"] == names, "a valid call should work after a ValueError"


def test_invalid_per_page_raises_value_error(db, solution):
    """a per_page outside the allowed range raises ValueError"""
    names = _seed(db, solution, 5)
    for per_page in (0, -3, 101, 1000):
        with pytest.raises(ValueError):
            solution.page_of_items(1, per_page)
    assert _page(solution, 1, 10)["items"] == names, "a valid call should work after a ValueError"


def test_per_page_limits_are_allowed(db, solution):
    """per_page at each end of the allowed range works"""
    names = _seed(db, solution, 150, seed=3)
    first = _page(solution, 1, 100)
    assert first["items"] == names[:100], "per_page=100 is allowed and gives 100 items"
    assert _numbers(first) == {"page": 1, "per_page": 100, "total": 150, "pages": 2}
    second = _page(solution, 2, 100)
    assert second["items"] == names[100:]
    one = _page(solution, 150, 1)
    assert one["items"] == names[149:], "per_page=1 is allowed"
    assert _numbers(one) == {"page": 150, "per_page": 1, "total": 150, "pages": 150}
