"""The service's tables (SQLAlchemy 2.0 typed mappings, used through Flask-SQLAlchemy's ``db``).

Schema changes go through Alembic revisions in ``migrations/versions``; ``grader serve``
upgrades on start.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored without zone (as UTC) and read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

ROLES = ("admin", "reviewer")
CANDIDATE_VIEWS = ("nothing", "public", "rubric")  # what a candidate sees of a grading
DECISIONS = ("undecided", "advance", "reject")
STATUSES = ("queued", "running", "graded", "error")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="reviewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def shown(self) -> str:
        return self.name or self.email


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters, to recognise it
    # What its API answers show of a result: "candidate" (no hidden test's text: a CI token may sit
    # in a candidate's own pipeline, whose logs the candidate reads) or "reviewer".
    audience: Mapped[str] = mapped_column(String(16), default="candidate", server_default="candidate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(120), default="")  # a built-in's or file's name
    time_limit: Mapped[int] = mapped_column(Integer, default=120)  # minutes
    weights: Mapped[dict[str, float]] = mapped_column(JSON)  # challenge id -> weight, in order
    candidate_view: Mapped[str] = mapped_column(String(16), default="public")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def hides_names(self) -> bool:
        return self.anonymous and self.revealed_at is None

    def info(self) -> dict[str, Any]:
        """What a grading's results record of the assessment."""
        return {
            "name": self.name or f"assessment-{self.id}",
            "title": self.title,
            "time_limit": self.time_limit,
        }


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    candidate_name: Mapped[str] = mapped_column(String(200))
    candidate_email: Mapped[str] = mapped_column(String(254), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uploads: Mapped[int] = mapped_column(Integer, default=1)
    uploads: Mapped[int] = mapped_column(Integer, default=0)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    assessment: Mapped[Assessment] = relationship()

    def alias(self) -> str:
        return f"Candidate {self.id:03d}"


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    source: Mapped[str] = mapped_column(String(16))  # candidate | api
    label: Mapped[str] = mapped_column(String(200))  # who or what it is, as handed in
    filename: Mapped[str] = mapped_column(String(255))
    archive_digest: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the archive
    weights: Mapped[dict[str, float]] = mapped_column(JSON)  # the challenge set it is graded on
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    dispatched_by: Mapped[str] = mapped_column(String(120), default="")  # the queue owner holding it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(16), default="undecided")
    # The latest grading (no foreign key: gradings point back here, and one direction is enough).
    grading_id: Mapped[int | None] = mapped_column(Integer)
    # The score as reviewers see it: the latest grading's, with the overrides applied.
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float, index=True)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The large columns last, so that a database reading the others never pages through them.
    archive: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    solutions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, deferred=True)  # id -> solution.py
    # Each solution.py highlighted (code.highlight_lines), made once: id -> HTML lines.
    highlighted: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict, deferred=True)

    assessment: Mapped[Assessment | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    grading: Mapped[Grading | None] = relationship(
        primaryjoin="foreign(Submission.grading_id) == Grading.id", viewonly=True
    )


class Grading(Base):
    """One finished grading of a submission (reruns add more; the submission points at its latest)."""

    __tablename__ = "gradings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # passed | failed | error (the run's status)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    percent: Mapped[float] = mapped_column(Float)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    grader_version: Mapped[str] = mapped_column(String(40))
    pack_digest: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(40))
    isolation: Mapped[str] = mapped_column(String(40), default="")
    worker: Mapped[str] = mapped_column(String(120), default="")
    flags: Mapped[int] = mapped_column(Integer, default=0)
    reused_from_id: Mapped[int | None] = mapped_column(Integer)  # the same job graded before
    # Each challenge's test statuses in the result's order, one letter each (p f e t s): what
    # the cohort's item analysis reads without loading whole results.
    outcomes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)  # results v1, reviewer audience


class Override(Base):
    """A reviewer's score for one test (``test`` set) or a whole challenge, with the reason."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    challenge_id: Mapped[str] = mapped_column(String(80))
    test: Mapped[str] = mapped_column(String(200), default="")  # empty: the whole challenge
    original_score: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship()


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    """Who changed what, and when: overrides, decisions, reveals, users, tokens, reruns."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(254))  # the user's e-mail, a token's name, "cli"
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(120), default="")  # e.g. "submission 12"
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submission_id: Mapped[int | None] = mapped_column(Integer, index=True)


class SignInAttempt(Base):
    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class Lease(Base):
    """Which process owns the queue (one at a time, however many web processes there are)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SimilarityCache(Base):
    """One challenge's similarity across one assessment's submissions, as last computed
    (``grader.service.similarity``): for reviewers only, and never part of a score.

    ``inputs`` is the digest of what it was computed from (the submissions compared, the
    pack, the method's settings): a row whose digest is not the current one is stale."""

    __tablename__ = "similarity_cache"
    __table_args__ = (UniqueConstraint("assessment_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint's index (assessment first) serves lookups by assessment.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    challenge_id: Mapped[str] = mapped_column(String(80))
    inputs: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)  # the comparison's CPU seconds
    # {"summary": {...}, "pairs": [...], "references": [...]}, submissions named by id.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
