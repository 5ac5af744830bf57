"""Reporting, hiding once reported enough, moderators' decisions, and what pages show of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.database import db, utcnow
from core.pagecache import expire_visitor_pages
from core.services.audit import record
from core.services.notifications import notify

from .models import COMMENT, PERMISSION, REASONS, Decision, Report
from .targets import Target, target_of


class ReportRefused(ValueError):
    """A report cannot be made; ``message`` says why, for the person reporting."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def has_reported(user, target: Target) -> bool:
    return target.id in reported_ids(user, target.type, [target.id])


def reported_ids(user, target_type: str, ids) -> set[int]:
    """Which of ``ids`` (targets of one type) ``user`` has reported, in one query."""
    ids = list(ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            select(Report.target_id).where(
                Report.target_type == target_type, Report.target_id.in_(ids), Report.reporter_id == user.id
            )
        )
    )


def pending_counts(target_type: str, ids) -> dict[int, int]:
    """Pending reports per target id (one query), for moderators' eyes."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Report.target_id, func.count(Report.id))
        .where(Report.target_type == target_type, Report.target_id.in_(ids), Report.status == "pending")
        .group_by(Report.target_id)
    )
    return {target_id: count for target_id, count in rows}


def report(target: Target, user, reason: str, details: str = "") -> Report:
    """Record ``user``'s report of ``target``; hide the target when enough are waiting.

    Raises :class:`ReportRefused` (own contribution, already reported, unknown reason).
    The caller commits.
    """
    if reason not in dict(REASONS):
        raise ReportRefused(_l("Choose a reason from the list."))
    if target.obj.author_id is not None and target.obj.author_id == user.id:
        raise ReportRefused(_l("You cannot report what you wrote yourself."))
    already = _l("You have already reported this. A moderator will look at it.")
    if has_reported(user, target):
        raise ReportRefused(already)
    entry = Report(
        target_type=target.type,
        target_id=target.id,
        content_type=target.item.content_type_name,
        content_id=target.item.id,
        reporter_id=user.id,
        reason=reason,
        details=(details or "").strip(),
    )
    try:
        with db.session.begin_nested():  # a concurrent double click meets the unique constraint
            db.session.add(entry)
    except IntegrityError:
        raise ReportRefused(already) from None
    _hide_if_reported_enough(target, user)
    return entry


def _hide_if_reported_enough(target: Target, reporter) -> None:
    if target.is_hidden:
        return
    threshold = max(1, int(current_app.config["MODERATION_HIDE_THRESHOLD"]))
    waiting = pending_counts(target.type, [target.id]).get(target.id, 0)
    if waiting < threshold:
        return
    _set_hidden(target, True, None)
    title = target.title
    if target.is_comment:
        message = lambda: _(  # noqa: E731
            "Your comment on “%(title)s” was reported several times: it is hidden until a "
            "moderator reviews it.", title=title)
    else:
        message = lambda: _(  # noqa: E731
            "Your contribution “%(title)s” was reported several times: it is hidden until a "
            "moderator reviews it.", title=title)
    _tell_author(target, "moderation.reported", message, actor=reporter)


def _set_hidden(target: Target, hidden: bool, reason: str | None) -> None:
    target.obj.is_hidden = hidden
    expire_visitor_pages()
    if target.is_comment:
        target.obj.hidden_reason = reason if hidden else None
        target.obj.hidden_at = utcnow() if hidden else None


def _close_reports(target: Target, status: str) -> int:
    """Mark the pending reports of ``target`` decided; returns how many there were."""
    result = db.session.execute(
        update(Report)
        .where(target._where(Report), Report.status == "pending")
        .values(status=status, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _tell_author(target: Target, kind: str, message: Callable[[], str], actor=None) -> None:
    author_id = target.obj.author_id
    if author_id is not None:
        notify([author_id], kind, message, url=target.url, item=target.item, actor=actor)


def _target_summary(target: Target):
    """The audit summary of a decision on ``target``, in each reader's language."""
    if target.is_comment:
        return _l("Comment %(number)s on “%(title)s”", number=target.id, title=target.title)
    return _l("%(type)s %(number)s on “%(title)s”", type=target.type, number=target.id,
              title=target.title)


def hide(target: Target, moderator, reason: str) -> Decision:
    """Hide ``target`` with a public ``reason``, uphold its reports, log and tell the author."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a hidden target needs a public reason")
    count = _close_reports(target, "upheld")
    _set_hidden(target, True, reason)
    decision = Decision(
        target_type=target.type, target_id=target.id, action="hide", reason=reason,
        moderator_id=moderator.id, report_count=count,
    )
    db.session.add(decision)
    record(
        "moderation.hidden", object_type=target.type, object_id=target.id, actor=moderator,
        summary=_target_summary(target), reason=reason, reports=count,
    )
    title = target.title
    if target.is_comment:
        message = lambda: _(  # noqa: E731
            "Your comment on “%(title)s” was hidden by moderation: %(reason)s", title=title, reason=reason)
    else:
        message = lambda: _(  # noqa: E731
            "Your contribution “%(title)s” was hidden by moderation: %(reason)s", title=title, reason=reason)
    _tell_author(target, "moderation.hidden", message, actor=moderator)
    return decision


def keep(target: Target, moderator) -> Decision:
    """Keep ``target`` online: dismiss its reports, show it again, log and tell the author."""
    was_hidden = target.is_hidden
    count = _close_reports(target, "dismissed")
    _set_hidden(target, False, None)
    decision = Decision(
        target_type=target.type, target_id=target.id, action="show", moderator_id=moderator.id,
        report_count=count,
    )
    db.session.add(decision)
    record(
        "moderation.kept", object_type=target.type, object_id=target.id, actor=moderator,
        summary=_target_summary(target), reports=count, was_hidden=was_hidden,
    )
    title = target.title
    if was_hidden and target.is_comment:
        message = lambda: _(  # noqa: E731
            "Your comment on “%(title)s” is visible again: a moderator reviewed it.", title=title)
    elif was_hidden:
        message = lambda: _(  # noqa: E731
            "Your contribution “%(title)s” is visible again: a moderator reviewed it.", title=title)
    elif target.is_comment:
        message = lambda: _(  # noqa: E731
            "A moderator reviewed the reports about your comment on “%(title)s”: it stays online.",
            title=title)
    else:
        message = lambda: _(  # noqa: E731
            "A moderator reviewed the reports about your contribution “%(title)s”: it stays online.",
            title=title)
    _tell_author(target, "moderation.kept", message, actor=moderator)
    return decision


def latest_decision(target: Target) -> Decision | None:
    return db.session.scalar(
        select(Decision).where(target._where(Decision)).order_by(Decision.id.desc()).limit(1)
    )


@dataclass
class Notice:
    """What the banner above a piece of content says to those who may see it."""

    target: Target
    hidden: bool
    reason: str | None
    pending: int


def notice_for(item) -> Notice | None:
    """The moderation banner of ``item`` for the current visitor, or ``None``.

    Hidden content is seen only by its author, moderators and staff: they read why. Moderators
    also learn that reports are waiting on content still online.
    """
    if not item.content_type.uses("moderation"):
        return None
    target = target_of(item)
    is_moderator = current_user.can(PERMISSION)
    pending = pending_counts(target.type, [target.id]).get(target.id, 0) if is_moderator else 0
    if not target.is_hidden and not pending:
        return None
    reason = None
    if target.is_hidden:
        decision = latest_decision(target)
        reason = decision.reason if decision is not None and decision.action == "hide" else None
    return Notice(target=target, hidden=target.is_hidden, reason=reason, pending=pending)


@dataclass
class CommentMarks:
    """For a page of comments: those the visitor reported, and (for moderators) pending reports."""

    reported: set[int]
    pending: dict[int, int]
    can_moderate: bool


def comment_marks(ids) -> CommentMarks:
    """What the comment tools need for the comments ``ids`` (a page of them), in at most two
    queries."""
    ids = list(ids)
    can_moderate = current_user.can(PERMISSION)
    return CommentMarks(
        reported=reported_ids(current_user, COMMENT, ids),
        pending=pending_counts(COMMENT, ids) if can_moderate else {},
        can_moderate=can_moderate,
    )


def delete_reports_of(keys) -> None:
    """Delete the reports on the items ``keys`` (``(type name, id)`` pairs, deleted themselves)
    and on their comments. The caller commits."""
    table = Report.__table__
    for type_name, item_id in keys:
        db.session.execute(
            table.delete().where(table.c.content_type == type_name, table.c.content_id == item_id)
        )
