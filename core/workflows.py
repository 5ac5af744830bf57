"""Core service: workflows.

A content type declares its states and allowed transitions (:class:`core.content.Workflow`);
this module enforces them. :func:`apply` refuses any move that is not declared, not allowed
from the current state, not permitted to the person, or missing a required comment, with a
clear message (:class:`TransitionRefused`). Every move is recorded (who, when, from, to, public
comment) as the item's timeline, and once committed a
:class:`~core.events.WorkflowTransitioned` event reaches every plugin's ``track_event`` hook;
followers and the author are notified.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .audit import record as audit
from .content import ContentMixin, Transition, item_title, load_item
from .database import UTCDateTime, db, utcnow
from .events import WorkflowTransitioned, emit
from .hookspecs import hookimpl
from .pagecache import expire_visitor_pages
from .permissions import authorize, login_required


class WorkflowRecord(db.Model):
    """One move of an item from a state to another: the item's public timeline."""

    __tablename__ = "workflow_record"
    __table_args__ = (Index("ix_workflow_record_item", "content_type", "content_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    transition: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", lazy="joined")


class TransitionRefused(Exception):
    """A move the workflow does not allow; ``message`` says why, in the visitor's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def start(item: ContentMixin) -> None:
    """Put a new item in its workflow's initial state."""
    workflow = item.content_type.workflow
    if workflow is not None:
        item.state = workflow.initial


def _holds(user, item, transition: Transition) -> bool:
    if transition.permission == "author":
        return item.is_author(user)
    return user.can(transition.permission)


def refusal(item, name: str, user, comment: str = ""):
    """``None`` when ``user`` may apply the transition ``name`` to ``item`` now, else why not."""
    workflow = item.content_type.workflow
    if workflow is None or not item.content_type.uses("workflow"):
        return _l("This page has no workflow.")
    try:
        transition = workflow.transition(name)
    except KeyError:
        return _l("This action does not exist.")
    if transition.condition is not None and not transition.condition(item):
        return _l("This action is not available.")
    if item.state not in transition.sources:
        return _l("This action is not possible in the current state (%(state)s).",
                  state=state_label(item, item.state))
    if not getattr(user, "is_authenticated", False) or not _holds(user, item, transition):
        return _l("You are not allowed to do this.")
    if transition.comment_required and not (comment or "").strip():
        return _l("Please explain this decision: the explanation is published.")
    return None


def available(item, user) -> list[Transition]:
    """The transitions ``user`` may apply to ``item`` now (a comment is asked when required)."""
    workflow = item.content_type.workflow
    if workflow is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        t for t in workflow.transitions
        if refusal(item, t.name, user, comment="-") is None
    ]


def apply(item, name: str, user, comment: str = "", *, record_audit: bool = True) -> WorkflowRecord:
    """Move ``item`` by the transition ``name``; raises :class:`TransitionRefused`.

    The caller commits, then calls :func:`announce` with the record (``apply_and_commit`` does
    both).
    """
    reason = refusal(item, name, user, comment)
    if reason is not None:
        raise TransitionRefused(reason)
    transition = item.content_type.workflow.transition(name)
    return move(item, transition.target, user, comment, transition=name, record_audit=record_audit
                and transition.permission != "author")


def move(item, target: str, user, comment: str = "", *, transition: str,
         record_audit: bool = True) -> WorkflowRecord:
    """Record a move to ``target`` that the caller has already checked (answers use it)."""
    if item.id is None:
        db.session.flush()
    record = WorkflowRecord(
        content_type=item.content_type_name,
        content_id=item.id,
        transition=transition,
        from_state=item.state,
        to_state=target,
        actor_id=getattr(user, "id", None),
        comment=(comment or "").strip(),
    )
    item.state = target
    if target != item.content_type.workflow.initial and item.published_at is None \
            and item.content_type.workflow.state(target).public:
        item.published_at = utcnow()
    db.session.add(record)
    expire_visitor_pages()
    if record_audit:
        audit(f"workflow.{transition}", item, object_type=item.content_type_name,
              summary=f"{item_title(item)}: {record.from_state} → {target}")
    db.session.flush()
    return record


def announce(item, record: WorkflowRecord) -> None:
    """After the commit: notify followers and the author, and tell every plugin."""
    from .notifications import notify_followers

    if item.content_type.uses("follows") or item.author_id:
        title = item_title(item)

        def message():
            return _("“%(title)s” is now: %(state)s.", title=title,
                     state=state_label(item, record.to_state))

        notify_followers(item, "workflow.transitioned", message, actor=record.actor_id,
                         also=[item.author_id] if item.author_id else ())
        db.session.commit()
    emit(WorkflowTransitioned(
        content_type=record.content_type, content_id=record.content_id,
        transition=record.transition, from_state=record.from_state, to_state=record.to_state,
        actor_id=record.actor_id, record_id=record.id,
    ))


def apply_and_commit(item, name: str, user, comment: str = "") -> WorkflowRecord:
    """:func:`apply`, commit, then :func:`announce`. Raises :class:`TransitionRefused`."""
    record = apply(item, name, user, comment)
    db.session.commit()
    announce(item, record)
    return record


def state_label(item, state: str) -> str:
    try:
        return str(item.content_type.workflow.state(state).label)
    except (KeyError, AttributeError):
        return state


def timeline(item) -> list[WorkflowRecord]:
    """The item's recorded moves, oldest first."""
    return list(db.session.scalars(
        select(WorkflowRecord)
        .where(WorkflowRecord.content_type == item.content_type_name,
               WorkflowRecord.content_id == item.id)
        .order_by(WorkflowRecord.created_at, WorkflowRecord.id)
    ))


# --- Pages -------------------------------------------------------------------------------------

bp = Blueprint("workflows", __name__)


@bp.post("/content/<type_name>/<int:id>/transition/<name>")
@login_required
def transition(type_name: str, id: int, name: str):
    """Apply a transition from the form under an item's timeline."""
    item = load_item(type_name, id)
    if item is None or not item.content_type.uses("workflow"):
        abort(404)
    authorize(item, "view")
    try:
        apply_and_commit(item, name, current_user, request.form.get("comment", ""))
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(item.url + "#workflow")
    flash(_("Done: the new state is “%(state)s”.", state=state_label(item, item.state)), "success")
    return redirect(item.url + "#workflow")


def _register_globals(state):
    env = state.app.jinja_env.globals
    env["workflow_timeline"] = timeline
    env["workflow_available"] = available
    env["workflow_state_label"] = state_label


bp.record_once(_register_globals)


# --- Personal data ----------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(
        select(WorkflowRecord).where(WorkflowRecord.actor_id == user.id).order_by(WorkflowRecord.id)
    )
    moves = [
        {"content": f"{r.content_type}/{r.content_id}", "transition": r.transition,
         "from": r.from_state, "to": r.to_state, "comment": r.comment, "at": r.created_at.isoformat()}
        for r in rows
    ]
    return {"workflow_moves": moves} if moves else None
