"""A person's follows in their data export; erasure removes them."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import Follow


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    follows = [
        {"content": f"{f.content_type}/{f.content_id}", "since": f.created_at.isoformat()}
        for f in rows
    ]
    return {"follows": follows} if follows else None


@hookimpl
def erase_user_data(user):
    db.session.execute(db.delete(Follow).where(Follow.user_id == user.id))
