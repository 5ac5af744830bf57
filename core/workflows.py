"""Workflows: every move of an item is a declared transition, checked, recorded and announced.

A content type declares its states and transitions (:class:`core.content.Workflow`). Every
change of state goes through :func:`move`, which refuses a transition that is not declared or
not allowed from the item's current state, records the move (who, when, from, to, public
comment) on the item's timeline, drops the pages kept for visitors, and emits
:class:`~core.events.WorkflowTransitioned` (once committed, the notifications service tells the
item's followers and author, and every plugin's ``track_event`` hears it).

Who makes a move:

- a person, with a button: :func:`apply` first checks the transition's condition, the person's
  permission and the required comment (:func:`refusal` says why not, in their language);
- the city, by publishing an official answer (``Transition.answer``): :mod:`core.services.answers`;
- the system (``Transition.permission == SYSTEM``: a support threshold crossed, a date reached):
  ``move(item, name, THE_SYSTEM)``, recorded with no person as its actor.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .content import AUTHOR, SYSTEM, ContentMixin, Transition, item_title, load_item
from .database import UTCDateTime, db, utcnow
from .events import WorkflowTransitioned, emit
from .hookspecs import hookimpl
from .pagecache import expire_visitor_pages
from .permissions import authorize, login_required
from .services.audit import record as audit


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
    # None when the system made the move (or its author's account was erased since).
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


class _TheSystem:
    """The actor of the moves Civique makes by itself: it is nobody's account."""

    id = None
    is_authenticated = False

    def __repr__(self) -> str:
        return "THE_SYSTEM"


THE_SYSTEM = _TheSystem()


def start(item: ContentMixin) -> None:
    """Put a new item in its workflow's initial state."""
    workflow = item.content_type.workflow
    if workflow is not None:
        item.state = workflow.initial


def _holds(user, item, transition: Transition) -> bool:
    if transition.permission == AUTHOR:
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
    if not transition.by_hand or (transition.condition is not None and not transition.condition(item)):
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


def apply(item, name: str, user, comment: str = "", *, announced: bool = False,
          record_audit: bool = True) -> WorkflowRecord:
    """A person moves ``item`` by the transition ``name``; raises :class:`TransitionRefused`.

    The caller commits. ``announced`` and ``record_audit``: see :func:`move`.
    """
    reason = refusal(item, name, user, comment)
    if reason is not None:
        raise TransitionRefused(reason)
    return move(item, name, user, comment, announced=announced, record_audit=record_audit)


def move(item, name: str, actor, comment: str = "", *, answer_id: int | None = None,
         announced: bool = False, record_audit: bool = True) -> WorkflowRecord:
    """Move ``item`` by the declared transition ``name``, made by ``actor`` (a person, or
    :data:`THE_SYSTEM` for a :data:`~core.content.SYSTEM` transition). The caller commits.

    Refuses (:class:`TransitionRefused`) a transition that is not declared, not allowed from the
    item's state, a system transition made by a person (and the reverse), or an answer
    transition without the answer that makes it. It checks nothing
    of the person: :func:`apply` and the answers service do that first. ``answer_id`` is the
    official answer whose publication makes the move; ``announced`` says the caller tells the
    followers itself (so the notifications service does not). A person's move through a
    transition other than the author's is also written to the audit log, unless ``record_audit``
    is false (the demo data, or a plugin that writes its own entry).
    """
    workflow = item.content_type.workflow
    try:
        transition = workflow.transition(name)
    except (AttributeError, KeyError):
        raise TransitionRefused(_l("This action does not exist.")) from None
    if item.state not in transition.sources:
        raise TransitionRefused(_l("This action is not possible in the current state (%(state)s).",
                                   state=state_label(item, item.state)))
    if (transition.permission == SYSTEM) != (actor is THE_SYSTEM) or (transition.answer and answer_id is None):
        raise TransitionRefused(_l("This action is not available."))
    if item.id is None:
        db.session.flush()
    record = WorkflowRecord(
        content_type=item.content_type_name,
        content_id=item.id,
        transition=name,
        from_state=item.state,
        to_state=transition.target,
        actor_id=actor.id,
        comment=(comment or "").strip(),
    )
    item.state = transition.target
    if transition.target != workflow.initial and item.published_at is None \
            and workflow.state(transition.target).public:
        item.published_at = utcnow()
    db.session.add(record)
    expire_visitor_pages()
    if record_audit and actor is not THE_SYSTEM and transition.permission != AUTHOR:
        audit(f"workflow.{name}", item, object_type=item.content_type_name, actor=actor,
              summary=item_title(item), from_state=record.from_state, to_state=record.to_state)
    db.session.flush()
    emit(WorkflowTransitioned(
        content_type=record.content_type, content_id=record.content_id, transition=name,
        from_state=record.from_state, to_state=record.to_state, actor_id=record.actor_id,
        record_id=record.id, answer_id=answer_id, announced=announced,
    ))
    return record


def by_the_system(item, record: WorkflowRecord) -> bool:
    """Whether ``record`` is a move the system made (a threshold crossed, a date reached)."""
    try:
        return item.content_type.workflow.transition(record.transition).permission == SYSTEM
    except (KeyError, AttributeError):
        return False


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


# --- The page of a move made by hand -------------------------------------------------------------

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
        apply(item, name, current_user, request.form.get("comment", ""))
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(item.url + "#workflow")
    db.session.commit()
    flash(_("Done: the new state is “%(state)s”.", state=state_label(item, item.state)), "success")
    return redirect(item.url + "#workflow")


# --- Declarations and personal data ---------------------------------------------------------


@hookimpl
def register_blueprints(app):
    return [bp]


@hookimpl
def template_variables():
    return {"workflow_timeline": timeline, "workflow_available": available,
            "workflow_state_label": state_label, "workflow_by_the_system": by_the_system}


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
