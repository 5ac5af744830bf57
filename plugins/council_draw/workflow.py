"""The lives of a draw and of a drawn member, and the names the other rooms import.

Draws and members are not core content (no timeline, no followers), but their lives are declared
as data all the same: every change of their ``status`` goes through the transitions below
(``draws.set_draw_status``, ``draws.set_member_status``), and a move not declared here raises.
The permission of a transition says who makes that move; nobody applies these transitions
through ``core.workflows``.

A draw starts by computing its candidates' chances: at once for a small pool, in the background
worker for a large one, which may fail (the quotas no longer hold, the time limit). Prepared,
its probabilities are seen by staff only; published, the record is public until the ceremony,
where the seed draws the members. It may be cancelled until then.

A drawn member starts waiting on the college's list: those the seed selected are invited at
once, the reserve when called in to take a seat someone left. An invited member accepts or
declines; one who accepted may later withdraw.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.content import AUTHOR, SYSTEM, State, Transition, Workflow

# The plugin's permissions and role (declared, with their labels, in ``__init__.py``).
MANAGE = "council_draw.manage"
CANDIDATES = "council_draw.candidates"
OFFICER = "council_officer"

DRAW_LIFE = Workflow(
    states=(
        State("computing", _l("Chances being computed by the background worker"), public=False),
        State("failed", _l("The chances could not be computed"), public=False),
        State("prepared", _l("Probabilities computed, not published"), public=False),
        State("published", _l("Published, awaiting the ceremony")),
        State("done", _l("Drawn")),
        State("cancelled", _l("Cancelled")),
    ),
    initial="computing",
    transitions=(
        Transition("computed", _l("Chances computed"), ("computing",), "prepared", SYSTEM),
        Transition("fail", _l("The chances could not be computed"), ("computing",), "failed",
                   SYSTEM),
        Transition("publish", _l("Publish the draw"), ("prepared",), "published", MANAGE),
        Transition("ceremony", _l("Draw the members"), ("published",), "done", MANAGE),
        Transition("cancel", _l("Cancel this draw"), ("computing", "prepared", "published"),
                   "cancelled", MANAGE),
    ),
)

MEMBER_LIFE = Workflow(
    states=(
        State("reserve", _l("On the reserve list")),
        State("invited", _l("Invited, no answer yet")),
        State("accepted", lazy_pgettext("draw member", "Accepted")),
        State("declined", lazy_pgettext("draw member", "Declined")),
        State("withdrawn", lazy_pgettext("draw member", "Withdrew")),
    ),
    initial="reserve",
    transitions=(
        # At the ceremony for the selected members; later for a reserve taking a free seat.
        Transition("invite", _l("Invite to take the seat"), ("reserve",), "invited", MANAGE),
        # The member, through the link in their invitation (or staff recording their answer).
        Transition("accept", _l("Accept the seat"), ("invited",), "accepted", AUTHOR),
        Transition("decline", _l("Decline the seat"), ("invited",), "declined", AUTHOR),
        Transition("withdraw", _l("Record a withdrawal"), ("accepted",), "withdrawn", MANAGE),
    ),
)

# Draws whose record is public and whose pool may no longer change.
PUBLISHED = ("published", "done")
# Draws that will give no members.
ENDED = ("cancelled", "failed")
# Members who count in the panel: invited (no answer yet) or accepted.
SEATED = ("invited", "accepted")
# Members whose seat is free for the reserve list.
VACATED = ("declined", "withdrawn")


def status_label(life: Workflow, status: str) -> str:
    """How the pages name ``status`` of ``life`` (the status itself if it is not declared)."""
    try:
        return str(life.state(status).label)
    except KeyError:
        return status
