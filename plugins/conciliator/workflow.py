"""The life of a mediation case: its states, its transitions, and the names the other rooms import.

A resident refers a case (received); a conciliator declares it admissible (only when the
resident complained to the service first) or inadmissible, with the reason; an admissible case
is worked on (in progress) and closed with an outcome: an agreement, a recommendation made to
the service, or no resolution. The resident may withdraw their case while it is open. No state
is public: a case is seen only by its resident, the conciliators and the staff invited to it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.content import AUTHOR, State, Transition, Workflow

# The plugin's permissions (declared with their default roles in ``__init__.py``).
HANDLE = "conciliator.case.handle"
MANAGE_SERVICES = "conciliator.services.manage"

# States of a case in which the resident may still write, add files or withdraw.
OPEN_STATES = ("received", "admissible", "in_progress")
# The order of the states on the conciliators' dashboard.
STATUS_ORDER = ("received", "admissible", "in_progress", "inadmissible", "closed")


def _prior_complaint_given(case) -> bool:
    """As in French municipal mediation, a prior complaint to the service is required."""
    return case.prior_complaint_date is not None


WORKFLOW = Workflow(
    states=(
        State("received", _l("Received"), public=False),
        State("admissible", _l("Admissible"), public=False),
        State("inadmissible", _l("Inadmissible"), public=False),
        State("in_progress", _l("In progress"), public=False),
        State("closed", lazy_pgettext("mediation case", "Closed"), public=False),
    ),
    initial="received",
    transitions=(
        Transition("admit", _l("Declare admissible"), ("received",), "admissible", HANDLE,
                   condition=_prior_complaint_given),
        Transition("reject", _l("Declare inadmissible"), ("received",), "inadmissible", HANDLE,
                   comment_required=True),
        Transition("start", _l("Start the mediation"), ("admissible",), "in_progress", HANDLE),
        Transition("agreement", _l("Close: agreement reached"), ("admissible", "in_progress"),
                   "closed", HANDLE, comment_required=True),
        Transition("recommendation", _l("Close: recommendation made to the service"),
                   ("admissible", "in_progress"), "closed", HANDLE, comment_required=True),
        Transition("unresolved", _l("Close: not resolved"), ("admissible", "in_progress"),
                   "closed", HANDLE, comment_required=True),
        Transition("withdraw", _l("Withdraw my case"), OPEN_STATES, "closed", AUTHOR),
    ),
)

# The outcome a closing transition gives the case, and how the outcomes read.
OUTCOMES = {
    "agreement": "agreement",
    "recommendation": "recommendation",
    "unresolved": "unresolved",
    "withdraw": "withdrawn",
}
OUTCOME_LABELS = {
    "agreement": _l("Agreement reached"),
    "recommendation": _l("Recommendation made to the service"),
    "unresolved": _l("Not resolved"),
    "withdrawn": _l("Withdrawn"),
}


def outcome_label(outcome: str | None) -> str:
    """How an outcome reads, in the visitor's language (empty for a case not closed)."""
    return str(OUTCOME_LABELS.get(outcome, outcome or ""))
