"""An application factory, configuration from the environment, a CLI command, a data file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

__all__ = ["create_app", "db"]
__version__ = "1.0"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
HERE = Path(__file__).resolve().parent


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///:memory:")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}  # noqa: RUF012


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(overrides or {})
    for key in ("SECRET_KEY", "DEBUG"):
        if key in os.environ:
            app.config[key] = os.environ[key]
    db.init_app(app)

    @app.cli.command("seed")
    @click.argument("path", default=str(HERE / "seed.json"))
    def seed(path: str) -> None:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)
        click.echo(f"{len(rows)} rows", file=sys.stderr)

    return app


if __name__ == "__main__":
    create_app().run(debug=True)
