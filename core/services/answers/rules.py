"""Writing an answer, and publishing it: the item moves by its declared answer transition.

A workflow declares the decisions an answer may give as transitions marked ``answer=True``
(``Transition("accept", ..., answer=True)``): an answer may give the target of such a transition
from the item's current state, or restate the current state when an answer brought it there.
Publishing moves the item by that transition (recorded on its timeline, by the person who
publishes, who must hold the transition's permission) and emits
:class:`~core.events.AnswerPublished`; the notifications service then tells the followers.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content import Transition, item_title
from core.database import db, utcnow
from core.events import AnswerPublished, emit
from core.services.audit import record as audit
from core.workflows import TransitionRefused, move

from .models import PERMISSION, Answer


def _answer_transitions(item) -> list[Transition]:
    workflow = item.content_type.workflow
    return [t for t in workflow.transitions if t.answer] if workflow is not None else []


def answerable_states(item) -> list[tuple[str, str]]:
    """The states an answer to ``item`` may give now, with their labels."""
    transitions = _answer_transitions(item)
    states = [t.target for t in transitions if item.state in t.sources]
    if any(t.target == item.state for t in transitions):
        states.insert(0, item.state)  # a new answer may restate the decision
    workflow = item.content_type.workflow
    return [(name, str(workflow.state(name).label)) for name in dict.fromkeys(states)]


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


def publish(answer: Answer, user) -> None:
    """Publish ``answer``: the item moves to its state, the answer becomes public. The caller
    commits. Raises :class:`~core.workflows.TransitionRefused` when no answer transition leads
    there from the item's state, or ``user`` lacks its permission."""
    item = answer.item
    if item is None:
        raise LookupError("the answered item no longer exists")
    if item.state != answer.state:
        transition = next((t for t in _answer_transitions(item)
                           if t.target == answer.state and item.state in t.sources), None)
        if transition is None:
            raise TransitionRefused(_l("This decision is not possible in the current state."))
        if not user.can(transition.permission):
            raise TransitionRefused(_l("You are not allowed to do this."))
        move(item, transition.name, user, answer.body, answer_id=answer.id, record_audit=False)
    answer.status, answer.published_at = "published", utcnow()
    audit("answers.published", answer, summary=item_title(item), state=answer.state)
    # The answer is told to everyone following the item but the one who wrote it.
    emit(AnswerPublished(content_type=answer.content_type, content_id=answer.content_id,
                         answer_id=answer.id, state=answer.state, actor_id=answer.author_id))
