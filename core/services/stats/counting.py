"""Counting for the statistics: rows per month over the last months, in one query."""

from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import format_date
from sqlalchemy import func

from core.database import db, utcnow


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
