"""Hidden tests for events."""

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, Integer, String, select, update

from sandbox.harness.checks import assert_column, assert_commit_refused, column, count_rows

# A time long past, written straight into the table (no ORM, so no listener runs).
LONG_AGO = datetime(2001, 2, 3, 4, 5, 6)
# How far a timestamp may lie outside the moments the test measured around the
# change (some databases' clocks keep whole seconds only).
SLACK = timedelta(seconds=1)


def _utc_now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _as_utc(value, what):
    """A stored timestamp as a naive UTC datetime (aware values are converted to UTC)."""
    assert isinstance(value, datetime), f"{what} should be a datetime, got {type(value).__name__}"
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None)


def _assert_between(value, before, after, what):
    got = _as_utc(value, what)
    assert before - SLACK <= got <= after + SLACK, (
        f"{what} should be the current UTC time (between {before} and {after} UTC), got {value}"
    )


def _into_the_next_second():
    """Wait past the next whole second, so that even a clock of whole seconds has moved on."""
    fraction = datetime.now(timezone.utc).microsecond / 1_000_000
    time.sleep(1 - fraction + 0.02)


def _create(db, solution, *titles):
    """Commit one article per title (in one commit) and return their ids."""
    articles = [solution.Article(title=title) for title in titles]
    db.session.add_all(articles)
    db.session.commit()
    return [article.id for article in articles]


def _slug_of(db, solution, **fields):
    """Commit an article built with ``fields`` and read its slug back from the database."""
    article = solution.Article(**fields)
    db.session.add(article)
    db.session.commit()
    article_id = article.id
    db.session.remove()
    return db.session.get(solution.Article, article_id).slug


def _audit(db, solution):
    """Every audit row as (action, article_id), sorted; read through db.session."""
    rows = []
    for entry in db.session.scalars(select(solution.AuditLog)).all():
        assert type(entry.action) is str, (
            f"AuditLog.action should be a str, got {type(entry.action).__name__}"
        )
        assert type(entry.article_id) is int, (
            f"AuditLog.article_id should be the article's id (int), got {entry.article_id!r}"
        )
        rows.append((entry.action, entry.article_id))
    return sorted(rows)


def _backdate(db, solution, article_id):
    """Set both timestamps of one article to LONG_AGO with a plain table UPDATE, and commit."""
    table = solution.Article.__table__
    key = column(solution.Article, "id")
    created = column(solution.Article, "created_at")
    updated = column(solution.Article, "updated_at")
    db.session.execute(
        update(table).where(key == article_id).values({created: LONG_AGO, updated: LONG_AGO})
    )
    db.session.commit()
    db.session.remove()


# --- the mapping ---------------------------------------------------------------------------


def test_article_columns(db, solution):
    """Article's columns have the types, lengths and not-null rules the statement names"""
    assert_column(solution.Article, "id", Integer, primary_key=True)
    for name in ("title", "slug"):
        assert_column(solution.Article, name, String, length=200, nullable=False)
    for name in ("created_at", "updated_at"):
        assert_column(solution.Article, name, DateTime, nullable=False)


def test_slug_is_unique(db, solution):
    """a second article with a taken slug fails at commit with IntegrityError"""
    db.session.add(solution.Article(title="Same", slug="same"))
    db.session.commit()
    assert_commit_refused(
        db, solution.Article(title="Same", slug="same"), what="a second article with a taken slug"
    )
    assert count_rows(db, solution.Article) == 1


def test_audit_log_columns(db, solution):
    """AuditLog's columns have the types and length the statement names"""
    assert_column(solution.AuditLog, "id", Integer, primary_key=True)
    assert_column(solution.AuditLog, "action", String, length=10)
    assert_column(solution.AuditLog, "article_id", Integer)
    assert_column(solution.AuditLog, "at", DateTime)


# --- the slug --------------------------------------------------------------------------------


def test_slug_keeps_only_a_to_z_and_digits(db, solution):
    """a made slug keeps only the letters a-z and digits of the lower-cased title"""
    cases = {
        "Café Straße 9": "caf-stra-e-9",
        "Ünïcödé Über Àll": "n-c-d-ber-ll",
        "snake_case and CamelCase": "snake-case-and-camelcase",
    }
    for title, expected in cases.items():
        got = _slug_of(db, solution, title=title)
        assert got == expected, f"the slug of {title!r} should be {expected!r}, got {got!r}"


def test_slug_collapses_runs_and_trims_dashes(db, solution):
    """a made slug has one dash per run of other characters and no dash at either end"""
    cases = {
        "  --Top 10 Tips--  ": "top-10-tips",
        "Python 3.12 -- What's New?!": "python-3-12-what-s-new",
        "¡¡Wow!!": "wow",
    }
    for title, expected in cases.items():
        got = _slug_of(db, solution, title=title)
        assert got == expected, f"the slug of {title!r} should be {expected!r}, got {got!r}"


def test_none_or_empty_slug_is_made_from_the_title(db, solution):
    """a slug given as None or as an empty string is made from the title"""
    got = _slug_of(db, solution, title="Empty Slug", slug="")
    assert got == "empty-slug", f'an article saved with slug="" should get "empty-slug", got {got!r}'
    got = _slug_of(db, solution, title="No Slug", slug=None)
    assert got == "no-slug", f"an article saved with slug=None should get 'no-slug', got {got!r}"


def test_given_slug_is_kept(db, solution):
    """a slug given by the caller is stored exactly as given"""
    for title, slug in (("Hello, World!", "My Own_Slug!"), ("Another Title", "Hello-World")):
        got = _slug_of(db, solution, title=title, slug=slug)
        assert got == slug, f"a slug given by the caller should be kept exactly: {slug!r}, got {got!r}"


def test_slug_uses_the_title_at_insert_time(db, solution):
    """the slug is made from the title the article has when it is inserted"""
    article = solution.Article(title="First Draft")
    article.title = "Final Title"
    db.session.add(article)
    db.session.commit()
    article_id = article.id
    db.session.remove()
    got = db.session.get(solution.Article, article_id).slug
    assert got == "final-title", (
        f"the slug should be made at insert from the title the article has then, got {got!r}"
    )


# --- the timestamps --------------------------------------------------------------------------


def test_insert_sets_utc_timestamps(db, solution, local_timezone):
    """an insert sets created_at and updated_at to the current UTC time, whatever the local time
    zone
    """
    before = _utc_now()
    (article_id,) = _create(db, solution, "Timely")
    after = _utc_now()
    db.session.remove()

    article = db.session.get(solution.Article, article_id)
    _assert_between(article.created_at, before, after, "created_at after insert")
    _assert_between(article.updated_at, before, after, "updated_at after insert")


def test_update_refreshes_updated_at(db, solution, local_timezone):
    """an update sets updated_at to the current UTC time"""
    (article_id,) = _create(db, solution, "Old News")
    _backdate(db, solution, article_id)

    article = db.session.get(solution.Article, article_id)
    article.title = "Fresh News"
    before = _utc_now()
    db.session.commit()
    after = _utc_now()
    db.session.remove()

    article = db.session.get(solution.Article, article_id)
    assert article.title == "Fresh News"
    _assert_between(article.updated_at, before, after, "updated_at after an update")


def test_update_keeps_created_at(db, solution, local_timezone):
    """an update leaves created_at as it was"""
    (article_id,) = _create(db, solution, "Old News")
    _backdate(db, solution, article_id)

    article = db.session.get(solution.Article, article_id)
    article.title = "Fresh News"
    db.session.commit()
    db.session.remove()

    article = db.session.get(solution.Article, article_id)
    assert article.title == "Fresh News"
    got = _as_utc(article.created_at, "created_at")
    assert got == LONG_AGO, f"an update should not change created_at ({LONG_AGO}), got {got}"


def test_timestamps_are_taken_at_each_write(db, solution):
    """each insert and each update takes the time it happens, not a time fixed once (such as
    the moment solution.py was imported)
    """
    (first,) = _create(db, solution, "First")
    _into_the_next_second()
    (second,) = _create(db, solution, "Second")
    db.session.get(solution.Article, first).title = "First, edited"
    db.session.commit()
    db.session.remove()

    older = db.session.get(solution.Article, first)
    newer = db.session.get(solution.Article, second)
    first_created = _as_utc(older.created_at, "created_at")
    assert _as_utc(newer.created_at, "created_at") > first_created, (
        "an article inserted a second later should have a later created_at: the time should "
        "be taken at each insert, not once"
    )
    assert _as_utc(older.updated_at, "updated_at") > first_created, (
        "an article updated a second after its insert should have an updated_at later than "
        "its created_at: the time should be taken at each update, not once"
    )


# --- the audit log ---------------------------------------------------------------------------


def test_insert_writes_one_audit_row(db, solution):
    """each inserted article writes one insert audit row with its id"""
    first, second = _create(db, solution, "One", "Two")
    (third,) = _create(db, solution, "Three")
    db.session.remove()

    expected = sorted([("insert", first), ("insert", second), ("insert", third)])
    got = _audit(db, solution)
    assert got == expected, f"each inserted article should write one 'insert' audit row: {got!r}"


def test_update_writes_one_audit_row(db, solution):
    """each updated article writes one update audit row with its id, and untouched ones none"""
    first, second, untouched = _create(db, solution, "One", "Two", "Three")
    db.session.remove()

    db.session.get(solution.Article, first).title = "One, edited"
    db.session.get(solution.Article, second).title = "Two, edited"
    db.session.commit()
    db.session.remove()

    expected = sorted(
        [("insert", first), ("insert", second), ("insert", untouched), ("update", first), ("update", second)]
    )
    got = _audit(db, solution)
    assert got == expected, f"each updated article should write one 'update' audit row: {got!r}"


def test_delete_writes_one_audit_row(db, solution):
    """a deleted article writes one delete audit row with its id"""
    doomed, kept = _create(db, solution, "Doomed", "Kept")
    db.session.remove()

    db.session.delete(db.session.get(solution.Article, doomed))
    db.session.commit()
    db.session.remove()

    assert db.session.get(solution.Article, doomed) is None, "the article should be deleted"
    assert db.session.get(solution.Article, kept) is not None, "the other article should remain"
    expected = sorted([("insert", doomed), ("insert", kept), ("delete", doomed)])
    got = _audit(db, solution)
    assert got == expected, f"a deleted article should write one 'delete' audit row: {got!r}"


def test_rollback_discards_insert_and_its_audit_row(db, solution):
    """an insert's audit row is written in the same transaction and a rollback discards both"""
    article = solution.Article(title="Never Saved")
    db.session.add(article)
    db.session.flush()
    article_id = article.id
    assert _audit(db, solution) == [("insert", article_id)], (
        "after a flush, the insert's audit row should be there in the same transaction"
    )

    db.session.rollback()
    db.session.remove()
    assert count_rows(db, solution.Article) == 0, "a rollback should discard the inserted article"
    assert count_rows(db, solution.AuditLog) == 0, "a rollback should discard the insert's audit row"


def test_rollback_discards_update_and_its_audit_row(db, solution):
    """an update's audit row is written in the same transaction and a rollback discards both"""
    (article_id,) = _create(db, solution, "Original")
    db.session.remove()

    db.session.get(solution.Article, article_id).title = "Changed"
    db.session.flush()
    assert _audit(db, solution) == sorted([("insert", article_id), ("update", article_id)]), (
        "after a flush, the update's audit row should be there in the same transaction"
    )

    db.session.rollback()
    db.session.remove()
    assert db.session.get(solution.Article, article_id).title == "Original"
    assert _audit(db, solution) == [("insert", article_id)], (
        "a rollback should discard the update's audit row"
    )


def test_rollback_discards_delete_and_its_audit_row(db, solution):
    """a delete's audit row is written in the same transaction and a rollback discards both"""
    (article_id,) = _create(db, solution, "Survivor")
    db.session.remove()

    db.session.delete(db.session.get(solution.Article, article_id))
    db.session.flush()
    assert _audit(db, solution) == sorted([("delete", article_id), ("insert", article_id)]), (
        "after a flush, the delete's audit row should be there in the same transaction"
    )

    db.session.rollback()
    db.session.remove()
    assert db.session.get(solution.Article, article_id) is not None, "a rollback should keep the article"
    assert _audit(db, solution) == [("insert", article_id)], (
        "a rollback should discard the delete's audit row"
    )
