"""The lives of a draw and of a drawn member are declared (``workflow.py``): they move only by
their declared transitions, and a move that is not declared raises and changes nothing."""

from __future__ import annotations

import pytest

from plugins.council_draw.draws import set_draw_status, set_member_status
from plugins.council_draw.models import Draw, Member
from plugins.council_draw.workflow import DRAW_LIFE, MEMBER_LIFE


def test_a_draw_moves_only_by_its_declared_transitions():
    draw = Draw(status=DRAW_LIFE.initial)
    for transition, status in (("computed", "prepared"), ("publish", "published"),
                               ("ceremony", "done")):
        set_draw_status(draw, transition)
        assert draw.status == status
    with pytest.raises(ValueError):
        set_draw_status(draw, "cancel")  # a draw that took place stays
    with pytest.raises(ValueError):
        set_draw_status(draw, "no such move")
    assert draw.status == "done"


def test_a_member_moves_only_by_its_declared_transitions():
    member = Member(status=MEMBER_LIFE.initial)
    set_member_status(member, "invite")
    set_member_status(member, "accept")
    with pytest.raises(ValueError):
        set_member_status(member, "decline")  # an accepted member withdraws instead
    set_member_status(member, "withdraw")
    assert member.status == "withdrawn"
    with pytest.raises(ValueError):
        set_member_status(member, "invite")
    assert member.status == "withdrawn"
