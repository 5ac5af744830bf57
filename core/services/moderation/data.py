"""A person's reports in their data export; erasure keeps the reports but not what they wrote."""

from __future__ import annotations

from sqlalchemy import select, update

from core.database import db
from core.hookspecs import hookimpl

from .models import Report


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    reports = [
        {
            "on": f"{r.target_type}/{r.target_id}",
            "reason": r.reason,
            "details": r.details,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]
    return {"reports": reports} if reports else None


@hookimpl
def erase_user_data(user):
    # The reports stay (they count in the moderators' decisions); what the person wrote goes.
    db.session.execute(
        update(Report).where(Report.reporter_id == user.id).values(details="")
        .execution_options(synchronize_session=False)
    )
