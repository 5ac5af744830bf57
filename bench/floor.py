"""The floors: bare Flask apps served like Civique, what Civique's pages and writes are measured
against.

- ``create_app()``: one Jinja template rendered (a 20-item list), no database, no session, no
  extension: whatever Civique's pages cost beyond this is Civique's.
- ``create_write_app()``: a ``POST`` that inserts one row into PostgreSQL, deletes it and commits
  (SQLAlchemy's engine and pool, no ORM, no session, no form), then redirects like Civique's
  writes do: whatever a support, a comment or an answer costs beyond this is Civique's. Its
  database is ``BENCH_WRITE_FLOOR_URL`` (the bench's own, on the same PostgreSQL server).

``gunicorn "bench.floor:create_app()"``, ``gunicorn "bench.floor:create_write_app()"``.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, redirect, render_template

ITEMS = [{"id": n, "title": f"Item {n}", "count": n * 7} for n in range(1, 21)]
WRITE_TABLE = "bench_floor_row"


def create_app() -> Flask:
    """A one-page app: a list of twenty items in a small layout."""
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "floor_templates"))

    @app.get("/")
    def index():
        return render_template("floor.html", title="Floor", items=ITEMS)

    return app


def create_write_app() -> Flask:
    """A one-write app: ``POST /`` inserts a row, deletes it, commits and redirects."""
    from sqlalchemy import create_engine, text

    app = Flask(__name__)
    url = os.environ["BENCH_WRITE_FLOOR_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, pool_size=2, pool_pre_ping=True)
    insert = text(f"INSERT INTO {WRITE_TABLE} (user_id, created_at) VALUES (:user, now()) RETURNING id")
    delete = text(f"DELETE FROM {WRITE_TABLE} WHERE id = :id")

    @app.get("/")
    def ready():
        return "ready"

    @app.post("/")
    def write():
        with engine.begin() as connection:
            row_id = connection.execute(insert, {"user": 1}).scalar_one()
            connection.execute(delete, {"id": row_id})
        return redirect("/", 302)

    return app
