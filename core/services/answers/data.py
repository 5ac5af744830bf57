"""The answers a person wrote for the city, in their data export (the answers stay public)."""

from __future__ import annotations

from sqlalchemy import select

from core.database import db
from core.hookspecs import hookimpl

from .models import Answer


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Answer).where(Answer.author_id == user.id).order_by(Answer.id))
    answers = [
        {"content": f"{a.content_type}/{a.content_id}", "state": a.state, "text": a.body,
         "status": a.status, "created_at": a.created_at.isoformat()}
        for a in rows
    ]
    return {"official_answers_written": answers} if answers else None
