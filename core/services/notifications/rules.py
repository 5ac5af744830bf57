"""Telling people what happened: to chosen recipients, or to everyone following an item."""

from __future__ import annotations

from typing import Callable, Iterable

from flask import current_app, g, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import func, select

from core.database import db
from core.mail import send_mail

from .models import Notification

# Recipients per fan-out job.
FAN_OUT_BATCH = 500


def _recipients(user_ids: Iterable[int], actor_id: int | None):
    from core.accounts.models import User

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
        from core.jobs import enqueue

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
    preferences_link = absolute_url(url_for("accounts.account"))
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
                f"{current_app.config['SITE_NAME']}: {short(text)}",
                "notifications/mail/notification",
                locale=locale,
                user=user,
                message=text,
                link=absolute_url(url),
                preferences_link=preferences_link,
            )
    return created


def fan_out(*, user_ids: list[int], about: dict) -> int:
    """The ``notifications.fan_out`` job: notify one batch of a large audience."""
    return len(_create(_recipients(user_ids, None), **about))


def notify_followers(item, kind: str, message: Callable[[], str], *, actor=None,
                     also=()) -> list[Notification]:
    """Notify everyone following ``item`` (and the accounts in ``also``), except ``actor``.

    Beyond ``NOTIFY_IMMEDIATE_LIMIT`` followers, the request queues one job
    (``notifications.followers``) that reads them and queues their notifications in batches,
    in the worker: a comment on an idea followed by a hundred thousand people writes one row.
    """
    from core.services.follows import follower_count, follower_ids

    also_ids = {getattr(u, "id", u) for u in also}
    if follower_count(item) + len(also_ids) <= current_app.config["NOTIFY_IMMEDIATE_LIMIT"]:
        return notify(set(follower_ids(item)) | also_ids, kind, message, item=item, actor=actor)
    from core.jobs import enqueue

    actor_id = getattr(actor, "id", actor)
    enqueue("notifications.followers", content_type=item.content_type_name, content_id=item.id,
            actor_id=actor_id, also=sorted(also_ids - {None}),
            about={"kind": kind, "texts": _texts(message), "url": item.url,
                   "content_type": item.content_type_name, "content_id": item.id})
    return []


def fan_out_followers(*, content_type: str, content_id: int, actor_id: int | None, also: list[int],
                      about: dict) -> int:
    """The ``notifications.followers`` job: queue the notifications of an item's followers (as
    they are when it runs) in batches of ``FAN_OUT_BATCH``; returns how many people."""
    from core.jobs import enqueue
    from core.services.follows import follower_ids_of

    ids = sorted((set(follower_ids_of(content_type, content_id)) | set(also)) - {None, actor_id})
    for start in range(0, len(ids), FAN_OUT_BATCH):
        enqueue("notifications.fan_out", user_ids=ids[start:start + FAN_OUT_BATCH], about=about)
    return len(ids)


def short(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def absolute_url(path: str | None) -> str | None:
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


def unread_notifications() -> int:
    """The signed-in person's unread count, for the header (counted once per request)."""
    if "_civique_unread" not in g:
        g._civique_unread = unread_count(current_user)
    return g._civique_unread
