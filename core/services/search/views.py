"""The search page, ``/search/``: every enabled plugin's public content."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from core.pagecache import kept_for_readers
from core.taxonomy import category_choices, neighbourhood_choices
from core.web import whole_number

from .querying import search, visible_results
from .sources import kinds

bp = Blueprint("search", __name__, url_prefix="/search", template_folder="templates")


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name))


@bp.get("/")
@kept_for_readers
def index():
    terms = request.args.get("q", "")[:200]
    type_name = request.args.get("type") or None
    types = kinds()
    if type_name and type_name not in {t.name for t in types}:
        type_name = None
    page = search(
        terms,
        type_name=type_name,
        neighbourhood_id=_int_arg("neighbourhood"),
        category_id=_int_arg("category"),
        page=_int_arg("page") or 1,
    )
    return render_template(
        "search/index.html",
        terms=terms,
        page=page,
        results=visible_results(page.items),
        types=types,
        type_name=type_name,
        neighbourhoods=neighbourhood_choices(_("All neighbourhoods")),
        categories=category_choices(_("All categories")),
        neighbourhood=request.args.get("neighbourhood", ""),
        category=request.args.get("category", ""),
    )
