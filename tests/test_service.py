"""The review service (grader serve) through Flask's test client, on SQLite and PostgreSQL.

Grading runs on the real in-process queue (``LocalQueue``) with a fake backend (no
process): these tests are about the service; the sandbox has its own."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile

import pytest
from sqlalchemy import func, select

from grader import __version__
from grader.challenges import builtin_pack, pack_digest
from grader.errors import UsageError
from grader.queue.base import Job, job_id
from grader.queue.local import LocalQueue, grade_job
from grader.service.models import (
    ApiToken,
    AuditEntry,
    Grading,
    Invitation,
    Override,
    Submission,
    User,
    db,
)
from tests.helpers import (
    HIDDEN_SECRET,
    MODEL_BASICS_OK,
    SERVICE_PASSWORD,
    csrf_of,
    post_form,
    sign_in,
    wait_for,
    zip_of,
)

pytestmark = [pytest.mark.service, pytest.mark.slow]
JUNIOR = ("model-basics", "one-to-many", "order-by", "crud", "model-methods")


def api(app, method: str, url: str, **kwargs):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}
    return getattr(client, method)(url, headers=headers, **kwargs)


def post_submission(app, archive: bytes, filename: str = "answer.zip", **form):
    form = {"challenge": ["model-basics", "crud"], **form} if "assessment" not in form else form
    return api(app, "post", "/api/v1/submissions", data={**form, "file": (io.BytesIO(archive), filename)})


def signed_in(app, email: str = "admin@example.com"):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def new_assessment(client, **form) -> int:
    data = {"source": "builtin", "builtin": "junior", "candidate_view": "rubric", **form}
    response = post_form(client, "/assessments/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def invite(client, assessment_id: int, name: str = "Grace Hopper", **form) -> str:
    """The candidate link made for ``name`` (shown once, in the page after the redirect)."""
    data = {"candidate_name": name, "expires_days": "7", "max_uploads": "2", **form}
    response = post_form(client, f"/assessments/{assessment_id}/invitations", data)
    assert response.status_code == 302
    page = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    return re.search(r'value="http://localhost(/c/[^"]+)"', page).group(1)


def upload(client, link: str, archive: bytes, name: str = "answer.zip"):
    token = csrf_of(client.get(link).get_data(as_text=True))
    return client.post(f"{link}/upload", data={"csrf_token": token, "file": (io.BytesIO(archive), name)})


def junior_zip(**changes: str) -> bytes:
    sources = {cid: (builtin_pack() / cid / "solutions" / "reference.py").read_text() for cid in JUNIOR}
    return zip_of({**sources, **changes})


# -- the whole flow -------------------------------------------------------------------------


def test_invite_collect_grade_review_and_decide(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    link = invite(admin, aid)

    candidate = service.test_client()
    page = candidate.get(link).get_data(as_text=True)
    assert "Grace Hopper" in page and "Download kit.zip" in page

    kit = zipfile.ZipFile(io.BytesIO(candidate.get(f"{link}/kit.zip").data))
    names = kit.namelist()
    assert "kit/README.md" in names and "kit/crud/solution.py" in names
    assert not any("/hidden" in n or "reference" in n or "/bad/" in n for n in names), names
    assert "Time limit" in kit.read("kit/README.md").decode()

    response = upload(candidate, link, junior_zip())
    assert response.status_code == 302
    sid = int(response.headers["Location"].rsplit("/", 1)[1])
    sub = wait_for(service, sid)
    assert sub.status == "graded"

    # The candidate sees public tests and hidden rubric lines, never a hidden test's message.
    shown = candidate.get(f"{link}/submissions/{sid}").get_data(as_text=True)
    assert "public check failed" in shown and "hidden-1" in shown
    assert HIDDEN_SECRET not in shown
    hidden_names = [t.name for t in builtin_pack_tests("crud") if t.visibility == "hidden" and t.rubric]
    assert not any(f">{name}<" in shown for name in hidden_names)

    # A reviewer sees everything, overrides a test with a reason, comments and decides.
    reviewer = signed_in(service, "reviewer@example.com")
    page = reviewer.get(f"/submissions/{sid}").get_data(as_text=True)
    assert HIDDEN_SECRET in page and "Traceback: test code" in page
    assert 'class="highlight"' in page and "Diff against the starter" in page
    with service.app_context():
        before = db.session.get(Submission, sid)
        graded, failing = before.score, _first_failing(before, "crud")
    no_reason = post_form(
        reviewer, f"/submissions/{sid}/override",
        {"challenge": "crud", "test": failing.name, "score": "1", "reason": ""}, f"/submissions/{sid}",
    )  # fmt: skip
    assert "needs a reason" in reviewer.get(no_reason.headers["Location"]).get_data(as_text=True)
    post_form(
        reviewer, f"/submissions/{sid}/override",
        {"challenge": "crud", "test": failing.name, "score": str(failing.max_score), "reason": "equivalent"},
        f"/submissions/{sid}",
    )  # fmt: skip
    post_form(reviewer, f"/submissions/{sid}/comment", {"body": "Clean <b>code</b>."}, f"/submissions/{sid}")
    post_form(reviewer, f"/submissions/{sid}/decision", {"decision": "advance"}, f"/submissions/{sid}")
    with service.app_context():
        after = db.session.get(Submission, sid)
        assert after.score == pytest.approx(graded + failing.max_score) and after.overridden
        assert after.decision == "advance"
        assert after.grading.score == graded  # the original score is kept
        override = db.session.scalars(select(Override)).one()
        assert (override.original_score, override.reason, override.user.email) == (
            0.0,
            "equivalent",
            "reviewer@example.com",
        )
        actions = [
            e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.submission_id == sid))
        ]
        assert {"override", "comment", "decision"} <= set(actions)
    page = reviewer.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "Clean &lt;b&gt;code&lt;/b&gt;." in page and "equivalent" in page

    # The export shows the override beside the score as graded.
    rows = list(
        csv.DictReader(io.StringIO(reviewer.get(f"/assessments/{aid}/export.csv").get_data(as_text=True)))
    )
    assert rows[0]["overridden"] == "True" and rows[0]["decision"] == "advance"
    assert float(rows[0]["score"]) == pytest.approx(graded + failing.max_score)
    assert float(rows[0]["machine_score"]) == pytest.approx(graded)
    exported = json.loads(reviewer.get(f"/assessments/{aid}/export.json").data)
    assert exported["rows"][0]["candidate"] == "Grace Hopper"


def builtin_pack_tests(cid: str):
    from grader.challenges import load_challenge

    return load_challenge(builtin_pack() / cid).tests


def _first_failing(sub, cid: str):
    from grader.results import GradeResult

    result = GradeResult.from_json(sub.grading.result)
    challenge = next(c for c in result.challenges if c.id == cid)
    return next(t for t in challenge.tests if t.status != "passed" and t.visibility == "hidden")


@pytest.mark.parametrize(
    ("view", "sees_hidden", "sees_public"),
    [("nothing", False, False), ("public", False, True), ("rubric", True, True)],
)
def test_candidates_see_what_the_assessment_allows(service, view, sees_hidden, sees_public):
    admin = signed_in(service)
    aid = new_assessment(admin, candidate_view=view)
    link = invite(admin, aid)
    candidate = service.test_client()
    sid = int(upload(candidate, link, junior_zip()).headers["Location"].rsplit("/", 1)[1])
    wait_for(service, sid)
    page = candidate.get(f"{link}/submissions/{sid}").get_data(as_text=True)
    assert ("hidden-1" in page) is sees_hidden
    assert ("public check failed" in page) is sees_public
    assert HIDDEN_SECRET not in page
    if view == "nothing":
        assert "has been graded" in page and "%" not in page


def test_an_invitation_takes_n_uploads_until_it_expires(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    link = invite(admin, aid, max_uploads="1")
    candidate = service.test_client()
    refused = upload(candidate, link, b"not an archive", "answer.txt")
    assert "refused" in candidate.get(refused.headers["Location"]).get_data(as_text=True)
    bad = zip_of({}, extra={"answer/link": b"x"})
    assert "no folder for any" in candidate.get(upload(candidate, link, bad).headers["Location"]).get_data(
        as_text=True
    )
    assert upload(candidate, link, junior_zip()).status_code == 302
    again = candidate.get(link).get_data(as_text=True)
    assert "used all 1 upload" in again and 'name="file"' not in again
    token = csrf_of(admin.get("/assessments").get_data(as_text=True))  # no form left to take one from
    forced = candidate.post(
        f"{link}/upload", data={"csrf_token": token, "file": (io.BytesIO(junior_zip()), "a.zip")}
    )
    assert forced.status_code in (302, 400)
    with service.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
        inv = db.session.scalars(select(Invitation)).one()
        inv.max_uploads, inv.expires_at = 5, inv.created_at
        db.session.commit()
    assert "expired" in candidate.get(link).get_data(as_text=True)


def test_reading_an_upload_holds_no_lock_on_the_database(service, monkeypatch):
    """Reading and highlighting an upload takes as long as its author makes it (Pygments
    spends seconds on 256 KiB of ``@`` in each challenge's solution.py): meanwhile every other
    write, the same invitation's row included, goes ahead. On SQLite a lock held through it
    stalled the whole service (sign-ins, uploads, results) and failed it after 30 s."""
    from sqlalchemy import create_engine, text

    from grader.service import store

    admin = signed_in(service)
    link = invite(admin, new_assessment(admin), max_uploads="2")
    url = service.config["SQLALCHEMY_DATABASE_URI"]
    short = {"timeout": 0.5} if url.startswith("sqlite") else {"options": "-c lock_timeout=500"}
    other = create_engine(url, connect_args=short)
    probes: list[str] = []
    real = store.highlight_lines

    def slow_highlight(source: str) -> list[str]:
        try:  # another request's write, while this upload is being read
            with other.begin() as conn:
                conn.execute(text("UPDATE invitations SET opened_at = opened_at"))
            probes.append("written")
        except Exception as exc:
            probes.append(f"blocked: {exc}")
        return real(source)

    monkeypatch.setattr(store, "highlight_lines", slow_highlight)
    candidate = service.test_client()
    try:
        assert upload(candidate, link, junior_zip()).status_code == 302
        refused = upload(candidate, link, junior_zip(crud="# refused\n"), "a.txt")
        assert "refused" in candidate.get(refused.headers["Location"]).get_data(as_text=True)
    finally:
        other.dispose()
    assert probes and set(probes) == {"written"}, probes
    with service.app_context():  # the refused upload gave its slot back
        assert db.session.scalars(select(Invitation)).one().uploads == 1
    assert upload(candidate, link, junior_zip(crud="# again\n")).status_code == 302
    assert "used all 2 upload" in candidate.get(link).get_data(as_text=True)


def test_an_archive_with_a_link_in_it_is_refused_by_the_archive_checks(service, tmp_path):
    import tarfile

    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("answer/crud/solution.py")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(info)
    response = post_submission(service, path.read_bytes(), "evil.tar.gz")
    assert response.status_code == 422 and "symbolic link" in response.json["error"]


def test_an_upload_over_the_size_cap_is_refused_with_a_clear_message(make_service):
    app = make_service(max_upload_bytes=50_000)
    admin_app_user(app)
    client = app.test_client()
    sign_in(client, "admin@example.com")
    aid = new_assessment(client)
    link = invite(client, aid)
    token = csrf_of(client.get(link).get_data(as_text=True))
    big = io.BytesIO(b"x" * 60_000)
    response = client.post(f"{link}/upload", data={"csrf_token": token, "file": (big, "answer.zip")})
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True) and "MiB" in response.get_data(as_text=True)


def admin_app_user(app) -> None:
    from grader.service import accounts

    with app.app_context():
        accounts.add_user("admin@example.com", SERVICE_PASSWORD, "admin")


# -- the cohort --------------------------------------------------------------------------------


def cohort_names(page: str) -> list[str]:
    """The candidates of the cohort table, in its order (other sections link submissions too)."""
    table = page.split('id="cohort"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/submissions/\d+">(\w+)</a>', table)


def test_the_cohort_page_sorts_filters_and_draws_its_charts(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    ids = []
    for n, name in enumerate(["Zed", "Amy", "Bob"]):
        link = invite(admin, aid, name=name)
        archive = zip_of({"order-by": "x = 1\n"}) if n == 1 else junior_zip()  # Amy hands in one
        response = upload(service.test_client(), link, archive)
        ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
    for sid in ids:
        wait_for(service, sid)
    page = admin.get(f"/assessments/{aid}?sort=candidate&dir=asc").get_data(as_text=True)
    order = cohort_names(page)
    assert order == ["Amy", "Bob", "Zed"]
    assert page.count("<svg") >= 1 + len(JUNIOR) and "<script" not in page
    assert "score histogram" in page and "pass rate per test" in page
    low = admin.get(f"/assessments/{aid}?sort=score&dir=asc").get_data(as_text=True)
    assert cohort_names(low)[0] == "Amy"
    only = admin.get(f"/assessments/{aid}?q=bo").get_data(as_text=True)
    assert cohort_names(only) == ["Bob"]
    with service.app_context():
        sub = db.session.get(Submission, ids[2])
        sub.decision = "reject"
        db.session.commit()
    rejected = admin.get(f"/assessments/{aid}?decision=reject").get_data(as_text=True)
    assert cohort_names(rejected) == ["Bob"]


def test_anonymous_review_hides_names_until_an_admin_reveals_them(service):
    admin = signed_in(service)
    aid = new_assessment(admin, anonymous="on")
    link = invite(admin, aid, name="Grace Hopper")
    sid = int(upload(service.test_client(), link, junior_zip()).headers["Location"].rsplit("/", 1)[1])
    wait_for(service, sid)
    reviewer = signed_in(service, "reviewer@example.com")
    for page in (f"/assessments/{aid}", f"/submissions/{sid}", f"/assessments/{aid}/export.csv"):
        text = reviewer.get(page).get_data(as_text=True)
        assert "Grace Hopper" not in text and "Candidate 001" in text, page
    assert "Grace Hopper" not in api(service, "get", "/api/v1/submissions").get_data(as_text=True)
    assert post_form(reviewer, f"/assessments/{aid}/reveal", {}).status_code == 403
    assert post_form(admin, f"/assessments/{aid}/reveal", {}).status_code == 302
    assert "Grace Hopper" in reviewer.get(f"/assessments/{aid}").get_data(as_text=True)


def test_assessments_from_a_file_or_picked_challenges(service, tmp_path):
    admin = signed_in(service)
    toml = b'title = "Uploaded"\ntime_limit = 45\n[challenges]\ncrud = 2\norder-by = 1\n'
    token = csrf_of(admin.get("/assessments/new").get_data(as_text=True))
    response = admin.post(
        "/assessments/new",
        data={
            "csrf_token": token,
            "source": "upload",
            "candidate_view": "public",
            "file": (io.BytesIO(toml), "x.toml"),
        },
    )
    assert response.status_code == 302
    picked = new_assessment(
        admin, source="pick", challenge=["raw-sql", "events"], **{"weight-events": "1.5"}, time_limit="30"
    )
    unknown = post_form(admin, "/assessments/new", {"source": "upload"})
    assert unknown.status_code == 400
    with service.app_context():
        from grader.service.models import Assessment

        uploaded, chosen = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
        assert (uploaded.title, uploaded.time_limit, uploaded.weights) == (
            "Uploaded",
            45,
            {"crud": 2.0, "order-by": 1.0},
        )
        assert chosen.id == picked and chosen.weights == {"raw-sql": 1.0, "events": 1.5}


# -- the API ---------------------------------------------------------------------------------


def test_the_api_takes_a_submission_and_gives_its_result(service):
    response = post_submission(service, zip_of({"model-basics": MODEL_BASICS_OK}))
    assert response.status_code == 201 and response.json["status"] == "queued"
    sid = response.json["id"]
    wait_for(service, sid)
    body = api(service, "get", f"/api/v1/submissions/{sid}").json
    assert body["status"] == "graded" and body["id"] == sid
    result = body["result"]
    assert result["schema_version"] == 1 and result["audience"] == "reviewer"
    assert [c["id"] for c in result["challenges"]] == ["model-basics", "crud"]
    assert result["challenges"][1]["status"] == "missing"
    assert HIDDEN_SECRET in json.dumps(result)  # the reviewer audience
    listed = api(service, "get", "/api/v1/submissions").json["submissions"]
    assert [s["id"] for s in listed] == [sid]
    assert api(service, "get", "/api/v1/submissions?assessment=99").json == {"submissions": []}
    assert api(service, "get", "/api/v1/submissions/999").status_code == 404


def test_a_token_shows_results_as_a_candidate_sees_them_unless_made_for_reviewers(service):
    """A CI token may sit in a candidate's own pipeline, whose logs the candidate reads: by
    default (``grader tokens add``, the admin page) it shows no hidden test's text and no
    decision; only a token made for reviewers shows the reviewer's result."""
    from grader.service import accounts

    with service.app_context():
        _t, secret = accounts.add_token("candidate-ci")  # the default audience
        assert _t.audience == "candidate"
    headers = {"Authorization": f"Bearer {secret}"}
    client = service.test_client()
    archive = zip_of({"model-basics": MODEL_BASICS_OK})
    sid = client.post(
        "/api/v1/submissions",
        headers=headers,
        data={"challenge": ["model-basics", "crud"], "file": (io.BytesIO(archive), "a.zip")},
    ).json["id"]
    wait_for(service, sid)
    body = client.get(f"/api/v1/submissions/{sid}", headers=headers).json
    assert body["status"] == "graded" and body["result"]["audience"] == "candidate"
    assert HIDDEN_SECRET not in json.dumps(body) and "decision" not in body
    assert body["score"] is not None
    assert [c["id"] for c in body["result"]["challenges"]] == ["model-basics", "crud"]
    listed = client.get("/api/v1/submissions", headers=headers).json["submissions"]
    assert [s["id"] for s in listed] == [sid] and "decision" not in listed[0]
    # The same work through the fixture's reviewer token: the hidden text is there.
    reviewer = post_submission(service, archive).json["id"]
    wait_for(service, reviewer)
    shown = api(service, "get", f"/api/v1/submissions/{reviewer}").json
    assert HIDDEN_SECRET in json.dumps(shown["result"]) and "decision" in shown
    with service.app_context(), pytest.raises(UsageError, match="'candidate' or 'reviewer'"):
        accounts.add_token("odd", audience="everyone")


def test_the_api_answers_bad_requests_plainly(service):
    assert post_submission(service, b"", challenge=["nope"]).status_code == 400
    response = api(service, "post", "/api/v1/submissions", data={"challenge": "crud"})
    assert response.status_code == 400 and "file" in response.json["error"]
    assert post_submission(service, zip_of({"crud": "x"}), assessment="42").status_code == 404
    anonymous = service.test_client().get("/api/v1/submissions")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_assessment_over_the_api_uses_its_weights(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    response = post_submission(service, junior_zip(), assessment=str(aid), name="pr-17")
    assert response.status_code == 201, response.json
    sub = wait_for(service, response.json["id"])
    with service.app_context():
        sub = db.session.get(Submission, sub.id)
        assert sub.assessment_id == aid and sub.label == "pr-17"
        assert sub.grading.result["assessment"]["title"].startswith("Junior")
    listed = api(service, "get", f"/api/v1/submissions?assessment={aid}").json["submissions"]
    assert [s["name"] for s in listed] == ["pr-17"]


# -- grading: identity, records, reruns, restarts ----------------------------------------------


def test_the_same_work_submitted_twice_is_graded_once(service):
    archive = zip_of({"model-basics": MODEL_BASICS_OK})
    first = post_submission(service, archive).json["id"]
    wait_for(service, first)
    second = post_submission(service, archive)
    assert second.status_code == 201 and second.json["status"] == "graded"
    with service.app_context():
        a, b = db.session.get(Submission, first), db.session.get(Submission, second.json["id"])
        assert a.job_id == b.job_id and b.grading.reused_from_id == a.grading_id
    admin = signed_in(service)
    assert f'href="/submissions/{first}">#{first}' in admin.get(f"/submissions/{second.json['id']}").get_data(
        as_text=True
    )


def test_every_grading_records_the_grader_version_the_pack_digest_and_the_backend(service, pack):
    sid = post_submission(service, zip_of({"crud": "x = 1\n"})).json["id"]
    wait_for(service, sid)
    with service.app_context():
        grading = db.session.scalars(select(Grading).where(Grading.submission_id == sid)).one()
        wanted = pack_digest([pack["model-basics"], pack["crud"]])
        assert grading.grader_version == __version__ and grading.backend == "fake"
        assert grading.pack_digest == pack_digest(pack.values()) != wanted
        assert grading.worker.startswith("grader-worker-")


def test_rerun_one_submission_or_a_whole_assessment_keeps_every_grading(service):
    admin = signed_in(service)
    aid = new_assessment(admin)
    sids = [
        post_submission(service, junior_zip(crud=f"# {n}\n"), assessment=str(aid)).json["id"]
        for n in range(2)
    ]
    for sid in sids:
        wait_for(service, sid)
    post_form(admin, f"/submissions/{sids[0]}/rerun", {}, f"/submissions/{sids[0]}")
    wait_for(service, sids[0])
    post_form(admin, f"/assessments/{aid}/rerun", {})
    time.sleep(0.2)
    for sid in sids:
        wait_for(service, sid)
    with service.app_context():
        counts = [db.session.scalar(select(func.count()).where(Grading.submission_id == sid)) for sid in sids]
        assert counts == [3, 2]
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "rerun")) == 3


def test_a_grading_cut_short_by_a_stop_is_graded_again_at_the_next_start(make_service, tmp_path):
    """A process that dies while grading leaves its submissions to the next owner of the queue."""
    import threading

    from grader.queue.local import LocalQueue
    from sandbox.fake import FakeBackend
    from tests.helpers import fake_grading

    gate = threading.Event()
    pack = builtin_pack_dict()

    def stuck():
        backend = fake_grading(pack)()

        def respond(run):
            gate.wait(30)
            return backend.respond(run)

        return FakeBackend(respond)

    first = make_service(queue=LocalQueue(pack, stuck, workers=1), instance=tmp_path / "i")
    admin_app_user(first)
    with first.app_context():
        from grader.service import accounts

        _t, secret = accounts.add_token("ci", audience="reviewer")
    first.config["TEST_TOKEN"] = secret
    sids = [post_submission(first, zip_of({"crud": f"# {n}\n"})).json["id"] for n in range(3)]
    wait_for(first, sids[0], states=("running",))
    # The first process "dies": its lease is left behind, held by a process that does not run.
    from grader.service import dispatcher_of
    from grader.service.models import Lease

    dispatcher = dispatcher_of(first)
    dispatcher.stop(release=False)
    with first.app_context():
        lease = db.session.get(Lease, "queue")
        lease.holder = f"{dispatcher.host}:999999999:dead"
        db.session.execute(
            Submission.__table__.update().values(dispatched_by=lease.holder).where(Submission.id.in_(sids))
        )
        db.session.commit()
    second = make_service(instance=tmp_path / "i")
    for sid in sids:
        sub = wait_for(second, sid)
        assert sub.status == "graded"
    gate.set()
    time.sleep(0.3)  # the first process's worker finishes late: its result must not count
    with second.app_context():
        for sid in sids:
            assert db.session.scalar(select(func.count()).where(Grading.submission_id == sid)) == 1
        assert db.session.get(Submission, sids[0]).attempts == 2


def builtin_pack_dict():
    from grader.challenges import load_pack

    return load_pack()


def test_the_workers_page_shows_what_is_running_and_for_how_long(make_service, tmp_path):
    import threading

    from sandbox.fake import FakeBackend
    from tests.helpers import fake_grading

    gate = threading.Event()
    pack = builtin_pack_dict()

    def slow():
        backend = fake_grading(pack)()
        return FakeBackend(lambda run: (gate.wait(30), backend.respond(run))[1])

    app = make_service(queue=LocalQueue(pack, slow, workers=1))
    admin_app_user(app)
    with app.app_context():
        from grader.service import accounts

        _t, app.config["TEST_TOKEN"] = accounts.add_token("ci", audience="reviewer")
    sids = [post_submission(app, zip_of({"crud": f"# {n}\n"})).json["id"] for n in range(2)]
    wait_for(app, sids[0], states=("running",))
    time.sleep(0.3)
    client = app.test_client()
    sign_in(client, "admin@example.com")
    page = client.get("/workers").get_data(as_text=True)
    gate.set()
    assert "grader-worker-1" in page and f"submission {sids[0]}" in page
    assert re.search(r"\d+\.\d s</td>", page)
    assert "1 waiting" in page or "queued" in page


# -- the queue seam ------------------------------------------------------------------------


def test_a_job_is_its_bytes_pack_version_and_challenge_set(pack):
    digest = pack_digest(pack.values())
    job = Job(b"archive", "a.zip", {"crud": 1.0}, digest, __version__)
    assert job.id == job_id(b"archive", digest, __version__, {"crud": 1.0})
    assert job.id == Job(b"archive", "other-name.zip", {"crud": 1}, digest, __version__, label="x").id
    for other in (
        Job(b"archive2", "a.zip", {"crud": 1.0}, digest, __version__),
        Job(b"archive", "a.zip", {"crud": 2.0}, digest, __version__),
        Job(b"archive", "a.zip", {"crud": 1.0, "events": 1.0}, digest, __version__),
        Job(b"archive", "a.zip", {"crud": 1.0}, "0" * 64, __version__),
        Job(b"archive", "a.zip", {"crud": 1.0}, digest, "9.9.9"),
    ):
        assert other.id != job.id


def test_the_pack_digest_is_content_only(tmp_path, pack):
    import shutil

    from grader.challenges import load_pack

    copy = tmp_path / "pack"
    shutil.copytree(builtin_pack() / "crud", copy / "crud", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "crud" / "__pycache__").mkdir(exist_ok=True)
    (copy / "crud" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    assert pack_digest(load_pack(copy).values()) == pack_digest([pack["crud"]])
    statement = copy / "crud" / "statement.md"
    statement.write_text(statement.read_text() + "\n")
    assert pack_digest(load_pack(copy).values()) != pack_digest([pack["crud"]])


def test_the_local_queue_runs_a_job_once_while_it_is_queued_or_running(pack):
    import threading

    from tests.helpers import fake_grading

    done, started = [], []
    gate = threading.Event()
    make = fake_grading(pack)

    def backend():
        inner = make()
        from sandbox.fake import FakeBackend

        return FakeBackend(lambda run: (gate.wait(10), inner.respond(run))[1])

    queue = LocalQueue(pack, backend, workers=2)
    queue.start(lambda jid, worker: started.append(jid), done.append)
    job = Job(zip_of({"crud": "x = 1\n"}), "a.zip", {"crud": 1.0}, queue.digest, __version__, label="one")
    assert queue.submit(job) is True
    assert queue.submit(job) is False
    deadline = time.monotonic() + 5
    while not queue.status().running and time.monotonic() < deadline:
        time.sleep(0.01)
    status = queue.status()
    assert status.kind == "local" and [r.label for r in status.running] == ["one"]
    assert queue.submit(job) is False
    gate.set()
    while not done and time.monotonic() < deadline + 5:
        time.sleep(0.01)
    queue.close()
    assert len(done) == 1 and started == [job.id] and done[0].result is not None


def test_a_worker_refuses_a_job_for_another_pack(pack):
    from tests.helpers import fake_grading

    job = Job(zip_of({"crud": "x"}), "a.zip", {"crud": 1.0}, "0" * 64, __version__)
    outcome = grade_job(job, pack, fake_grading(pack)())
    assert outcome.result is None and "is not the job's" in outcome.error


# -- command line ------------------------------------------------------------------------------


def test_users_add_reads_the_password_from_stdin_and_tokens_add_prints_one_once(runner, tmp_path):
    from grader.cli import cli

    instance = str(tmp_path / "inst")
    done = runner.invoke(
        cli,
        ["users", "add", "Boss@Example.com", "--role", "admin", "--instance", instance],
        input="long enough pw\n",
    )
    assert done.exit_code == 0, done.output
    assert "added boss@example.com (admin)" in done.output
    short = runner.invoke(cli, ["users", "add", "x@example.com", "--instance", instance], input="short\n")
    assert short.exit_code == 2 and "at least 10" in short.output
    made = runner.invoke(cli, ["tokens", "add", "github-ci", "--instance", instance])
    assert made.exit_code == 0
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("grd_") and len(secret) > 40
    from grader.service.commands import app_context
    from grader.service.config import Settings

    with app_context(Settings.make(instance, environ={})):
        token = db.session.scalars(select(ApiToken)).one()
        user = db.session.scalars(select(User)).one()
        assert token.token_hash != secret and secret not in json.dumps([token.token_hash, token.prefix])
        assert token.audience == "candidate"  # a token's default: it may sit in a candidate's pipeline
        assert (
            user.password_hash.startswith(("scrypt:", "pbkdf2:")) and "long enough" not in user.password_hash
        )


def test_users_and_tokens_refuse_arguments_that_are_not_text(runner, tmp_path):
    """An argument of bytes that are not UTF-8 (Python hands it on with lone surrogates) is a
    one-line refusal, never an internal error, and nothing is stored."""
    from grader.cli import cli

    instance = str(tmp_path / "inst")
    odd = b"a\xffb@example.com".decode("utf-8", "surrogateescape")
    for args, stdin, what in (
        (["users", "add", odd], "long enough pw\n", "e-mail address"),
        (["users", "add", "ok@example.com", "--name", "x\udcff"], "long enough pw\n", "name"),
        (["users", "add", "ok@example.com"], b"long \xffenough pw\n", "password"),
        (["tokens", "add", "ci\udc80"], None, "token's name"),
    ):
        done = runner.invoke(cli, [*args, "--instance", instance], input=stdin)
        assert done.exit_code == 2 and f"the {what} is not UTF-8 text" in done.output, done.output
    from grader.service.commands import app_context
    from grader.service.config import Settings

    with app_context(Settings.make(instance, environ={})):
        assert db.session.scalars(select(User)).all() == []
        assert db.session.scalars(select(ApiToken)).all() == []


def test_serve_upgrades_the_database_and_says_so(tmp_path):
    from grader.service.config import Settings
    from grader.service.server import prepare

    said: list[str] = []
    settings = Settings.make(tmp_path / "inst", environ={})
    prepare(settings, said.append)
    prepare(settings, said.append)
    assert any("upgraded from empty to revision 0003" in s for s in said)
    assert any("at revision 0003, nothing to upgrade" in s for s in said)
    assert any("made a signing secret" in s for s in said)


def test_the_development_server_is_never_what_a_public_address_gets(monkeypatch):
    from grader.errors import UsageError
    from grader.service import server

    monkeypatch.setattr(server, "has_gunicorn", lambda: False)
    assert server.choose_server("auto", "127.0.0.1") == "dev"
    for host in ("0.0.0.0", "::", "192.0.2.10"):
        with pytest.raises(UsageError, match="development server is for this machine only"):
            server.choose_server("auto", host)
        with pytest.raises(UsageError):
            server.choose_server("dev", host)
    monkeypatch.setattr(server, "has_gunicorn", lambda: True)
    assert server.choose_server("auto", "0.0.0.0") == "gunicorn"


def test_the_migrations_match_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    from grader.service import migrate
    from grader.service.models import Base

    engine = create_engine(database_url)
    try:
        assert migrate.upgrade(engine) == (None, migrate.head())
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
