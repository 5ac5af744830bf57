"""The files a person sent, in their data export; erasure keeps the files, not the link to them."""

from __future__ import annotations

from core.database import db
from core.hookspecs import hookimpl

from .models import Attachment


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(db.select(Attachment).where(Attachment.uploader_id == user.id))
    files = [
        {"file": a.original_name, "kind": a.kind, "on": f"{a.content_type}/{a.content_id}",
         "created_at": a.created_at.isoformat()}
        for a in rows
    ]
    return {"attachments": files} if files else None


@hookimpl
def erase_user_data(user):
    # The files stay with the public content they illustrate; the link to the person goes.
    db.session.execute(
        db.update(Attachment).where(Attachment.uploader_id == user.id).values(uploader_id=None)
    )
