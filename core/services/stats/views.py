"""The public statistics page, ``/stats/``."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.pagecache import visitor_cache
from core.plugins import collect

bp = Blueprint("stats", __name__, url_prefix="/stats", template_folder="templates")


@bp.get("/")
@visitor_cache
def index():
    statistics = collect("public_statistics")
    return render_template("stats/index.html", statistics=statistics)
