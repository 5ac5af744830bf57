"""Workflows: declared moves only, each recorded on the timeline, and plugins told."""

import pytest

from core.database import db
from core.events import WorkflowTransitioned
from core.hookspecs import hookimpl
from core.workflows import TransitionRefused, apply, timeline


class Listener:
    """A plugin that records the events it hears."""

    def __init__(self):
        self.events = []

    @hookimpl
    def track_event(self, event):
        self.events.append(event)


@pytest.fixture
def listener():
    return Listener()


@pytest.fixture
def app_config(listener):
    from . import noticeboard

    return {"EXTRA_PLUGINS": {"noticeboard": noticeboard, "listener": listener}}


def test_staff_moves_a_notice_and_the_timeline_shows_it(client, users, login, make_notice, listener):
    notice = make_notice(users["resident"])
    login(client, users["staff"])
    page = client.get(f"/notices/{notice.id}")
    assert "Start the review" in page.text  # staff are offered the transitions they may apply

    response = client.post(f"/content/noticeboard.notice/{notice.id}/transition/review",
                           data={"comment": "The parks department looks at it."},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Under review" in response.text
    assert "The parks department looks at it." in response.text
    db.session.refresh(notice)
    assert notice.state == "under_review"
    [record] = timeline(notice)
    assert (record.from_state, record.to_state, record.actor_id) == ("published", "under_review", users["staff"].id)
    [event] = [e for e in listener.events if isinstance(e, WorkflowTransitioned)]
    assert (event.content_id, event.transition, event.to_state) == (notice.id, "review", "under_review")


def test_a_resident_cannot_apply_a_staff_transition(client, users, login, make_notice):
    notice = make_notice(users["resident"])
    login(client, users["resident"])
    page = client.get(f"/notices/{notice.id}")
    assert "Start the review" not in page.text
    response = client.post(f"/content/noticeboard.notice/{notice.id}/transition/accept",
                           follow_redirects=True)
    assert "You are not allowed to do this." in response.text
    db.session.refresh(notice)
    assert notice.state == "published"
    assert timeline(notice) == []


def test_undeclared_moves_and_missing_reasons_are_refused(app, users, make_notice):
    notice = make_notice(users["resident"], state="accepted")
    with pytest.raises(TransitionRefused, match="not possible in the current state"):
        apply(notice, "review", users["staff"])
    with pytest.raises(TransitionRefused, match="does not exist"):
        apply(notice, "teleport", users["staff"])
    other = make_notice(users["resident"])
    with pytest.raises(TransitionRefused, match="explain this decision"):
        apply(other, "reject", users["staff"], comment="  ")
    record = apply(other, "reject", users["staff"], comment="Not on public land.")
    db.session.commit()
    assert record.comment == "Not on public land."


def test_the_author_publishes_their_draft(client, users, login):
    login(client, users["resident"])
    response = client.post("/notices/new", data={"title": "Lost cat", "body": "Grey, answers to Mistigri."})
    notice_url = response.headers["Location"]
    notice_id = int(notice_url.rstrip("/").rsplit("/", 1)[1])
    response = client.post(f"/content/noticeboard.notice/{notice_id}/transition/publish",
                           follow_redirects=True)
    assert "Published" in response.text
    # Someone else cannot publish another person's draft.
    other = client.application.test_client()
    from core.testing import TEST_PASSWORD

    other.post("/account/login", data={"email": users["moderator"].email, "password": TEST_PASSWORD})
    response = other.post(f"/content/noticeboard.notice/{notice_id}/transition/publish", follow_redirects=True)
    assert "not possible in the current state" in response.text or "not allowed" in response.text


def test_staff_transitions_are_in_the_audit_log(client, users, login, make_notice):
    from core.services.audit import AuditEntry

    notice = make_notice(users["resident"])
    login(client, users["staff"])
    client.post(f"/content/noticeboard.notice/{notice.id}/transition/accept", data={"comment": ""})
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "workflow.accept")).one()
    assert entry.actor_id == users["staff"].id
    assert entry.object_id == str(notice.id)


def test_who_makes_a_move_is_checked_against_its_declaration(app, users, make_notice, listener):
    """The system's moves are made by the system only, the people's by people only, and an
    answer transition only by publishing an answer."""
    from core.workflows import THE_SYSTEM, move

    notice = make_notice(users["resident"])
    with pytest.raises(TransitionRefused, match="not available"):
        move(notice, "expire", users["staff"])
    with pytest.raises(TransitionRefused, match="not available"):
        move(notice, "review", THE_SYSTEM)
    with pytest.raises(TransitionRefused, match="not available"):
        move(notice, "answer_accept", users["staff"])
    with pytest.raises(TransitionRefused, match="not available"):
        apply(notice, "expire", users["admin"])
    db.session.rollback()
    assert timeline(notice) == []

    record = move(notice, "expire", THE_SYSTEM)
    db.session.commit()
    db.session.refresh(notice)
    assert (notice.state, record.actor_id) == ("rejected", None)
    [event] = [e for e in listener.events if isinstance(e, WorkflowTransitioned)]
    assert (event.transition, event.actor_id) == ("expire", None)
