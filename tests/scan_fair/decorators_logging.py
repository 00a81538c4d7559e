"""Helpers written with functools, logging and typing: retries, caching, timing."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")

db = SQLAlchemy()
logger = logging.getLogger(__name__)


def retried(times: int = 3) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError:
                    logger.warning("%s failed (attempt %d)", func.__qualname__, attempt)
                    db.session.rollback()
                    if attempt == times:
                        raise
                    time.sleep(0.01 * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate


def timed(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            logger.debug(
                "%s took %.3f s", getattr(func, "__name__", repr(func)), time.perf_counter() - started
            )

    return wrapper


@functools.lru_cache(maxsize=128)
def normalised(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local}@{domain.lower()}"


def session_of(obj: object) -> Session | None:
    from sqlalchemy.orm import object_session

    return object_session(obj)


insert_many = functools.partial(db.session.execute)
