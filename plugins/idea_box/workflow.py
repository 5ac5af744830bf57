"""The life of an idea: its states, its transitions, and the names the other rooms import.

An idea is a draft of its author's, then published (at once, or after a moderator's approval,
as the setting says); others support it; when its supports reach the threshold the system
selects it for study; the staff study it and the city answers (accept, reject, merge into
another idea) through the core's answers service; an accepted idea is followed until done.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.content import AUTHOR, SYSTEM, State, Transition, Workflow

# The plugin's permissions (declared with their default roles in ``__init__.py``).
MANAGE = "idea_box.idea.manage"
MODERATE = "idea_box.idea.moderate"


def _may_publish(idea) -> bool:
    """A finished draft goes to the public when moderation comes after publication."""
    from .rules import moderation_before, ready_to_send

    return not moderation_before() and ready_to_send(idea)


def _may_submit(idea) -> bool:
    """A finished draft goes to the moderators when moderation comes before publication."""
    from .rules import moderation_before, ready_to_send

    return moderation_before() and ready_to_send(idea)


WORKFLOW = Workflow(
    states=(
        State("draft", _l("Draft"), public=False),
        State("pending", _l("Awaiting moderation"), public=False),
        State("published", _l("Open for support")),
        State("eligible", _l("Selected for study")),
        State("under_study", _l("Under study")),
        State("accepted", lazy_pgettext("idea", "Accepted")),
        State("rejected", _l("Not retained")),
        State("merged", _l("Merged into another idea")),
        State("in_progress", _l("Being carried out")),
        State("implemented", _l("Done")),
    ),
    initial="draft",
    transitions=(
        Transition("publish", _l("Publish my idea"), ("draft",), "published", AUTHOR,
                   condition=_may_publish),
        Transition("submit", _l("Send my idea to the moderators"), ("draft",), "pending", AUTHOR,
                   condition=_may_submit),
        Transition("approve", _l("Publish after moderation"), ("pending",), "published", MODERATE),
        Transition("send_back", _l("Send back to its author"), ("pending",), "draft", MODERATE,
                   comment_required=True),
        # Reaching the support threshold selects an idea by itself (rules.select_if_threshold_reached);
        # the staff may also select one below it.
        Transition("threshold", _l("Selected for study: the support threshold is reached"),
                   ("published",), "eligible", SYSTEM),
        Transition("select", _l("Select for study"), ("published",), "eligible", MANAGE),
        Transition("study", _l("Start the study"), ("published", "eligible"), "under_study", MANAGE),
        # The decisions are the city's official answers, made on the study page.
        Transition("accept", _l("Accept"), ("published", "eligible", "under_study"), "accepted",
                   MANAGE, answer=True),
        Transition("reject", _l("Do not retain"), ("published", "eligible", "under_study"), "rejected",
                   MANAGE, answer=True),
        Transition("merge", _l("Merge into another idea"), ("published", "eligible", "under_study"),
                   "merged", MANAGE, answer=True),
        Transition("start_work", _l("Start the work"), ("accepted",), "in_progress", MANAGE),
        Transition("complete", _l("Mark as done"), ("accepted", "in_progress"), "implemented", MANAGE),
    ),
)

# States an idea may be in before anyone but its author (and moderators) can see it.
PRIVATE_STATES = ("draft", "pending")
PUBLIC_STATES = tuple(state.name for state in WORKFLOW.states if state.public)
OPEN_FOR_SUPPORT = ("published", "eligible")
IN_STUDY = ("eligible", "under_study")
DECIDABLE = ("published", "eligible", "under_study")
DECIDED = ("accepted", "rejected", "merged")
ACCEPTED = ("accepted", "in_progress", "implemented")
