"""The floor: a bare Flask app rendering one Jinja template, served like Civique.

No database, no session, no extension: whatever Civique's pages cost beyond this is Civique's.
``gunicorn "bench.floor:create_app()"``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

ITEMS = [{"id": n, "title": f"Item {n}", "count": n * 7} for n in range(1, 21)]


def create_app() -> Flask:
    """A one-page app: a list of twenty items in a small layout."""
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "floor_templates"))

    @app.get("/")
    def index():
        return render_template("floor.html", title="Floor", items=ITEMS)

    return app
