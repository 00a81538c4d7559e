"""Similarity in the review service (issue 18), through Flask's test client on SQLite and
PostgreSQL: flagged pairs on the cohort page, the two files side by side on the submission
page, for reviewers only; the cache and when it is computed again; the migration that adds it.

The cohort is the crud part of ``tests/similarity_corpus`` (six independent answers, two
disguised copies of them, one disguised copy of the reference solution), each handed in
by its own candidate through an invitation link."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime

import pytest
from sqlalchemy import func, select

from grader.service.models import Invitation, SimilarityCache, Submission, db
from grader.similarity import compare
from tests.helpers import SERVICE_PASSWORD, corpus_sources, corpus_truth, post_form, wait_for, zip_of
from tests.test_service import api, invite, new_assessment, signed_in, upload

pytestmark = [pytest.mark.service, pytest.mark.slow]

CHALLENGE = "crud"
HOSTILE = "# </code></pre><img src=x onerror=alert(1)>"


def cohort(service, **extra: str) -> tuple[int, dict[str, int], dict[str, str], dict[str, str]]:
    """A junior assessment with one candidate per corpus answer to crud: its id, the
    submission id and candidate link of each name, and what each handed in."""
    admin = signed_in(service)
    aid = new_assessment(admin, candidate_view="rubric")
    sources = {name: by[CHALLENGE] for name, by in corpus_sources([CHALLENGE]).items()}
    sources["gus"] += f"\n{HOSTILE}\n"  # candidate text in the side-by-side view is shown, never run
    sources.update(extra)
    ids, links = {}, {}
    for name, source in sorted(sources.items()):
        links[name] = invite(admin, aid, name=name)
        response = upload(service.test_client(), links[name], zip_of({CHALLENGE: source}))
        ids[name] = int(response.headers["Location"].rsplit("/", 1)[1])
    for sid in ids.values():
        wait_for(service, sid)
    return aid, ids, links, sources


def flagged_rows(page: str) -> list[str]:
    table = re.search(r'<table class="grid" id="similar-pairs">(.*?)</table>', page, re.S)
    return re.findall(r"<tr data-challenge=.*?</tr>", table.group(1), re.S) if table else []


def marked_lines(side: str) -> set[int]:
    return {int(n) for n in re.findall(r'<span class="line m\d"><span class="no">(\d+)</span>', side)}


def test_copies_are_flagged_for_reviewers_side_by_side_and_never_reach_candidates(service):
    aid, ids, links, sources = cohort(service)
    names = {sid: name for name, sid in ids.items()}
    with service.app_context():
        scores = {s.id: (s.score, s.percent) for s in db.session.scalars(select(Submission))}
    copies, leaks, _origin = corpus_truth()
    copied = {(a, b) for c, a, b in copies if c == CHALLENGE}
    leaked = {who for c, who in leaks if c == CHALLENGE}

    reviewer = signed_in(service, "reviewer@example.com")
    page = reviewer.get(f"/assessments/{aid}").get_data(as_text=True)
    rows = flagged_rows(page)
    pairs, known = set(), set()
    for row in rows:
        found = [names[int(n)] for n in re.findall(r'href="/submissions/(\d+)"', row)[:2]]
        if "the known solution" in row:
            known.add(found[0])
        else:
            pairs.add(tuple(sorted(found)))
    assert pairs == copied and known == leaked, (pairs, known)
    assert "For reviewers only" in page
    # The "similar to" column names the other submission of a copy.
    gus, bob = ids["gus"], ids["bob"]
    assert re.search(rf'<a href="/submissions/{gus}">gus</a>.*?#{bob} \(crud\)</span>', page, re.S)

    # The submission page: the two files side by side, the matched lines marked on both sides,
    # the very regions the command line's comparison finds for the same pair.
    page = reviewer.get(f"/submissions/{gus}").get_data(as_text=True)
    block = re.search(rf'<details class="similar" id="similar-crud-{bob}" open>(.*?)</details>', page, re.S)
    assert block, "no side-by-side view of gus and bob"
    mine, theirs = re.findall(r'<div class="side">(.*?)</code></pre></div>', block.group(1), re.S)
    report = compare({str(ids[n]): {CHALLENGE: s} for n, s in sources.items()}, service_pack(service))
    pair = next(p for p in report.pairs if {p.a, p.b} == {str(gus), str(bob)})
    gus_first = pair.a == str(gus)
    mine_wanted = lines_in([m.a_lines if gus_first else m.b_lines for m in pair.matches])
    theirs_wanted = lines_in([m.b_lines if gus_first else m.a_lines for m in pair.matches])
    assert marked_lines(mine) == mine_wanted and marked_lines(theirs) == theirs_wanted
    assert pair.flagged and len(mine_wanted) >= 10 and len(theirs_wanted) >= 10
    assert HOSTILE not in page and html.escape(HOSTILE, quote=False) in page
    assert '<link rel="stylesheet" href="/similarity.css">' in page
    style = reviewer.get("/similarity.css")
    assert style.status_code == 200 and style.mimetype == "text/css" and b".sbs" in style.data
    kim = reviewer.get(f"/submissions/{ids['kim']}").get_data(as_text=True)
    assert 'id="similar-crud-known"' in kim and "crud/solutions/reference.py" in kim

    # Candidates see nothing of it: neither the flag nor the other's file, on any page of theirs.
    bob_only = next(
        line.strip() for line in sources["bob"].splitlines()
        if len(line.strip()) > 20 and line.strip() not in sources["gus"]
    )  # fmt: skip
    for who in ("gus", "bob", "kim"):
        link = links[who]
        for url in (link, f"{link}/submissions/{ids[who]}"):
            text = service.test_client().get(url).get_data(as_text=True)
            assert "imilar" not in text and "too alike" not in text and "known solution" not in text, url
            assert html.escape(bob_only) not in text or who == "bob"
    # Nor the API, whose token may sit in a candidate's own CI pipeline.
    for who in ("gus", "kim"):
        answer = api(service, "get", f"/api/v1/submissions/{ids[who]}").get_data(as_text=True)
        assert "imilar" not in answer and "known solution" not in answer
    assert service.test_client().get("/similarity.css").status_code == 302
    assert service.test_client().get(f"{links['gus']}/submissions/{bob}").status_code == 404

    # And no score moved.
    with service.app_context():
        assert {s.id: (s.score, s.percent) for s in db.session.scalars(select(Submission))} == scores
        assert not any(s.overridden for s in db.session.scalars(select(Submission)))


def lines_in(spans: list[tuple[int, int]]) -> set[int]:
    return {n for first, last in spans for n in range(first, last + 1)}


def service_pack(service):
    from grader.service import store

    with service.app_context():
        return store.context().pack


def cache_rows(service, aid: int) -> dict[str, tuple[datetime, str]]:
    """Each cached challenge's time of computing and inputs digest (row ids can be reused)."""
    with service.app_context():
        rows = db.session.scalars(select(SimilarityCache).where(SimilarityCache.assessment_id == aid)).all()
        return {r.challenge_id: (r.computed_at, r.inputs) for r in rows}


def wait_for_cache(service, aid: int, timeout: float = 30.0) -> dict[str, tuple[datetime, str]]:
    """The cached rows once they are current: computed from the assessment's submissions as they are."""
    from grader.service import similarity

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = cache_rows(service, aid)
        with service.app_context():
            members = similarity.members(aid)
            if rows and all(
                inputs == similarity.inputs_digest(members, cid) for cid, (_, inputs) in rows.items()
            ):
                return rows
        time.sleep(0.05)
    raise AssertionError(f"no current similarity cached for assessment {aid} after {timeout} s")


def test_similarity_is_computed_once_and_again_when_a_submission_is_added_or_regraded(service):
    aid, ids, links, sources = cohort(service)
    # The queue's owner computes it once the queue is idle, before any page asks for it.
    first = wait_for_cache(service, aid)
    assert set(first) == {"model-basics", "one-to-many", "order-by", "crud", "model-methods"}
    admin = signed_in(service)
    for _ in range(2):
        assert "gus" in admin.get(f"/assessments/{aid}").get_data(as_text=True)
        assert cache_rows(service, aid) == first  # read from the cache: no row made again

    # A candidate's second upload replaces the first in the comparison (one's own earlier
    # upload is no copy), and the new member set makes every row stale.
    response = upload(service.test_client(), links["ann"], zip_of({CHALLENGE: sources["ann"] + "\nX = 1\n"}))
    again = int(response.headers["Location"].rsplit("/", 1)[1])
    wait_for(service, again)
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    second = cache_rows(service, aid)
    assert second["crud"][1] != first["crud"][1] and second["crud"][0] > first["crud"][0]
    assert f"#{ids['ann']} " not in page.split('id="cohort"')[0]  # not among the flagged
    earlier = admin.get(f"/submissions/{ids['ann']}").get_data(as_text=True)
    assert "Not compared: a later upload" in earlier and f'href="/submissions/{again}"' in earlier
    with service.app_context():
        from grader.service import similarity
        from grader.service.models import Assessment

        compared = similarity.for_assessment(db.session.get(Assessment, aid)).members
        assert again in compared and ids["ann"] not in compared and len(compared) == len(ids)

    # Graded again: the rows are dropped when the result is kept, and made anew.
    post_form(admin, f"/submissions/{ids['gus']}/rerun", {}, f"/submissions/{ids['gus']}")
    wait_for(service, ids["gus"])  # queued by the rerun: this waits for the new grading
    admin.get(f"/assessments/{aid}")
    third = cache_rows(service, aid)
    assert third["crud"][0] > second["crud"][0] and third["crud"][1] == second["crud"][1]


def test_the_migration_upgrades_an_existing_0001_database(database_url):
    from alembic import command
    from sqlalchemy import create_engine, insert, inspect, text

    from grader.service import migrate
    from grader.service.models import Assessment, User, now

    engine = create_engine(database_url)
    try:
        command.upgrade(migrate.alembic_config(engine), "0001")
        assert migrate.current(engine) == "0001"
        assert "similarity_cache" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # a database in use: a user and an assessment
            conn.execute(
                insert(User.__table__).values(
                    id=1, email="a@example.com", name="", password_hash="x", role="admin", active=True,
                    created_at=now(),
                )
            )  # fmt: skip
            conn.execute(
                insert(Assessment.__table__).values(
                    id=7, title="Kept", summary="", name="", time_limit=60, weights={"crud": 1.0},
                    candidate_view="public", anonymous=False, created_at=now(),
                )
            )  # fmt: skip
            conn.execute(  # a token made before tokens had an audience
                text(
                    "INSERT INTO api_tokens (id, name, token_hash, prefix, created_at) "
                    "VALUES (3, 'old-ci', :hash, 'grd_x', :at)"
                ),
                {"hash": "0" * 64, "at": now()},
            )
        assert migrate.upgrade(engine) == ("0001", migrate.head()) and migrate.head() == "0003"
        with engine.connect() as conn:  # it now shows results as a candidate does (0003)
            assert conn.execute(text("SELECT audience FROM api_tokens WHERE id = 3")).scalar() == "candidate"
        tables = inspect(engine)
        assert "similarity_cache" in tables.get_table_names()
        unique = [set(u["column_names"]) for u in tables.get_unique_constraints("similarity_cache")]
        assert {"assessment_id", "challenge_id"} in unique
        with engine.begin() as conn:
            assert conn.execute(select(Assessment.title).where(Assessment.id == 7)).scalar() == "Kept"
            conn.execute(
                insert(SimilarityCache.__table__).values(
                    assessment_id=7, challenge_id="crud", inputs="0" * 64, computed_at=now(), seconds=0.1,
                    data={"summary": {}, "pairs": [], "references": []},
                )
            )  # fmt: skip
        command.downgrade(migrate.alembic_config(engine), "0001")
        assert "similarity_cache" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_assessment_with_no_submission_shows_nothing_to_compare(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "No submission to compare yet." in page
    with service.app_context():
        assert db.session.scalar(select(func.count()).select_from(SimilarityCache)) == 0
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_cohort_too_large_for_a_page_is_left_to_the_queues_owner(make_service, monkeypatch):
    """A page computes a small cohort while it waits; a larger one it names as pending and leaves
    to the process that owns the queue (here, with no queue running, to ``refresh`` by hand)."""
    from grader.service import accounts, similarity
    from grader.service.models import Assessment

    monkeypatch.setattr(similarity, "PAGE_COMPUTES_UP_TO", 2)
    app = make_service(start_queue=False)
    with app.app_context():
        accounts.add_user("admin@example.com", SERVICE_PASSWORD, "admin")
    admin = signed_in(app)
    aid = new_assessment(admin)
    answers = corpus_sources([CHALLENGE])
    for name in ("bob", "gus", "ann"):
        upload(
            app.test_client(), invite(admin, aid, name=name), zip_of({CHALLENGE: answers[name][CHALLENGE]})
        )
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Not computed yet for" in page and "<code>crud</code>" in page and not flagged_rows(page)
    assert cache_rows(app, aid) == {}
    with app.app_context():
        similarity.refresh([aid])
        assert not similarity.for_assessment(db.session.get(Assessment, aid), compute=False).pending
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Not computed yet" not in page and len(flagged_rows(page)) == 1


def test_the_helper_process_compares_as_the_service_would_in_its_own(pack):
    """The comparison runs in a helper process (``comparing``: ast is not thread-safe in 3.11);
    what comes back is what the same comparison gives here."""
    from grader.service import comparing

    sources = {name: {CHALLENGE: by[CHALLENGE]} for name, by in corpus_sources([CHALLENGE]).items()}
    root = next(iter(pack.values())).path.parent
    parts, seconds = comparing.in_child(root, [CHALLENGE], sources)
    assert parts == comparing.parts_of(sources, pack, [CHALLENGE]) and seconds > 0
    assert any(p["flagged"] for p in parts[CHALLENGE]["pairs"])


def test_the_helper_process_ends_with_the_service_even_when_it_is_killed():
    import os
    import signal
    import subprocess
    import sys

    code = (
        "import os, time\n"
        "from grader.challenges import builtin_pack\n"
        "from grader.service import comparing\n"
        "comparing.in_child(builtin_pack(), ['crud'], {'a': {'crud': 'x = 1\\n'}})\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(60)\n"
    )
    service = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(service.stdout.readline())
    helpers = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    assert helpers, "no helper process started"
    os.kill(pid, signal.SIGKILL)
    service.wait()
    service.stdout.close()

    def running(child: str) -> bool:
        try:
            return open(f"/proc/{child}/stat").read().split()[2] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 15
    while any(running(h) for h in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(h) for h in helpers), helpers
