"""A person's supports in their data export, and what erasure does to them."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import Support


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Support).where(Support.user_id == user.id).order_by(Support.id))
    supports = [
        {"content": f"{s.content_type}/{s.content_id}", "at": s.created_at.isoformat()} for s in rows
    ]
    return {"supports": supports} if supports else None


@hookimpl
def erase_user_data(user):
    # The supports still count (the figures published stay true); the link to the person goes.
    db.session.execute(db.update(Support).where(Support.user_id == user.id).values(user_id=None))
