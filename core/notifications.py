"""Core service: notifications.

Services and plugins tell people what happened with :func:`notify` (chosen recipients) or
:func:`notify_followers` (everyone following a piece of content). Each notification is kept in
the database, shown on the person's notifications page with an unread counter in the header,
and sent by e-mail according to the person's preference:

- ``each``: one mail per notification, through the durable mail outbox;
- ``daily``: one digest a day with everything new (the ``notifications.digest`` job);
- ``none``: no mail, the notifications page only.

Messages are rendered once per language, and each recipient gets theirs. A failing mail server
never loses a notification nor breaks the request: the mail waits in the outbox. Beyond
``NOTIFY_IMMEDIATE_LIMIT`` recipients (a popular idea's thousands of followers), the
notifications are created by background jobs (``notifications.fan_out``, ``FAN_OUT_BATCH``
recipients each) queued in the caller's transaction, so the request stays short and nothing is
lost if it ends early.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Iterable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow
from .hookspecs import hookimpl
from .mail import send_mail
from .permissions import login_required
from .web import safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

FREQUENCIES = ("each", "daily", "none")
# Recipients per fan-out job.
FAN_OUT_BATCH = 500
FREQUENCY_LABELS = {
    "each": _l("For each notification"),
    "daily": _l("A daily digest"),
    "none": _l("No e-mail"),
}


class Notification(db.Model):
    """Something that happened, told to one person (``message`` is in their language)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(80))
    content_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "pending" (waits for the daily digest), "sent" (a mail is in the outbox), "none".
    email_status: Mapped[str] = mapped_column(String(10), default="none", index=True)


def _recipients(user_ids: Iterable[int], actor_id: int | None):
    from .accounts.models import User

    ids = {uid for uid in user_ids if uid is not None and uid != actor_id}
    if not ids:
        return []
    return db.session.scalars(
        select(User).where(User.id.in_(ids), User.deleted_at.is_(None)).order_by(User.id)
    ).all()


def notify(users, kind: str, message: Callable[[], str], *, url: str | None = None,
           item=None, actor=None) -> list[Notification]:
    """Notify ``users`` (accounts or ids) that something of ``kind`` happened.

    ``message()`` is called once per language with that language active and must return the
    sentence to show (use ``gettext``); each recipient gets it in theirs. ``url`` is where to
    read more (default: the item's page). ``actor`` (who caused it) is not notified. The caller
    commits; mail goes through the outbox, so nothing is lost if the mail server is down.

    Returns the notifications created. Beyond ``NOTIFY_IMMEDIATE_LIMIT`` recipients they are
    created by background jobs queued here instead, and the list is empty.
    """
    actor_id = getattr(actor, "id", actor)
    ids = sorted({getattr(u, "id", u) for u in users} - {None, actor_id})
    if not ids:
        return []
    if url is None and item is not None:
        url = item.url
    about = {"kind": kind, "texts": _texts(message), "url": url,
             "content_type": getattr(item, "content_type_name", None),
             "content_id": getattr(item, "id", None)}
    if len(ids) > current_app.config["NOTIFY_IMMEDIATE_LIMIT"]:
        from .jobs import enqueue

        for start in range(0, len(ids), FAN_OUT_BATCH):
            enqueue("notifications.fan_out", user_ids=ids[start:start + FAN_OUT_BATCH], about=about)
        return []
    return _create(_recipients(ids, actor_id), **about)


def _texts(message: Callable[[], str]) -> dict[str, str]:
    """``message()`` in each language of the site (and the default one)."""
    config = current_app.config
    texts = {}
    for locale in dict.fromkeys([*config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"]]):
        with force_locale(locale):
            texts[locale] = str(message())
    return texts


def _create(recipients, *, kind: str, texts: dict[str, str], url: str | None,
            content_type: str | None, content_id: int | None) -> list[Notification]:
    """The notifications of ``recipients`` (accounts) and the mails of those who want each."""
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    preferences_link = _absolute(url_for("accounts.account"))
    created = []
    for user in recipients:
        locale = user.locale if user.locale in texts else default_locale
        text = texts[locale]
        frequency = user.notification_frequency if user.is_confirmed else "none"
        notification = Notification(
            user_id=user.id,
            kind=kind,
            message=text,
            url=url,
            content_type=content_type,
            content_id=content_id,
            email_status={"each": "sent", "daily": "pending"}.get(frequency, "none"),
        )
        db.session.add(notification)
        created.append(notification)
        if frequency == "each":
            send_mail(
                user.email,
                f"{current_app.config['SITE_NAME']}: {_short(text)}",
                "notification",
                locale=locale,
                user=user,
                message=text,
                link=_absolute(url),
                preferences_link=preferences_link,
            )
    return created


def fan_out(*, user_ids: list[int], about: dict) -> int:
    """The ``notifications.fan_out`` job: notify one batch of a large audience."""
    return len(_create(_recipients(user_ids, None), **about))


def notify_followers(item, kind: str, message: Callable[[], str], *, actor=None,
                     also=()) -> list[Notification]:
    """Notify everyone following ``item`` (and the accounts in ``also``), except ``actor``."""
    from .follows import follower_ids

    ids = set(follower_ids(item)) | {getattr(u, "id", u) for u in also}
    return notify(ids, kind, message, item=item, actor=actor)


def _short(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _absolute(path: str | None) -> str | None:
    """A full address for a mail: the site's public URL (``PUBLIC_URL``) before ``path``."""
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    base = current_app.config.get("PUBLIC_URL") or ""
    if not base:
        try:
            base = url_for("pages.home", _external=True).rstrip("/")
        except RuntimeError:
            base = ""
    return base.rstrip("/") + path


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


# --- The daily digest ------------------------------------------------------------------------


def send_digests(now: datetime | None = None) -> int:
    """Send one mail per person with their notifications waiting for the digest.

    Returns how many digests were queued. Run daily by the ``notifications.digest`` job; each
    notification goes in exactly one digest (its status changes in the same transaction).
    """
    from .accounts.models import User

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
            subject = _("%(site)s: your daily digest (%(count)s)",
                        site=current_app.config["SITE_NAME"], count=len(notifications))
        send_mail(
            user.email,
            subject,
            "digest",
            locale=locale,
            user=user,
            notifications=[(n.message, _absolute(n.url)) for n in notifications],
            preferences_link=_absolute(url_for("accounts.account")),
        )
        sent += 1
    db.session.commit()
    return sent


@hookimpl
def register_jobs():
    return {
        "notifications.digest": lambda **payload: send_digests(),
        "notifications.fan_out": fan_out,
    }


@hookimpl
def scheduled_jobs():
    from .jobs import Schedule

    return [Schedule("notifications.digest", timedelta(days=1), "notifications.digest")]


# --- Pages -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The person's notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("notifications/index.html", page=page,
                           unread=unread_count(current_user))


@bp.get("/<int:id>")
@login_required
def open_notification(id: int):
    """Mark one notification read and go to what it is about."""
    notification = db.session.get(Notification, id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.index")))


@bp.post("/read")
@login_required
def mark_all_read():
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("All your notifications are marked as read."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@hookimpl
def template_variables():
    return {"unread_notifications": _LazyUnread()}


class _LazyUnread:
    """The unread count, queried only if a page shows it."""

    _count: int | None = None

    def __int__(self) -> int:
        if self._count is None:
            self._count = unread_count(current_user)
        return self._count

    def __str__(self) -> str:
        return str(int(self))

    def __bool__(self) -> bool:
        return int(self) > 0


# --- Personal data ----------------------------------------------------------------------------


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
