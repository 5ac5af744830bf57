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
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import Integer, String, Text, text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow
from .events import after_commit
from .heartbeat import stop_asked, taken_back, worker_name

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# A message being sent by a process without a heartbeat (a web request) and not recorded as
# sent within this delay was cut short: it is sent again.
CLAIM_LAPSE = timedelta(minutes=5)
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
    # pending -> sending (claimed by one sender) -> handing (being handed to the mail server,
    # committed first) -> sent; or back to pending (a retry), or failed after MAX_ATTEMPTS. A
    # sender that died while handing a mail leaves it unsure: the server may have accepted it,
    # so it is not sent again by itself (an admin may, from the administration's mail page).
    # While sending or handing, ``next_attempt_at`` is when the claim lapses.
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The worker sending it (core.heartbeat); None when a web request sends it.
    claimed_by: Mapped[str | None] = mapped_column(String(200))


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


class DeliveryUnknown(Exception):
    """The connection broke (or timed out) after the mail itself began to go: whether the
    server accepted it cannot be known."""


class _NotesData:
    """smtplib's client, noting when the message itself begins to go (the DATA command)."""

    data_began = False

    def data(self, msg):
        self.data_began = True
        return super().data(msg)


class _SMTP(_NotesData, smtplib.SMTP):
    pass


class _SMTPSSL(_NotesData, smtplib.SMTP_SSL):
    pass


class SMTPSession:
    """One connection to the mail server, opened when first needed and kept for a batch (a
    worker's round sends its mails over one connection, not one connection each)."""

    def __init__(self) -> None:
        self._smtp: _SMTP | _SMTPSSL | None = None

    def send(self, email: EmailMessage) -> None:
        """Hand ``email`` over; raises smtplib's errors when the server refused it or the
        connection failed before the mail began to go, :class:`DeliveryUnknown` after."""
        if self._smtp is None:
            self._smtp = _connect()
        self._smtp.data_began = False
        try:
            self._smtp.send_message(email)
        except smtplib.SMTPResponseException:
            self.close()  # the server answered (a refusal): a session that failed is not reused
            raise
        except (smtplib.SMTPException, OSError) as exc:
            began = self._smtp.data_began
            self.close()
            if began:
                raise DeliveryUnknown(f"{type(exc).__name__}: {exc}") from exc
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _connect() -> _SMTP | _SMTPSSL:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = _SMTPSSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = _SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except (smtplib.SMTPException, OSError):
        smtp.close()
        raise
    return smtp


def _transport(email: EmailMessage, delivered, session: SMTPSession | None = None) -> None:
    """Hand ``email`` to the mail server (over ``session``, or a connection of its own);
    ``delivered()`` is called as soon as the server has accepted it, to record it at once."""
    if current_app.config["MAIL_BACKEND"] == "console":
        log.warning("Mail (console backend, not sent; also on /dev/mail in development):\n%s",
                    readable(email))
        delivered()
        return
    own = session is None
    session = session or SMTPSession()
    try:
        session.send(email)
        delivered()
    finally:
        if own:
            session.close()


def claim(message_id: int) -> OutboxMessage | None:
    """Take a due pending message for this sender (one atomic ``UPDATE``, committed); ``None``
    when another sender took it first. Every delivery claims first, so a message handed to two
    senders at once (the request that queued it and a worker) is sent by one."""
    now = utcnow()
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + CLAIM_LAPSE, claimed_by=worker_name())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    return message


def deliver(message: OutboxMessage, session: SMTPSession | None = None) -> bool:
    """Send a message this sender claimed (:func:`claim`), and record how it went (committed).

    The message is marked ``handing`` (committed) before it goes to the mail server, and
    ``sent`` the moment the server accepted it. A sender killed in between leaves it
    ``handing``: whether the server had accepted it cannot be known, so it becomes ``unsure``
    (:func:`recover_interrupted`) and is never sent twice by itself; a message still
    ``sending`` had not left and is simply sent again. A connection broken while the mail was
    going makes it ``unsure`` at once; a refusal, or a connection broken before, is retried
    later. A sender whose claim was taken back meanwhile (taken for dead) leaves the message
    to the sender that took it.
    """
    def delivered() -> None:
        _record_sent(message_id)

    try:
        email = build_email(message)
    except Exception as exc:  # a message that cannot be built never will be: not retried
        message.status = "failed"
        message.claimed_by = None
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        log.exception("Mail %s cannot be built; given up", message.id)
        db.session.commit()
        return False
    message_id, attempts, claimer = message.id, message.attempts, worker_name()
    if not _settle(message_id, claimer, "sending", status="handing"):
        log.warning("Mail %s was taken back from this sender; left to the one that took it",
                    message_id)
        return False
    try:
        _transport(email, delivered, session)
    except DeliveryUnknown as exc:
        _settle(message_id, claimer, "handing", status="unsure", claimed_by=None,
                last_error=f"The connection broke while the mail was going: {exc}"[:2000])
        log.warning("Mail %s may or may not have been sent (%s); not sent again by itself",
                    message_id, exc)
        return False
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if attempts >= MAX_ATTEMPTS:
            _settle(message_id, claimer, "handing", status="failed", claimed_by=None,
                    last_error=error)
            log.error("Giving up mail %s to %s: %s", message_id, message.to_address, exc)
        else:
            delay = BACKOFF_MINUTES[min(attempts - 1, len(BACKOFF_MINUTES) - 1)]
            _settle(message_id, claimer, "handing", status="pending", claimed_by=None,
                    last_error=error, next_attempt_at=utcnow() + timedelta(minutes=delay))
            log.warning("Mail %s not sent (attempt %s): %s", message_id, attempts, exc)
        return False
    return True


def _settle(message_id: int, claimer: str | None, state: str, **values) -> bool:
    """Move a message this sender holds (``state``, claimed by ``claimer``) on, committed;
    ``False`` when it no longer holds it (its claim was taken back). The move to ``handing``,
    made before the server sees the mail, waits for the disk: losing it would send the mail
    twice."""
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == state,
               OutboxMessage.claimed_by.is_not_distinct_from(claimer))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


# Recording that a mail was sent is retried this many times, half a second apart (a minute),
# while the database does not answer (restarting): giving up leaves the mail ``handing``, to be
# found ``unsure`` though it was sent.
RECORD_ATTEMPTS = 120


def _record_sent(message_id: int) -> None:
    """Mark a message sent, at once. On PostgreSQL the commit does not wait for the disk: a
    crash of PostgreSQL itself (not a restart) could lose this mark, and the mail, back to its
    ``handing`` mark (which waited for the disk), would be found ``unsure``, never sent again."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            db.session.execute(
                db.update(OutboxMessage).where(OutboxMessage.id == message_id)
                .values(status="sent", sent_at=utcnow(), last_error=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            return
        except (OperationalError, InterfaceError, DisconnectionError):
            db.session.rollback()
            if attempt == RECORD_ATTEMPTS:
                raise
            log.warning("Mail %s sent but not yet recorded (database unavailable); retrying",
                        message_id)
            time.sleep(0.5)


def recover_interrupted() -> int:
    """Settle the messages of a sender that died (see :func:`core.heartbeat.taken_back`): those
    it had claimed but not begun to send go back to the queue; the one it was handing to the
    mail server becomes ``unsure`` (logged), never sent a second time by itself. Returns how
    many were settled."""
    now = utcnow()
    abandoned = taken_back(OutboxMessage.claimed_by, OutboxMessage.next_attempt_at <= now)
    unsure = db.session.scalars(
        db.update(OutboxMessage)
        .where(OutboxMessage.status == "handing", abandoned)
        .values(status="unsure", claimed_by=None,
                last_error="Its sender stopped while handing it to the mail server.")
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    requeued = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", abandoned)
        .values(status="pending", claimed_by=None, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    for message_id in unsure:
        log.warning("Mail %s may or may not have been sent (its sender stopped while handing it "
                    "to the mail server); not sent again by itself", message_id)
    return len(unsure) + requeued.rowcount


def send_again(message: OutboxMessage) -> None:
    """Queue an ``unsure`` or ``failed`` message once more, due now, with a fresh count of
    attempts (the caller commits; an admin's decision, from the administration)."""
    if message.status not in {"unsure", "failed"}:
        raise ValueError(f"mail {message.id} is {message.status}, not unsure or failed")
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = None
    message.claimed_by = None


# Messages a worker claims at once (one commit for all): a worker killed holds these until its
# heartbeat lapses, then another sends them.
CLAIM_BATCH = 20


def claim_due(limit: int = CLAIM_BATCH) -> list[OutboxMessage]:
    """Claim up to ``limit`` due pending messages for this sender, in one committed ``UPDATE``
    (on PostgreSQL the rows other senders are claiming are skipped, not waited for)."""
    now = utcnow()
    due = (db.select(OutboxMessage.id)
           .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
           .order_by(OutboxMessage.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(
        db.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), OutboxMessage.status == "pending")
        .values(status="sending", attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + CLAIM_LAPSE, claimed_by=worker_name())
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    if not ids:
        return []
    return list(db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ))


def deliver_due(limit: int = 100) -> int:
    """Send the messages whose next attempt is due, claimed a few at a time then each recorded
    at once (a sender killed mid-batch loses nothing and repeats nothing it recorded), over one
    connection to the mail server; returns how many were sent. Several workers share the work."""
    recover_interrupted()
    sent = 0
    session = SMTPSession()
    try:
        while limit > 0 and not stop_asked():
            claimed = claim_due(min(CLAIM_BATCH, limit))
            if not claimed:
                break
            limit -= len(claimed)
            for message in claimed:
                if stop_asked():  # asked to stop: the mails not begun go back to the queue
                    release_claims()
                    break
                sent += deliver(message, session)
    finally:
        session.close()
    return sent


def release_claims() -> int:
    """Give back the mails this worker claimed and has not begun to send (it is stopping);
    returns how many."""
    name = worker_name()
    if name is None:
        return 0
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_by == name)
        .values(status="pending", claimed_by=None, next_attempt_at=utcnow(),
                attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def send_soon(message: OutboxMessage) -> None:
    """After-commit work of :func:`send_mail`: send one mail of this request now, if it is among
    the request's first ``MAIL_IMMEDIATE_LIMIT``; the others wait, due now, for the worker."""
    sent = g.get("_civique_mail_sent_now", 0)
    if sent >= max(int(current_app.config["MAIL_IMMEDIATE_LIMIT"]), 0):
        return
    g._civique_mail_sent_now = sent + 1
    claimed = claim(message.id)
    if claimed is not None:
        deliver(claimed)
