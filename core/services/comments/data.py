"""A person's comments in their data export (erasure leaves them, from a deleted participant)."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import Comment


@hookimpl
def export_user_data(user):
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    )
    rows = [
        {
            "id": c.id,
            "on": f"{c.content_type}/{c.content_id}",
            "in_reply_to": c.reply_to_id,
            "text": c.body,
            "position": c.stance,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "hidden_by_moderation": c.is_hidden,
        }
        for c in comments
    ]
    return {"comments": rows} if rows else None


@hookimpl
def erase_user_data(user):
    """Nothing to erase: comments belong to public discussions and stay, shown as from a
    deleted participant once the core has anonymised the account (``User.public_name``)."""
