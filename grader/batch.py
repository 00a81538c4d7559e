"""``grader batch``: grade a cohort of submissions, in parallel, resumably.

Layout of the batch folder (``--out DIR``)::

    DIR/submissions/<name>.json   each submission's results (schema v1), written as it completes
    DIR/submissions/<name>.html   each submission's HTML report
    DIR/leaderboard.csv           one row per submission, one column per challenge
    DIR/leaderboard.html          the same, sortable, linking to each HTML report
    DIR/cohort.json               pass rates per challenge and per test across the cohort
    DIR/similarity.json           answers too alike, and answers too close to a known solution
    DIR/similarity.html           the same, each flagged pair side by side (reviewer audience only)

Each JSON file is written whole (to a temporary name, then renamed) the moment
its submission is graded, so an interrupted batch loses at most the
submissions that were running, and ``--resume`` reuses every file that holds
a finished grading of the same submission for the same audience and
challenges. A submission that cannot be read is a row with status ``error``
and the reason; one whose grading, reports or saving failed is a row too,
with nothing of it saved, and is graded again on resume: whatever goes wrong
with one submission, every other one is graded and the leaderboard written.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path

from grader import __version__
from grader.archive import ARCHIVE_SUFFIXES, is_archive
from grader.assessment import Assessment
from grader.audience import Audience, for_audience
from grader.challenges import Challenge
from grader.cohort import ChallengeInfo, Cohort, Row
from grader.errors import BackendError, GraderError, UsageError
from grader.grading import grade
from grader.queue.base import Queue
from grader.reports import render_html, render_json
from grader.reports.leaderboard import render_cohort_json, render_csv, render_leaderboard_html
from grader.results import GradeResult, RunStatus
from grader.sanitize import clean, counted, exception_line
from sandbox.backend import Backend, Cancelled

OnRow = Callable[[Row, int, int], None]


class Interrupted(GraderError):
    """The batch was stopped (Ctrl-C, SIGTERM) before every submission was graded."""

    exit_code = 130


def _looks_like_submission(folder: Path, challenge_ids: Iterable[str]) -> bool:
    return any((folder / cid).is_dir() for cid in challenge_ids)


def find_submissions(
    args: Sequence[Path], challenge_ids: Iterable[str], exclude: Path | None = None
) -> tuple[list[Path], list[Path]]:
    """The submissions named by ``args``, and the files passed over while expanding folders.

    An argument is a submission (a folder holding at least one challenge
    folder, an archive, or any other file, which will be an error row), or
    else a folder of them: its folders, archives and dangling links, in name
    order, without hidden entries or the batch's own output folder. A folder
    with none of those is taken as one submission (laid out wrong: its row
    says what is missing).
    """
    ids = list(challenge_ids)
    found: list[Path] = []
    skipped: list[Path] = []
    excluded = exclude.resolve() if exclude is not None else None
    for arg in args:
        if not arg.exists() and not arg.is_symlink():
            raise UsageError(f"submission {arg} does not exist")
        if not arg.is_dir() or _looks_like_submission(arg, ids):
            found.append(arg)
            continue
        try:
            children = sorted(arg.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            raise UsageError(f"cannot list {arg}: {exc.strerror}") from None
        inside: list[Path] = []
        for child in children:
            if child.name.startswith(".") or (excluded is not None and child.resolve() == excluded):
                continue
            # A link that leads nowhere is a submission that cannot be read: a row, not a skip.
            if child.is_dir() or is_archive(child) or (child.is_symlink() and not child.exists()):
                inside.append(child)
            else:
                skipped.append(child)
        if inside:
            found.extend(inside)
        else:
            # Nothing in it looks like a submission: it is one, laid out wrong; its row will say so.
            found.append(arg)
            skipped = [s for s in skipped if s.parent != arg]
    unique = list(dict.fromkeys(found, None))
    return unique, skipped


def unique_names(paths: Sequence[Path]) -> list[str]:
    """A distinct, file-name-safe name per path, from its base name (``alice.zip`` is ``alice``)."""
    names: list[str] = []
    seen: set[str] = set()
    for path in paths:
        base = path.name
        for suffix in ARCHIVE_SUFFIXES:
            if base.lower().endswith(suffix):
                base = base[: -len(suffix)]
                break
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")[:80] or "submission"
        name, n = stem, 1
        while name.lower() in seen:
            n += 1
            name = f"{stem}-{n}"
        seen.add(name.lower())
        names.append(name)
    return names


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader (or a crash) never sees half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


class Batch:
    """One batch run: where it writes, what it grades, and for whom."""

    def __init__(
        self,
        out: Path,
        challenges: Sequence[Challenge],
        backend: Backend | None,
        audience: Audience = "reviewer",
        pack: Mapping[str, Challenge] | None = None,
        assessment: Assessment | None = None,
        queue: Queue | None = None,
    ) -> None:
        if backend is None and queue is None:
            raise ValueError("a batch grades with a backend or on a queue")
        self.out = out
        self.challenges = list(challenges)
        self.assessment = assessment  # its weights apply to every submission
        self.pack = pack if pack is not None else {c.id: c for c in challenges}
        self.backend = backend
        self.queue = queue  # when given, its workers grade (grader.queue), not this process
        self.audience: Audience = audience
        self.folder = out / "submissions"

    def json_path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def saved(self, name: str, path: Path) -> GradeResult | None:
        """The finished result saved for ``name`` by an earlier run, if it fits this batch."""
        try:
            data = json.loads(self.json_path(name).read_text(encoding="utf-8"))
            result = GradeResult.from_json(data) if isinstance(data, dict) else None
        except (OSError, ValueError, RecursionError):  # a file --out holds is not trusted to parse
            return None
        # Saved as every report writes it: with the path's odd characters cleaned.
        if result is None or result.submission != clean(str(path)) or result.audience != self.audience:
            return None
        if result.status is RunStatus.ERROR and not result.error:
            return None  # grading itself failed: try again
        if result.challenges and [c.id for c in result.challenges] != [c.id for c in self.challenges]:
            return None
        if result.assessment != (self.assessment.as_json() if self.assessment else {}):
            return None  # graded with other weights
        return result

    def weight(self, challenge: Challenge) -> float:
        """``challenge``'s weight in this batch (its assessment's, else 1)."""
        return self.assessment.weights.get(challenge.id, 1.0) if self.assessment else 1.0

    def _max_score(self, challenge: Challenge) -> float:
        return challenge.max_score() * self.weight(challenge)

    def _unreadable(self, path: Path, reason: str) -> GradeResult:
        return GradeResult(
            submission=str(path),
            status=RunStatus.ERROR,
            score=0.0,
            max_score=sum(self._max_score(c) for c in self.challenges),
            backend=self.backend.name if self.backend else f"queue ({self.queue.kind if self.queue else ''})",
            isolation=self.backend.isolation if self.backend else "",
            duration=0.0,
            challenges=(),
            grader_version=__version__,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            audience=self.audience,
            error=reason,
            assessment=self.assessment.as_json() if self.assessment else {},
        )

    def grade_one(self, name: str, path: Path) -> Row:
        """Grade one submission and save its JSON and HTML report; never raises for the submission:
        a failure to grade, render or save it is its row (status ``error``, saved nothing)."""
        assert self.backend is not None
        try:
            result = for_audience(
                grade(str(path), self.challenges, self.backend, assessment=self.assessment),
                self.audience,
                self.challenges,
            )
        except Cancelled:  # the batch is stopping: nothing of this submission is kept
            return self._failed(name, path, "stopped before it was graded")
        except BackendError as exc:
            return self._failed(name, path, f"grading failed: {exc.message}")
        except GraderError as exc:
            result = self._unreadable(path, exc.message)
        except Exception as exc:  # one submission's crash must never lose the others
            return self._failed(name, path, f"the grader crashed on this submission ({exception_line(exc)})")
        return self._keep(name, path, result)

    def _keep(self, name: str, path: Path, result: GradeResult) -> Row:
        """Save ``result`` as ``name``'s and give its row (a failure to save is the row's error)."""
        try:
            self.save(name, result)
        except Exception as exc:  # nor can one submission's reports: they are its row's problem
            self.discard(name)
            return self._failed(
                name, path, f"the grader could not save this submission's results ({exception_line(exc)})"
            )
        return Row(name, str(path), result)

    def _failed(self, name: str, path: Path, reason: str) -> Row:
        return Row(name, str(path), self._unreadable(path, reason), saved=False)

    def save(self, name: str, result: GradeResult) -> None:
        """Write the submission's HTML report, then its JSON (which ``--resume`` trusts): both are
        rendered before either is written, so a failure leaves no result to reuse."""
        page, data = render_html(result), render_json(result)
        write_atomically(self.folder / f"{name}.html", page)
        write_atomically(self.json_path(name), data)

    def discard(self, name: str) -> None:
        """Remove whatever an earlier or failed save left for ``name``."""
        for path in (self.json_path(name), self.folder / f"{name}.html"):
            try:
                path.unlink(missing_ok=True)
            except OSError:  # e.g. a folder in the way: the next save says so in the row
                pass

    def run(
        self,
        submissions: Sequence[Path],
        *,
        jobs: int = 1,
        resume: bool = False,
        on_row: OnRow | None = None,
        on_start: Callable[[int, int], None] | None = None,
    ) -> Cohort:
        """Grade every submission (``jobs`` at once), reusing saved results when ``resume``,
        then write the leaderboard and cohort files."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create {self.folder}: {exc.strerror}") from None
        names = unique_names(submissions)
        rows: dict[str, Row] = {}
        todo: list[tuple[str, Path]] = []
        for name, path in zip(names, submissions, strict=True):
            saved = self.saved(name, path) if resume else None
            if saved is not None and self._has_report(name, saved):
                rows[name] = Row(name, str(path), saved, reused=True)
            else:
                todo.append((name, path))
        if on_start:
            on_start(len(rows), len(todo))
        try:
            self._grade_all(todo, rows, jobs, on_row)
        except Interrupted:
            # The leaderboard of what is done (no similarity: a stop must be quick).
            done = [n for n in names if n in rows]
            self._write(self._cohort(rows, done, None))
            raise
        cohort = self._cohort(rows, names, self.similarity(names, submissions))
        self._write(cohort)
        return cohort

    def _cohort(
        self, rows: Mapping[str, Row], names: Sequence[str], similar_to: dict[str, tuple[str, ...]] | None
    ) -> Cohort:
        return Cohort(
            rows=tuple(rows[n] for n in names),
            challenges=tuple(ChallengeInfo(c.id, c.title, self._max_score(c)) for c in self.challenges),
            audience=self.audience,
            similar_to=similar_to,
        )

    def _write(self, cohort: Cohort) -> None:
        write_atomically(self.out / "leaderboard.csv", render_csv(cohort))
        write_atomically(self.out / "leaderboard.html", render_leaderboard_html(cohort))
        write_atomically(self.out / "cohort.json", render_cohort_json(cohort))

    def _has_report(self, name: str, saved: GradeResult) -> bool:
        """Whether the saved result's HTML report is there, writing it again when missing;
        False (grade it again) when that fails."""
        page = self.folder / f"{name}.html"
        if page.is_file():
            return True
        try:
            write_atomically(page, render_html(saved))
        except Exception:  # a saved result that cannot be shown is graded again, not reused
            return False
        return True

    def similarity(
        self, names: Sequence[str], submissions: Sequence[Path]
    ) -> dict[str, tuple[str, ...]] | None:
        """Compare the cohort's answers and write ``similarity.json`` and ``.html``; what each
        submission is too alike to. Reviewers only: for the candidate audience nothing is written,
        and what an earlier reviewer run wrote in the folder is removed."""
        if self.audience != "reviewer":
            for stale in ("similarity.json", "similarity.html"):
                (self.out / stale).unlink(missing_ok=True)
            return None
        from grader import similarity  # imported when used: grader check never needs it

        sources, _ = similarity.read_sources(submissions, names, [c.id for c in self.challenges])
        report = similarity.compare(sources, self.pack, challenge_ids=[c.id for c in self.challenges])
        write_atomically(self.out / "similarity.json", similarity.render_json(report))
        write_atomically(self.out / "similarity.html", similarity.render_html(report))
        return report.similar_to()

    def interrupted(
        self, todo: Sequence[tuple[str, Path]], rows: Mapping[str, Row], after: str = ""
    ) -> Interrupted:
        """The stop of a batch that had ``todo`` to grade, saying how many of them ``rows`` saved."""
        saved = sum(1 for row in rows.values() if row.saved and not row.reused)
        return Interrupted(
            f"interrupted: {saved} of {counted(len(todo), 'submission')} graded and saved in {self.out} "
            f"(leaderboard.html lists them); run the same command with --resume to grade the "
            f"other {len(todo) - saved}{after}"
        )

    def _grade_all(
        self, todo: list[tuple[str, Path]], rows: dict[str, Row], jobs: int, on_row: OnRow | None
    ) -> None:
        if self.queue is not None:  # the queue's workers grade; this process only keeps results
            from grader.queue.batch import grade_on_queue

            grade_on_queue(self, self.queue, todo, rows, on_row)
            return
        assert self.backend is not None
        pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="batch")
        pending: set[Future[Row]] = {pool.submit(self.grade_one, name, path) for name, path in todo}
        done = 0
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    row = future.result()
                    rows[row.name] = row
                    done += 1
                    if on_row:
                        on_row(row, done, len(todo))
        except KeyboardInterrupt:
            # Kill the running sandboxes now (never wait for a time limit); what they were
            # grading is saved nowhere and waits for --resume, with the rest.
            self.backend.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    row = future.result()
                    if row.saved:  # finished just before the stop: a real grading
                        rows[row.name] = row
            raise self.interrupted(todo, rows) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
