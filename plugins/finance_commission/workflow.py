"""The life of a resident's question to the commission, and the names the other rooms import.

A question waits for a moderator, who publishes it or declines it (saying why, to its author);
once published, a commission member answers it publicly: publishing the commission's answer
moves the question to "answered" through the declared answer transition (the core's answers
service). Its author and followers are told of each step by the core's notifications.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.content import State, Transition, Workflow

NAME = "finance_commission"
# The slug of the commission, a body of the core's "bodies and meetings" service.
COMMISSION_SLUG = "commission"

# The plugin's permissions (declared with their default roles in ``__init__.py``).
MANAGE = "finance_commission.manage"
ANSWER = "finance_commission.answer"
MODERATE = "finance_commission.question.moderate"

WORKFLOW = Workflow(
    states=(
        State("pending", _l("Awaiting moderation"), public=False),
        State("declined", _l("Not published"), public=False),
        State("published", _l("Awaiting the commission's answer")),
        State("answered", _l("Answered")),
    ),
    initial="pending",
    transitions=(
        Transition("approve", _l("Publish the question"), ("pending",), "published", MODERATE),
        Transition("decline", _l("Do not publish"), ("pending",), "declined", MODERATE, comment_required=True),
        # Made by publishing the commission's answer (staff.answer, the demo).
        Transition("answer", _l("Answer for the commission"), ("published",), "answered", ANSWER, answer=True),
    ),
)

# States in which everyone may read a question; those in which only its author and moderators may.
PUBLIC_STATES = tuple(state.name for state in WORKFLOW.states if state.public)
PRIVATE_STATES = tuple(state.name for state in WORKFLOW.states if not state.public)
