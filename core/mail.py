"""Outgoing mail through a durable outbox.

:func:`send_mail` renders a message in the recipient's language and adds it to the outbox in the
caller's transaction, so a mail exists exactly when the change that caused it was committed.
Delivery is tried once the request's transaction has committed (``MAIL_SEND_IMMEDIATELY``, through
the after-commit service) for the first ``MAIL_IMMEDIATE_LIMIT`` messages it queued (5 by
default), and by the worker
(``flask --app core worker``) for everything else, with retries and growing delays: a request that
notifies thousands of followers answers at once and their mails wait, safely, in the outbox. A
failing mail server never breaks a request nor loses a message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow
from .events import after_commit

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# Delay before attempt n+1 (minutes); the last value repeats.
BACKOFF_MINUTES = (1, 2, 5, 15, 30, 60, 120, 240)


class OutboxMessage(db.Model):
    """A mail waiting to be sent, sent, or given up after ``MAX_ATTEMPTS``."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


def send_mail(to: str, subject, template: str, *, locale: str | None = None, **context):
    """Queue a mail rendered from ``<template>.txt`` (and ``<template>.html`` when it exists).

    Mail templates are named ``<owner>/mail/<name>``: ``accounts/mail/confirm``,
    ``conciliator/mail/acknowledgement``... ``subject`` may be a lazy string: it is rendered in
    ``locale`` (the recipient's language; default: the site's). The caller commits; the first
    mails of a request are sent once it has committed (:func:`send_soon`), the others by the
    worker.
    """
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        # The city's name first, so that residents know at a glance who writes.
        subject_text = f"[{current_app.config['CITY_NAME']}] {subject}"
        body_text = render_template(f"{template}.txt", **context)
        try:
            body_html = render_template(f"{template}.html", **context)
        except Exception as exc:  # no HTML version of this mail
            if type(exc).__name__ != "TemplateNotFound":
                raise
            body_html = None
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or None
    message = OutboxMessage(
        to_address=to,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
        message_id=make_msgid(domain=domain),
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    if has_request_context() and not g.get("civique_background") \
            and current_app.config["MAIL_SEND_IMMEDIATELY"]:
        after_commit(send_soon, message)
    return message


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message for an outbox row."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def readable(email: EmailMessage) -> str:
    """The mail as a person reads it: its headers and its plain text decoded (links whole, not
    cut by the quoted-printable encoding of the wire)."""
    headers = "\n".join(f"{name}: {email[name]}" for name in ("From", "To", "Subject"))
    body = email.get_body(preferencelist=("plain",))
    return f"{headers}\n\n{body.get_content() if body is not None else ''}"


def _transport(email: EmailMessage) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        log.warning("Mail (console backend, not sent; also on /dev/mail in development):\n%s",
                    readable(email))
        return
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)


def deliver(message: OutboxMessage) -> bool:
    """Try to send one message now; record the outcome. The caller commits."""
    message.attempts += 1
    try:
        _transport(build_email(message))
    except (smtplib.SMTPException, OSError) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            log.error("Giving up mail %s to %s: %s", message.id, message.to_address, exc)
        else:
            delay = BACKOFF_MINUTES[min(message.attempts - 1, len(BACKOFF_MINUTES) - 1)]
            message.next_attempt_at = utcnow() + timedelta(minutes=delay)
            log.warning("Mail %s not sent (attempt %s): %s", message.id, message.attempts, exc)
        return False
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    return True


def deliver_due(limit: int = 100) -> int:
    """Send the messages whose next attempt is due; returns how many were sent.

    On PostgreSQL rows are locked with ``SKIP LOCKED`` so that several workers share the work.
    """
    query = (
        db.select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = 0
    for message in db.session.scalars(query).all():
        sent += deliver(message)
    db.session.commit()
    return sent


def send_soon(message: OutboxMessage) -> None:
    """After-commit work of :func:`send_mail`: send one mail of this request now, if it is among
    the request's first ``MAIL_IMMEDIATE_LIMIT``; the others wait, due now, for the worker."""
    sent = g.get("_civique_mail_sent_now", 0)
    if sent >= max(int(current_app.config["MAIL_IMMEDIATE_LIMIT"]), 0):
        return
    g._civique_mail_sent_now = sent + 1
    message = db.session.get(OutboxMessage, message.id)
    if message is not None and message.status == "pending":
        deliver(message)
        db.session.commit()
