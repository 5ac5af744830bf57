"""The moderators' queue: pending reports grouped by target, the target reported first coming first."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from core.content import types_using
from core.database import db

from .models import COMMENT, REASONS, Report
from .targets import Target, load_targets

QUEUE_PER_PAGE = 20


@dataclass
class QueueEntry:
    """A target and its pending reports."""

    target: Target
    reports: list[Report] = field(default_factory=list)

    @property
    def first_reported_at(self) -> datetime:
        return self.reports[0].created_at

    @property
    def reasons(self) -> list[tuple[Any, int]]:
        counts = Counter(r.reason for r in self.reports)
        return [(label, counts[value]) for value, label in REASONS if counts[value]]


@dataclass
class QueuePage:
    """One page of the queue (the attributes the ``pagination`` macro reads)."""

    entries: list[QueueEntry]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def queue(page: int = 1, per_page: int = QUEUE_PER_PAGE) -> QueuePage:
    """Pending reports grouped by target, the target reported first coming first."""
    moderated = [t.name for t in types_using("moderation")] + [COMMENT]
    first = func.min(Report.created_at)
    groups = (
        select(Report.target_type, Report.target_id)
        .where(Report.status == "pending", Report.target_type.in_(moderated))
        .group_by(Report.target_type, Report.target_id)
    )
    total = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    keys = [
        (t, i) for t, i in db.session.execute(
            groups.order_by(first, Report.target_type, Report.target_id)
            .limit(per_page).offset((page - 1) * per_page)
        )
    ]
    entries: list[QueueEntry] = []
    if keys:
        targets = load_targets(keys)
        reports = db.session.scalars(
            select(Report)
            .where(Report.status == "pending",
                   or_(*[and_(Report.target_type == t, Report.target_id == i) for t, i in keys]))
            .order_by(Report.created_at, Report.id)
        )
        by_key = {key: QueueEntry(targets[key]) for key in keys if key in targets}
        for entry in reports:
            group = by_key.get((entry.target_type, entry.target_id))
            if group is not None:
                group.reports.append(entry)
        entries = [by_key[key] for key in keys if key in by_key]
    return QueuePage(entries=entries, page=page, pages=pages, total=total)
