"""The grader's own errors: one base class, each error knowing its exit code.

A candidate's failure is never one of these: it is data (a status in the
results). These are for the grader's inputs and machinery::

    GraderError                 exit 2 unless said otherwise
    ├── UsageError              bad command-line input (path, challenge id, option)
    ├── ChallengeFormatError    a challenge folder is malformed (names file and problem)
    ├── SubmissionError         a submission cannot be read as a submission
    └── BackendError            exit 3: the sandbox could not run (grading itself failed)

The CLI catches ``GraderError`` only and prints its message on one line.
"""

from __future__ import annotations

from typing import ClassVar


class GraderError(Exception):
    """Base of every error the grader raises on purpose."""

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(GraderError):
    """The command line asked for something that does not exist or does not fit."""


class ChallengeFormatError(GraderError):
    """A challenge folder breaks the format; the message names the file and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class SubmissionError(GraderError):
    """The submission path is not a readable submission."""


class BackendError(GraderError):
    """The sandbox backend could not run the grading at all."""

    exit_code: ClassVar[int] = 3
