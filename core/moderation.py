"""Moderation: residents report, moderators decide, hidden things stay hidden.

Anyone signed in may report a piece of content (of a type using the ``moderation`` service) or a
comment, once, with a reason. When ``MODERATION_HIDE_THRESHOLD`` reports are waiting on the same
target, it is hidden (``is_hidden``) until a moderator decides. Moderators (permission
``moderation.moderate``) work from the queue — pending reports grouped by target, oldest first —
or directly from the content: *keep* dismisses the reports and shows the target again; *hide*
replaces it with a reason everyone can read. Every decision is written to the audit log and the
author is told.

A target is named like the other services name content: its type (a content type name, or
``"comment"``) and its id.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import (
    ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, event, func, or_, select, update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .audit import record
from .comments import Comment, comment_url
from .content import ContentMixin, item_title, load_item, registry, types_using
from .database import UTCDateTime, db, utcnow
from .declarations import AdminPage, PermissionSpec
from .hookspecs import hookimpl
from .notifications import notify
from .pagecache import expire_visitor_pages
from .permissions import authorize, login_required, permission_required
from .web import safe_next, whole_number

bp = Blueprint("moderation", __name__)

PERMISSION = "moderation.moderate"
COMMENT = "comment"
QUEUE_PER_PAGE = 20

REASONS = (
    ("spam", _l("Spam or advertising")),
    ("abuse", _l("Insults, harassment or hatred")),
    ("personal_data", _l("Personal information about someone")),
    ("illegal", _l("Illegal content")),
    ("off_topic", _l("Off topic")),
    ("other", _l("Something else")),
)


class Report(db.Model):
    """One person's report of a target: ``pending``, then ``dismissed`` or ``upheld``."""

    __tablename__ = "moderation_report"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id", name="uq_moderation_report_target_reporter"),
        Index("ix_moderation_report_target", "target_type", "target_id", "status"),
        Index("ix_moderation_report_content", "content_type", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[int] = mapped_column(Integer)
    # The piece of content the target belongs to: itself, or the item a comment is on.
    content_type: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter = relationship("User", lazy="joined")

    @property
    def reason_label(self):
        return dict(REASONS).get(self.reason, self.reason)


class Decision(db.Model):
    """A moderator's decision on a target: ``hide`` (with the public reason) or ``show``."""

    __tablename__ = "moderation_decision"
    __table_args__ = (Index("ix_moderation_decision_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    moderator = relationship("User", lazy="joined")


class ReportRefused(ValueError):
    """A report cannot be made; ``message`` says why, for the person reporting."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Targets: a piece of content, or a comment ----------------------------------------------------


@dataclass
class Target:
    """Something that can be reported and hidden, with the piece of content it belongs to."""

    type: str
    obj: Any
    item: Any

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def is_comment(self) -> bool:
        return self.type == COMMENT

    @property
    def is_hidden(self) -> bool:
        return bool(self.obj.is_hidden)

    @property
    def author(self):
        return self.obj.author

    @property
    def author_name(self):
        author = self.obj.author
        return author.public_name if author is not None else _l("Deleted participant")

    @property
    def title(self) -> str:
        return item_title(self.item)

    @property
    def text(self) -> str:
        return getattr(self.obj, "body", "") or ""

    @property
    def kind_label(self):
        return _l("Comment") if self.is_comment else self.item.content_type.label

    @property
    def url(self) -> str:
        return comment_url(self.obj) if self.is_comment else self.item.url

    @property
    def key(self) -> tuple[str, int]:
        return self.type, self.id

    def _where(self, model):
        return (model.target_type == self.type) & (model.target_id == self.id)


def target_of(obj) -> Target:
    """The target for a comment or a piece of content already loaded."""
    if isinstance(obj, Comment):
        return Target(COMMENT, obj, obj.item)
    return Target(obj.content_type_name, obj, obj)


def load_target(target_type: str, target_id: int) -> Target | None:
    """The target ``target_type``/``target_id``, or ``None`` (unknown, or not moderated)."""
    if target_type == COMMENT:
        comment = db.session.get(Comment, target_id)
        if comment is None or comment.item is None or not comment.item.content_type.uses("comments"):
            return None
        return Target(COMMENT, comment, comment.item)
    item = load_item(target_type, target_id)
    if item is None or not item.content_type.uses("moderation"):
        return None
    return Target(target_type, item, item)


def _load_targets(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    """Load many targets with one query per type (the queue)."""
    ids_by_type: dict[str, set[int]] = {}
    for target_type, target_id in keys:
        ids_by_type.setdefault(target_type, set()).add(target_id)
    comments = []
    if COMMENT in ids_by_type:
        comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids_by_type.pop(COMMENT)))))
    items_wanted: dict[str, set[int]] = {t: set(ids) for t, ids in ids_by_type.items()}
    for comment in comments:
        items_wanted.setdefault(comment.content_type, set()).add(comment.content_id)
    types = registry()
    items: dict[tuple[str, int], Any] = {}
    for type_name, ids in items_wanted.items():
        content_type = types.get(type_name)
        if content_type is None:
            continue
        model = content_type.model
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            items[(type_name, item.id)] = item
    targets: dict[tuple[str, int], Target] = {}
    for comment in comments:
        item = items.get((comment.content_type, comment.content_id))
        if item is not None:
            comment.attach_item(item)
            targets[(COMMENT, comment.id)] = Target(COMMENT, comment, item)
    for type_name, ids in ids_by_type.items():
        for target_id in ids:
            item = items.get((type_name, target_id))
            if item is not None and item.content_type.uses("moderation"):
                targets[(type_name, target_id)] = Target(type_name, item, item)
    return targets


# --- Reports ----------------------------------------------------------------------------------------


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


# --- Decisions --------------------------------------------------------------------------------------


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
        summary=f"{target.type} {target.id} on “{target.title}”", reason=reason, reports=count,
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
        summary=f"{target.type} {target.id} on “{target.title}”", reports=count, was_hidden=was_hidden,
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


def comment_marks(comments) -> CommentMarks:
    """What the comment tools need for a whole thread, in at most two queries."""
    ids = [comment.id for comment in comments]
    can_moderate = current_user.can(PERMISSION)
    return CommentMarks(
        reported=reported_ids(current_user, COMMENT, ids),
        pending=pending_counts(COMMENT, ids) if can_moderate else {},
        can_moderate=can_moderate,
    )


# --- The queue ------------------------------------------------------------------------------------


@dataclass
class QueueEntry:
    """A target and its pending reports."""

    target: Target
    reports: list[Report] = field(default_factory=list)

    @property
    def first_reported_at(self) -> datetime:
        return self.reports[0].created_at

    @property
    def reasons(self) -> list[tuple[Any, int]]:
        counts = Counter(r.reason for r in self.reports)
        return [(label, counts[value]) for value, label in REASONS if counts[value]]


@dataclass
class QueuePage:
    """One page of the queue (the attributes the ``pagination`` macro reads)."""

    entries: list[QueueEntry]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def queue(page: int = 1, per_page: int = QUEUE_PER_PAGE) -> QueuePage:
    """Pending reports grouped by target, the target reported first coming first."""
    moderated = [t.name for t in types_using("moderation")] + [COMMENT]
    first = func.min(Report.created_at)
    groups = (
        select(Report.target_type, Report.target_id)
        .where(Report.status == "pending", Report.target_type.in_(moderated))
        .group_by(Report.target_type, Report.target_id)
    )
    total = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    keys = [
        (t, i) for t, i in db.session.execute(
            groups.order_by(first, Report.target_type, Report.target_id)
            .limit(per_page).offset((page - 1) * per_page)
        )
    ]
    entries: list[QueueEntry] = []
    if keys:
        targets = _load_targets(keys)
        reports = db.session.scalars(
            select(Report)
            .where(Report.status == "pending",
                   or_(*[and_(Report.target_type == t, Report.target_id == i) for t, i in keys]))
            .order_by(Report.created_at, Report.id)
        )
        by_key = {key: QueueEntry(targets[key]) for key in keys if key in targets}
        for entry in reports:
            group = by_key.get((entry.target_type, entry.target_id))
            if group is not None:
                group.reports.append(entry)
        entries = [by_key[key] for key in keys if key in by_key]
    return QueuePage(entries=entries, page=page, pages=pages, total=total)


# --- Forms and views ------------------------------------------------------------------------------


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=list(REASONS),
        validators=[DataRequired(_l("Choose a reason."))],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l("Optional, except for “Something else”. Only moderators read it."),
        validators=[Optional(), Length(max=1000)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.reason.data == "other" and not (self.details.data or "").strip():
            self.details.errors = [*self.details.errors, _("Say in a few words what is wrong.")]
            valid = False
        return valid


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason shown to everyone"),
        validators=[DataRequired(_l("Give the reason shown in place of the content.")), Length(max=500)],
    )


def _target_or_404(target_type: str, target_id: int) -> Target:
    target = load_target(target_type, target_id)
    if target is None:
        abort(404)
    authorize(target.obj, "view")
    return target


def _next(target: Target) -> str:
    return safe_next(request.values.get("next"), target.url)


@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
def report_page(target_type: str, target_id: int):
    """The report form: a reason from a list, and optional details for the moderators."""
    target = _target_or_404(target_type, target_id)
    if target.obj.author_id == current_user.id:
        flash(_("You cannot report what you wrote yourself."), "error")
        return redirect(target.url)
    if has_reported(current_user, target):
        flash(_("You have already reported this. A moderator will look at it."), "info")
        return redirect(target.url)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            report(target, current_user, form.reason.data, form.details.data or "")
        except ReportRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you. A moderator will look at your report."), "success")
        return redirect(target.url)
    return render_template("moderation/report.html", target=target, form=form)


@bp.get("/moderation/")
@permission_required(PERMISSION)
def queue_page():
    """The moderators' queue."""
    page = queue(whole_number(request.args.get("page"), 0) or 1)
    return render_template("moderation/queue.html", page=page)


@bp.get("/moderation/<target_type>/<int:target_id>")
@permission_required(PERMISSION)
def review(target_type: str, target_id: int):
    """One target: its text, every report and every decision, and the two actions."""
    target = _target_or_404(target_type, target_id)
    reports = db.session.scalars(
        select(Report).where(target._where(Report)).order_by(Report.created_at, Report.id)
    ).all()
    decisions = db.session.scalars(
        select(Decision).where(target._where(Decision)).order_by(Decision.id)
    ).all()
    return render_template("moderation/review.html", target=target, reports=reports, decisions=decisions)


@bp.post("/moderation/<target_type>/<int:target_id>/hide")
@permission_required(PERMISSION)
def hide_view(target_type: str, target_id: int):
    target = _target_or_404(target_type, target_id)
    form = HideForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(_next(target))
    hide(target, current_user, form.reason.data)
    db.session.commit()
    flash(_("Hidden. Its author has been told why."), "success")
    return redirect(_next(target))


@bp.post("/moderation/<target_type>/<int:target_id>/keep")
@permission_required(PERMISSION)
def keep_view(target_type: str, target_id: int):
    target = _target_or_404(target_type, target_id)
    was_hidden = target.is_hidden
    keep(target, current_user)
    db.session.commit()
    flash(_("Visible again; its reports are dismissed.") if was_hidden else _("Kept online; its reports are dismissed."),
          "success")
    return redirect(_next(target))


@bp.context_processor
def _admin_navigation():
    """The queue and review pages sit in the administration: give them its navigation."""
    from .admin.views import visible_pages

    return {"admin_pages": visible_pages}


def _register_globals(state):
    env = state.app.jinja_env
    env.globals.update(
        moderation_notice=notice_for,
        moderation_target=target_of,
        moderation_has_reported=lambda target: has_reported(current_user, target),
        moderation_comment_marks=comment_marks,
    )


bp.record_once(_register_globals)


# --- Content deleted: its reports go with it ------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _delete_reports_of_deleted_content(session: Session, flush_context) -> None:
    deleted = [obj for obj in session.deleted if isinstance(obj, ContentMixin)]
    if not deleted:
        return
    connection = session.connection()
    table = Report.__table__
    for obj in deleted:
        connection.execute(
            table.delete().where(table.c.content_type == obj.content_type_name, table.c.content_id == obj.id)
        )


# --- Declarations ---------------------------------------------------------------------------------


@hookimpl
def register_permissions():
    return [
        PermissionSpec(PERMISSION, _l("Moderate reported content and comments"), ("moderator", "admin")),
    ]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Moderation queue"), "moderation.queue_page", PERMISSION,
                  _l("Reported content and comments waiting for a decision."), order=5),
    ]


# --- Personal data ----------------------------------------------------------------------------


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
