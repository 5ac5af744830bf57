"""A person's memberships in their data export; erasure removes them from the bodies."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import BodyMember


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(BodyMember).where(BodyMember.user_id == user.id).order_by(BodyMember.id))
    memberships = [
        {"body": m.body.name, "name": m.name, "kind": m.kind, "role": m.role,
         "since": m.since.isoformat() if m.since else None,
         "until": m.until.isoformat() if m.until else None}
        for m in rows
    ]
    return {"body_memberships": memberships} if memberships else None


@hookimpl
def erase_user_data(user):
    """A member's name is personal data: their memberships are removed from the bodies."""
    db.session.execute(
        db.delete(BodyMember).where(BodyMember.user_id == user.id).execution_options(synchronize_session=False)
    )
