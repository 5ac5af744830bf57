"""The life of a consultation: its states, its transitions, and the names the other rooms import.

The staff publish a consultation once it is ready: announced before its first day, open within
its dates. Then the calendar moves it by itself: it opens on its first day and closes after its
last (the system transitions ``calendar_open`` and ``calendar_close``, made by the scheduled job
``consultation.calendar``, see ``rules.follow_the_calendar``; until the job has run, pages show
the state the calendar implies, ``rules.calendar_state``). The staff may close it early, then
publish its results and, once written, the decision.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.content import SYSTEM, State, Transition, Workflow

# The plugin's permission (declared with its default roles in ``__init__.py``).
MANAGE = "consultation.consultation.manage"


def _before_opening(consultation) -> bool:
    from .rules import publication_blockers, today

    return today() < consultation.opens_on and not publication_blockers(consultation)


def _within_dates(consultation) -> bool:
    from .rules import publication_blockers, today

    return consultation.opens_on <= today() <= consultation.closes_on and not publication_blockers(consultation)


def _decision_written(consultation) -> bool:
    return bool((consultation.decision or "").strip())


WORKFLOW = Workflow(
    states=(
        State("draft", _l("Draft"), public=False),
        State("upcoming", _l("Upcoming")),
        State("open", _l("Open")),
        State("closed", lazy_pgettext("consultation", "Closed")),
        State("results_published", _l("Results published")),
        State("decision_published", _l("Decision published")),
    ),
    initial="draft",
    transitions=(
        # Publishing, once it is ready (rules.publication_blockers): before its first day the
        # consultation is announced; within its dates it opens.
        Transition("announce", _l("Publish as upcoming"), ("draft",), "upcoming", MANAGE,
                   condition=_before_opening),
        Transition("open", _l("Publish and open"), ("draft", "upcoming"), "open", MANAGE,
                   condition=_within_dates),
        # The calendar, by itself.
        Transition("calendar_open", _l("Opened on its first day"), ("upcoming",), "open", SYSTEM),
        Transition("calendar_close", _l("Closed after its last day"), ("open",), "closed", SYSTEM),
        Transition("close", _l("Close now"), ("open",), "closed", MANAGE),
        Transition("publish_results", _l("Publish the results"), ("closed",), "results_published", MANAGE),
        Transition("publish_decision", _l("Publish the decision"), ("results_published",),
                   "decision_published", MANAGE, condition=_decision_written),
    ),
)

# States in which the consultation is visible to everyone, and those after it closed.
PUBLIC_STATES = tuple(state.name for state in WORKFLOW.states if state.public)
PAST_STATES = ("closed", "results_published", "decision_published")
RESULT_STATES = ("results_published", "decision_published")
