"""The core's own figure: the participants registered, month by month."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from core.accounts.models import User
from core.database import db
from core.declarations import Statistic
from core.hookspecs import hookimpl

from .counting import count_by_month


@hookimpl
def public_statistics():
    active = User.deleted_at.is_(None), User.email_confirmed_at.is_not(None)
    total = db.session.scalar(db.select(func.count()).select_from(User).where(*active)) or 0
    return [
        Statistic(
            key="accounts",
            label=_l("Registered participants"),
            value=total,
            series=count_by_month(User.created_at, *active),
        )
    ]
