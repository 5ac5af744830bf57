"""A person's notifications in their data export; erasure deletes them."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import Notification


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    items = [
        {"message": n.message, "url": n.url, "created_at": n.created_at.isoformat(),
         "read": n.read_at is not None}
        for n in rows
    ]
    return {"notifications": items} if items else None


@hookimpl
def erase_user_data(user):
    db.session.execute(db.delete(Notification).where(Notification.user_id == user.id))
