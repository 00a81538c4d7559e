"""Hidden tests for rest-api."""


import pytest
import sqlalchemy as sa

from helpers import api, json_of  # noqa: F401  (api is a fixture: pytest finds it by name)
from sandbox.harness.checks import assert_column, assert_commit_refused, count_rows, made_with


# --- helpers -----------------------------------------------------------------


def _check_todo(item, *, title, done, todo_id=None, what="the todo"):
    """``item`` is a JSON todo {"id": int, "title": str, "done": bool} with these values."""
    assert type(item) is dict, f"{what} should be a JSON object, got {type(item).__name__}"
    for key in ("id", "title", "done"):
        assert key in item, f"{what} should have the key {key!r}"
    assert type(item["id"]) is int, f"{what}: id should be a JSON integer"
    assert type(item["title"]) is str, f"{what}: title should be a JSON string"
    assert type(item["done"]) is bool, f"{what}: done should be a JSON boolean"
    if todo_id is not None:
        assert item["id"] == todo_id, f"{what}: wrong id"
    assert item["title"] == title, f"{what}: wrong title"
    assert item["done"] is done, f"{what}: wrong done"


def _assert_todo_response(response, status, *, title, done, todo_id=None):
    assert response.status_code == status, f"expected status {status}, got {response.status_code}"
    body = json_of(response)
    _check_todo(body, title=title, done=done, todo_id=todo_id)
    return body


def _assert_error(response, status):
    assert response.status_code == status, f"expected status {status}, got {response.status_code}"
    body = json_of(response)
    assert type(body) is dict, f'the {status} response should be a JSON object {{"error": "..."}}'
    assert "error" in body, f'the {status} response should have the key "error"'
    assert type(body["error"]) is str, f'the {status} response\'s "error" should be a string'


def _add(db, solution, title, done):
    """Commit one todo directly through the model; its id."""
    todo = solution.Todo(title=title, done=done)
    db.session.add(todo)
    db.session.commit()
    return todo.id


def _stored(db, solution, todo_id):
    """(title, done) of a todo as the database holds it, after closing the session; None if gone."""
    db.session.remove()
    todo = db.session.get(solution.Todo, todo_id)
    return None if todo is None else (todo.title, todo.done)


def _assert_post_rejected(api, db, solution, **request):
    response = api.post("/todos", **request)
    _assert_error(response, 400)
    db.session.remove()
    assert count_rows(db, solution.Todo) == 0, "a rejected POST should create no todo"


def _assert_patch_rejected(api, db, solution, **request):
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.patch(f"/todos/{todo_id}", **request)
    _assert_error(response, 400)
    assert _stored(db, solution, todo_id) == ("Buy milk", False), "a rejected PATCH should change nothing"


NOT_JSON = {
    "plain-text": {"data": "buy milk", "content_type": "text/plain"},
    "form": {"data": {"title": "Buy milk", "done": "true"}},
    "malformed": {"data": '{"title": "Buy milk"', "content_type": "application/json"},
    "malformed-quotes": {"data": "{'title': 'Buy milk'}", "content_type": "application/json"},
}
NOT_OBJECT = {"array": '["Buy milk"]', "string": '"Buy milk"', "number": "42", "null": "null", "true": "true"}
BAD_TITLES = {
    "empty": "",
    "null": None,
    "number": 5,
    "true": True,
    "array": ["Buy milk"],
    "object": {"text": "Buy milk"},
}
BAD_DONES = {
    "null": None,
    "zero": 0,
    "one": 1,
    "string-true": "true",
    "string-false": "false",
    "array": [],
    "object": {},
}


# --- the model ---------------------------------------------------------------


def test_todo_columns(db, solution):
    """id, title and done have the types, length and nullability the statement names"""
    assert_column(solution.Todo, "id", sa.Integer, primary_key=True)
    assert_column(solution.Todo, "title", sa.String, length=200, nullable=False)
    assert_column(solution.Todo, "done", sa.Boolean, nullable=False)


def test_title_is_required(db, solution):
    """the database refuses a todo without a title"""
    assert_commit_refused(db, made_with(solution.Todo, done=False), what="a todo without a title")


def test_done_defaults_to_false(db, solution):
    """a todo created through the model without done is stored as not done"""
    todo = solution.Todo(title="Walk the dog")
    db.session.add(todo)
    db.session.commit()
    assert _stored(db, solution, todo.id) == ("Walk the dog", False), "done should default to false"


# --- POST /todos -------------------------------------------------------------


def test_post_returns_201_with_given_done(api):
    """POST /todos honours a given done and answers 201 with the todo's fields"""
    _assert_todo_response(
        api.post("/todos", json={"title": "Buy milk", "done": True}), 201, title="Buy milk", done=True
    )
    _assert_todo_response(
        api.post("/todos", json={"title": "Call mom", "done": False}), 201, title="Call mom", done=False
    )


def test_post_is_committed(api, db, solution):
    """created todos get distinct ids and survive the session being closed"""
    first = _assert_todo_response(
        api.post("/todos", json={"title": "Buy milk"}), 201, title="Buy milk", done=False
    )
    second = _assert_todo_response(
        api.post("/todos", json={"title": "Call mom", "done": True}), 201, title="Call mom", done=True
    )
    assert first["id"] != second["id"], "each todo should get its own id"
    assert _stored(db, solution, first["id"]) == ("Buy milk", False), "the created todo should be committed"
    assert _stored(db, solution, second["id"]) == ("Call mom", True), "the created todo should be committed"
    assert count_rows(db, solution.Todo) == 2


def test_post_plain_text_is_400(api, db, solution):
    """POST with a plain-text body answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, **NOT_JSON["plain-text"])


def test_post_form_body_is_400(api, db, solution):
    """POST with a form body answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, **NOT_JSON["form"])


@pytest.mark.parametrize("case", ["malformed", "malformed-quotes"])
def test_post_malformed_json_is_400(api, db, solution, case):
    """POST with malformed JSON answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, **NOT_JSON[case])


@pytest.mark.parametrize("case", list(NOT_OBJECT))
def test_post_json_not_object_is_400(api, db, solution, case):
    """POST with JSON that is not an object answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, data=NOT_OBJECT[case], content_type="application/json")


@pytest.mark.parametrize("payload", [{}, {"done": True}], ids=["empty-object", "done-only"])
def test_post_missing_title_is_400(api, db, solution, payload):
    """POST without a title answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, json=payload)


def test_post_empty_title_is_400(api, db, solution):
    """POST with an empty title answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, json={"title": ""})


@pytest.mark.parametrize("case", [name for name in BAD_TITLES if name != "empty"])
def test_post_non_string_title_is_400(api, db, solution, case):
    """POST with a title that is not a string answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, json={"title": BAD_TITLES[case]})


@pytest.mark.parametrize("case", list(BAD_DONES))
def test_post_non_boolean_done_is_400(api, db, solution, case):
    """POST with a done that is not a boolean answers 400 with a JSON error and creates nothing"""
    _assert_post_rejected(api, db, solution, json={"title": "Buy milk", "done": BAD_DONES[case]})


# --- GET /todos --------------------------------------------------------------


def test_list_is_empty_at_first(api):
    """GET /todos on an empty table answers 200 with an empty list"""
    response = api.get("/todos")
    assert response.status_code == 200, f"GET /todos should answer 200, got {response.status_code}"
    body = json_of(response)
    assert type(body) is list and body == [], "GET /todos on an empty table should give []"


SEED = [("Walk the dog", True), ("Buy milk", False), ("Call mom", True), ("Answer mail", False)]


def _seed(db, solution):
    return [_add(db, solution, title, done) for title, done in SEED]


def _assert_list(response, expected):
    assert response.status_code == 200, f"expected status 200, got {response.status_code}"
    body = json_of(response)
    assert type(body) is list, f"the list should be a JSON array, got {type(body).__name__}"
    assert len(body) == len(expected), f"expected {len(expected)} todos, got {len(body)}"
    for position, (item, (todo_id, title, done)) in enumerate(zip(body, expected, strict=True)):
        _check_todo(item, title=title, done=done, todo_id=todo_id, what=f"item {position} of the list")


def test_list_is_ordered_by_id(api, db, solution):
    """GET /todos lists every todo in the required order"""
    ids = _seed(db, solution)
    expected = [(todo_id, title, done) for todo_id, (title, done) in zip(ids, SEED, strict=True)]
    _assert_list(api.get("/todos"), expected)


def test_list_filter_done_true(api, db, solution):
    """GET /todos?done=true lists only the done todos, in order"""
    ids = _seed(db, solution)
    expected = [(todo_id, title, done) for todo_id, (title, done) in zip(ids, SEED, strict=True) if done]
    _assert_list(api.get("/todos?done=true"), expected)


def test_list_filter_done_false(api, db, solution):
    """GET /todos?done=false lists only the open todos, in order"""
    ids = _seed(db, solution)
    expected = [(todo_id, title, done) for todo_id, (title, done) in zip(ids, SEED, strict=True) if not done]
    _assert_list(api.get("/todos?done=false"), expected)


# --- GET /todos/<id> ---------------------------------------------------------


def test_get_todo_by_id(api, db, solution):
    """GET /todos/<id> answers 200 with that todo among several"""
    ids = _seed(db, solution)
    for todo_id, (title, done) in zip(ids, SEED, strict=True):
        _assert_todo_response(api.get(f"/todos/{todo_id}"), 200, title=title, done=done, todo_id=todo_id)


def test_get_unknown_among_others_is_404(api, db, solution):
    """GET of an id nobody has answers 404 with a JSON error while other todos exist"""
    ids = _seed(db, solution)
    _assert_error(api.get(f"/todos/{max(ids) + 100}"), 404)


# --- PATCH /todos/<id> -------------------------------------------------------


def test_patch_title_keeps_done(api, db, solution):
    """PATCH of the title alone changes only the title of that todo, committed"""
    todo_id = _add(db, solution, "Buy milk", True)
    other_id = _add(db, solution, "Call mom", False)
    response = api.patch(f"/todos/{todo_id}", json={"title": "Buy oat milk"})
    _assert_todo_response(response, 200, title="Buy oat milk", done=True, todo_id=todo_id)
    assert _stored(db, solution, todo_id) == ("Buy oat milk", True), "the new title should be committed"
    assert _stored(db, solution, other_id) == ("Call mom", False), "another todo should not change"


def test_patch_done_keeps_title(api, db, solution):
    """PATCH of done alone changes only done, both ways, committed"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.patch(f"/todos/{todo_id}", json={"done": True})
    _assert_todo_response(response, 200, title="Buy milk", done=True, todo_id=todo_id)
    assert _stored(db, solution, todo_id) == ("Buy milk", True), "the new done should be committed"
    response = api.patch(f"/todos/{todo_id}", json={"done": False})
    _assert_todo_response(response, 200, title="Buy milk", done=False, todo_id=todo_id)
    assert _stored(db, solution, todo_id) == ("Buy milk", False), "the new done should be committed"


def test_patch_both_fields(api, db, solution):
    """PATCH of title and done changes both, committed"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.patch(f"/todos/{todo_id}", json={"title": "Bought milk", "done": True})
    _assert_todo_response(response, 200, title="Bought milk", done=True, todo_id=todo_id)
    assert _stored(db, solution, todo_id) == ("Bought milk", True), "the changes should be committed"


def test_patch_empty_object_changes_nothing(api, db, solution):
    """PATCH with an empty object answers 200 and changes nothing"""
    todo_id = _add(db, solution, "Buy milk", True)
    response = api.patch(f"/todos/{todo_id}", json={})
    _assert_todo_response(response, 200, title="Buy milk", done=True, todo_id=todo_id)
    assert _stored(db, solution, todo_id) == ("Buy milk", True)


def test_patch_unknown_is_404(api, db, solution):
    """PATCH of an unknown todo answers 404"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.patch(f"/todos/{todo_id + 100}", json={"done": True})
    assert response.status_code == 404, (
        f"PATCH of an unknown id should answer 404, got {response.status_code}"
    )
    assert _stored(db, solution, todo_id) == ("Buy milk", False)


@pytest.mark.parametrize("case", list(NOT_JSON))
def test_patch_non_json_body_is_400(api, db, solution, case):
    """PATCH with a body that is not JSON answers 400 with a JSON error and changes nothing"""
    _assert_patch_rejected(api, db, solution, **NOT_JSON[case])


@pytest.mark.parametrize("case", list(NOT_OBJECT))
def test_patch_json_not_object_is_400(api, db, solution, case):
    """PATCH with JSON that is not an object answers 400 with a JSON error and changes nothing"""
    _assert_patch_rejected(api, db, solution, data=NOT_OBJECT[case], content_type="application/json")


@pytest.mark.parametrize("case", list(BAD_TITLES))
def test_patch_bad_title_is_400(api, db, solution, case):
    """PATCH with an invalid title answers 400 with a JSON error and changes nothing"""
    _assert_patch_rejected(api, db, solution, json={"title": BAD_TITLES[case]})


@pytest.mark.parametrize("case", [*BAD_DONES, "null-with-valid-title"])
def test_patch_non_boolean_done_is_400(api, db, solution, case):
    """PATCH with a done that is not a boolean answers 400 with a JSON error and changes nothing"""
    if case == "null-with-valid-title":
        payload = {"title": "Buy oat milk", "done": None}
    else:
        payload = {"done": BAD_DONES[case]}
    _assert_patch_rejected(api, db, solution, json=payload)


# --- DELETE /todos/<id> ------------------------------------------------------


def test_delete_returns_204_empty(api, db, solution):
    """DELETE answers 204 with an empty body"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.delete(f"/todos/{todo_id}")
    assert response.status_code == 204, f"DELETE should answer 204, got {response.status_code}"
    assert response.get_data() == b"", "a 204 response should have an empty body"


def test_delete_is_committed(api, db, solution):
    """a deleted todo is gone after the session is closed and no longer found; others remain"""
    todo_id = _add(db, solution, "Buy milk", False)
    other_id = _add(db, solution, "Call mom", True)
    response = api.delete(f"/todos/{todo_id}")
    assert response.status_code == 204, f"DELETE should answer 204, got {response.status_code}"
    assert _stored(db, solution, todo_id) is None, "the deletion should be committed"
    assert _stored(db, solution, other_id) == ("Call mom", True), "another todo should remain"
    _assert_error(api.get(f"/todos/{todo_id}"), 404)


def test_delete_unknown_is_404(api, db, solution):
    """DELETE of an unknown todo answers 404 and deletes nothing"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.delete(f"/todos/{todo_id + 100}")
    assert response.status_code == 404, (
        f"DELETE of an unknown id should answer 404, got {response.status_code}"
    )
    assert _stored(db, solution, todo_id) == ("Buy milk", False), "nothing should be deleted"


def test_delete_twice_is_404(api, db, solution):
    """deleting the same todo a second time answers 404"""
    todo_id = _add(db, solution, "Buy milk", False)
    response = api.delete(f"/todos/{todo_id}")
    assert response.status_code == 204, f"DELETE should answer 204, got {response.status_code}"
    response = api.delete(f"/todos/{todo_id}")
    assert response.status_code == 404, f"a second DELETE should answer 404, got {response.status_code}"
