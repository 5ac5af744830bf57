"""Public statistics: every enabled plugin's figures on one page, ``/stats``.

A plugin contributes :class:`core.declarations.Statistic` objects through the
``public_statistics`` hook; a figure with a ``series`` is drawn as a bar chart (SVG, no
JavaScript) followed by the same numbers in a table. :func:`count_by_month` helps build series.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, render_template
from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import func

from .accounts.models import User
from .database import db, utcnow
from .declarations import Statistic
from .hookspecs import hookimpl
from .pagecache import visitor_cache
from .plugins import collect

bp = Blueprint("stats", __name__, url_prefix="/stats")


def month_starts(months: int, now: datetime | None = None) -> list[datetime]:
    """The first instant (UTC) of each of the last ``months`` months, oldest first."""
    now = now or utcnow()
    year, month = now.year, now.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=timezone.utc))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _month_key(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def count_by_month(column, *conditions, months: int = 12) -> tuple[tuple[str, int], ...]:
    """Count rows per month over the last ``months`` months, in one query.

    ``column`` is a timestamp column (``Model.created_at``); ``conditions`` filter the rows.
    Returns ``(month label, count)`` pairs, oldest first, with empty months at zero; labels are
    formatted for the current locale ("nov. 2026").
    """
    starts = month_starts(months)
    key = _month_key(column)
    query = (
        db.select(key, func.count())
        .where(column >= starts[0], *conditions)
        .group_by(key)
    )
    counts = {row[0]: row[1] for row in db.session.execute(query)}
    return tuple(
        (format_date(start, "MMM yyyy"), int(counts.get(start.strftime("%Y-%m"), 0)))
        for start in starts
    )


@bp.get("/")
@visitor_cache
def index():
    statistics = collect("public_statistics")
    return render_template("stats/index.html", statistics=statistics)


@hookimpl
def public_statistics():
    active = User.deleted_at.is_(None), User.email_confirmed_at.is_not(None)
    total = db.session.scalar(db.select(func.count()).select_from(User).where(*active)) or 0
    return [
        Statistic(
            key="accounts",
            label=_l("Registered participants"),
            value=total,
            series=count_by_month(User.created_at, *active),
        )
    ]


def chart_geometry(series, height: int = 160, bar_gap: int = 6):
    """Bars for an SVG chart: ``(x, y, width, bar height, label, value)`` in viewBox units."""
    values = [value for _, value in series]
    top = max(values) if values and max(values) > 0 else 1
    count = max(len(series), 1)
    width = 600 / count
    bars = []
    for index, (label, value) in enumerate(series):
        bar_height = round(height * (value / top), 1)
        bars.append((round(index * width + bar_gap / 2, 1), round(height - bar_height, 1),
                     round(width - bar_gap, 1), bar_height, label, value))
    return bars


def _register_chart_helper(state):
    state.app.jinja_env.globals["chart_geometry"] = chart_geometry


bp.record_once(_register_chart_helper)
