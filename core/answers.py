"""Core service: official answers.

City staff answer a piece of content publicly: a state from its workflow (accepted, rejected,
under study...) and a text explaining the decision. An answer is published at once, or held
and published later together with others (a council's decisions announced on one day). On
publication the item moves to the answer's state (recorded on its timeline), its followers and
its author are notified, and the answer shows on the item's page in the name of the city.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from .audit import record as audit
from .content import item_title, load_item, types_using
from .database import UTCDateTime, db, utcnow
from .declarations import AdminPage, PermissionSpec
from .events import WorkflowTransitioned, emit
from .hookspecs import hookimpl
from .permissions import authorize, login_required, permission_required
from .web import whole_number

bp = Blueprint("answers", __name__)

PERMISSION = "answers.answer"


class Answer(db.Model):
    """The city's answer to an item: a state of its workflow and a public text."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_item", "content_type", "content_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    # "held" (written, not public yet) or "published".
    status: Mapped[str] = mapped_column(String(10), default="held", index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("User", lazy="joined")

    @property
    def item(self):
        return load_item(self.content_type, self.content_id)


class AnswerForm(FlaskForm):
    state = SelectField(_l("Decision"), validators=[DataRequired()])
    body = TextAreaField(
        _l("Public answer"),
        description=_l("Explain the decision in plain words; Markdown is accepted."),
        validators=[DataRequired(message=_l("Write the answer.")), Length(max=20000)],
    )
    publish_now = BooleanField(
        _l("Publish now"),
        description=_l("Leave unticked to hold the answer and publish it later with others."),
        default=True,
    )


def answerable_states(item) -> list[tuple[str, str]]:
    """The states an answer may give: the workflow's public states."""
    workflow = item.content_type.workflow
    if workflow is None:
        return []
    return [(s.name, str(s.label)) for s in workflow.states if s.public]


def may_answer(user, item) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and item.content_type.uses("answers")
        and user.can(PERMISSION)
        and item.allows(user, "view")
    )


def published_answer(item) -> Answer | None:
    """The latest published answer to ``item``."""
    return db.session.scalar(
        select(Answer)
        .where(Answer.content_type == item.content_type_name, Answer.content_id == item.id,
               Answer.status == "published")
        .order_by(Answer.published_at.desc(), Answer.id.desc())
        .limit(1)
    )


def held_answer(item) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.content_type == item.content_type_name,
                             Answer.content_id == item.id, Answer.status == "held")
        .order_by(Answer.id.desc()).limit(1)
    )


def save_answer(item, user, state: str, body: str) -> Answer:
    """Write (or rewrite) the held answer to ``item``. The caller commits."""
    if state not in dict(answerable_states(item)):
        raise ValueError(f"{state!r} is not a state an answer may give")
    answer = held_answer(item)
    if answer is None:
        answer = Answer(content_type=item.content_type_name, content_id=item.id, state=state,
                        body=body.strip(), author_id=user.id)
        db.session.add(answer)
    else:
        answer.state, answer.body, answer.author_id = state, body.strip(), user.id
    audit("answers.written", answer, summary=item_title(item), state=state)
    db.session.flush()
    return answer


def publish(answer: Answer, user) -> WorkflowTransitioned | None:
    """Publish ``answer``: the item moves to its state, the answer becomes public.

    The caller commits, then calls :func:`announce`. Returns the event to send, if the item
    changed state.
    """
    from .workflows import move

    item = answer.item
    if item is None:
        raise LookupError("the answered item no longer exists")
    answer.status, answer.published_at = "published", utcnow()
    event = None
    if item.state != answer.state:
        record = move(item, answer.state, user, answer.body, transition="answer", record_audit=False)
        event = WorkflowTransitioned(
            content_type=record.content_type, content_id=record.content_id,
            transition=record.transition, from_state=record.from_state, to_state=record.to_state,
            actor_id=record.actor_id, record_id=record.id,
        )
    audit("answers.published", answer, summary=item_title(item), state=answer.state)
    return event


def announce(answer: Answer, event: WorkflowTransitioned | None) -> None:
    """After the commit: notify the item's followers and author, and send the event."""
    from .notifications import notify_followers
    from .workflows import state_label

    item = answer.item
    title = item_title(item)

    def message():
        return _("The city has answered “%(title)s”: %(state)s.", title=title,
                 state=state_label(item, answer.state))

    notify_followers(item, "answers.published", message, actor=answer.author_id,
                     also=[item.author_id] if item.author_id else ())
    db.session.commit()
    if event is not None:
        emit(event)


# --- Pages -------------------------------------------------------------------------------------


def _item_for_answer(type_name: str, id: int):
    item = load_item(type_name, id)
    if item is None or not item.content_type.uses("answers"):
        abort(404)
    authorize(item, "view")
    if not may_answer(current_user, item):
        abort(403)
    return item


def answer_form_for(item) -> AnswerForm:
    held = held_answer(item)
    form = AnswerForm(
        formdata=None, state=held.state if held else item.state, body=held.body if held else ""
    )
    form.state.choices = answerable_states(item)
    return form


@bp.post("/content/<type_name>/<int:id>/answer")
@login_required
def answer_item(type_name: str, id: int):
    """Save the answer to an item, and publish it at once or hold it."""
    item = _item_for_answer(type_name, id)
    form = AnswerForm()
    form.state.choices = answerable_states(item)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(item.url + "#answer-form")
    answer = save_answer(item, current_user, form.state.data, form.body.data)
    event = publish(answer, current_user) if form.publish_now.data else None
    db.session.commit()
    if form.publish_now.data:
        announce(answer, event)
        flash(_("The answer is published; followers are notified."), "success")
    else:
        flash(_("The answer is held: publish it from the list of answers waiting."), "success")
    return redirect(item.url + "#answer")


@bp.route("/admin/answers", methods=["GET", "POST"])
@permission_required(PERMISSION)
def held():
    """Answers waiting: publish the ones ticked, all at once."""
    answers = db.session.scalars(
        select(Answer).where(Answer.status == "held").order_by(Answer.created_at, Answer.id)
    ).all()
    # Only items the person may answer (and that still exist).
    rows = [(a, a.item) for a in answers]
    rows = [(a, item) for a, item in rows if item is not None and may_answer(current_user, item)]
    if request.method == "POST":
        chosen = {whole_number(v) for v in request.form.getlist("answer")} - {None}
        selected = [(a, item) for a, item in rows if a.id in chosen]
        if not selected:
            flash(_("Tick at least one answer to publish."), "error")
            return redirect(url_for("answers.held"))
        published = [(a, publish(a, current_user)) for a, _item in selected]
        db.session.commit()
        for answer, event in published:
            announce(answer, event)
        flash(_("%(num)s answer(s) published; followers are notified.", num=len(published)), "success")
        return redirect(url_for("answers.held"))
    return render_template("answers/held.html", rows=rows,
                           types={t.name: t for t in types_using("answers")})


def _register_globals(state):
    env = state.app.jinja_env.globals
    env["published_answer"] = published_answer
    env["held_answer"] = held_answer
    env["may_answer"] = may_answer
    env["answer_form_for"] = answer_form_for


bp.record_once(_register_globals)


# --- Declarations and personal data ---------------------------------------------------------


@hookimpl
def register_permissions():
    return [PermissionSpec(PERMISSION, _l("Answer residents' contributions for the city"),
                           ("staff", "admin"))]


@hookimpl
def admin_pages(user):
    return [AdminPage(_l("Answers waiting"), "answers.held", PERMISSION,
                      _l("Publish the answers held, all at once."), order=60)]


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Answer).where(Answer.author_id == user.id).order_by(Answer.id))
    answers = [
        {"content": f"{a.content_type}/{a.content_id}", "state": a.state, "text": a.body,
         "status": a.status, "created_at": a.created_at.isoformat()}
        for a in rows
    ]
    return {"official_answers_written": answers} if answers else None
