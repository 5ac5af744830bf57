"""The daily digest: one mail a day with the notifications of those who chose it."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.database import db, utcnow
from core.mail import send_mail

from .models import Notification
from .rules import absolute_url


def send_digests(now: datetime | None = None) -> int:
    """Send one mail per person with their notifications waiting for the digest.

    Returns how many digests were queued. Run daily by the ``notifications.digest`` job; each
    notification goes in exactly one digest (its status changes in the same transaction).
    """
    from core.accounts.models import User

    now = now or utcnow()
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.email_status == "pending", Notification.created_at <= now)
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    for user_id, notifications in by_user.items():
        user = db.session.get(User, user_id)
        for notification in notifications:
            notification.email_status = "sent"
        if user is None or user.deleted_at is not None or not user.email:
            continue
        locale = user.locale or default_locale
        with force_locale(locale):
            subject = _("Your daily digest (%(count)s)", count=len(notifications))
        send_mail(
            user.email,
            subject,
            "notifications/mail/digest",
            locale=locale,
            user=user,
            notifications=[(n.message, absolute_url(n.url)) for n in notifications],
            preferences_link=absolute_url(url_for("accounts.account")),
        )
        sent += 1
    db.session.commit()
    return sent
