"""Accounts never confirmed are anonymised after ``UNCONFIRMED_ACCOUNT_DAYS`` (a daily job).

Nobody could take part with them (confirmation is required to comment, support or report), so
nothing is lost: the address and name of someone who typed a wrong e-mail do not stay forever.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..database import db, utcnow
from .models import User

JOB = "accounts.purge_unconfirmed"


def purge_unconfirmed() -> int:
    """Anonymise the accounts unconfirmed for too long; returns how many."""
    from .data import delete_account

    limit = utcnow() - timedelta(days=int(current_app.config["UNCONFIRMED_ACCOUNT_DAYS"]))
    stale = db.session.scalars(
        db.select(User).where(
            User.email_confirmed_at.is_(None), User.deleted_at.is_(None), User.created_at < limit
        )
    ).all()
    for user in stale:
        delete_account(user,
                       summary=_l("Account never confirmed, anonymised after the retention period"))
    return len(stale)
