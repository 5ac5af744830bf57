"""Bodies and meetings: a core service proven with the noticeboard test plugin, which owns a
residents' committee and declares its pages under /notices/bodies/."""

from datetime import datetime, timedelta, timezone

import pytest

from core.services.audit import AuditEntry
from core.services.bodies import (
    Body, BodyError, BodyMember, Meeting, add_document, add_member, ensure_body, meetings_held,
    publish_minutes, schedule_meeting,
)
from core.database import db, utcnow


@pytest.fixture
def committee(app):
    body = ensure_body("noticeboard", "committee", "Residents' committee", "Reads every notice.")
    db.session.commit()
    return body


def test_a_plugin_owns_its_bodies_and_ensure_body_is_idempotent(committee):
    again = ensure_body("noticeboard", "committee", "Another name")
    assert again.id == committee.id
    assert db.session.scalar(db.select(db.func.count(Body.id))) == 1


def test_the_public_sees_members_and_meetings_under_the_owner_plugin(client, committee, users):
    add_member(committee, "Claire Dubois", "elected", "Chair")
    add_member(committee, "", "resident", user=users["resident"])
    past = schedule_meeting(committee, "Spring meeting", utcnow() - timedelta(days=3), "Town hall")
    schedule_meeting(committee, "Autumn meeting", utcnow() + timedelta(days=30), "Library",
                     "1. Budget\n2. Questions")
    publish_minutes(past, "We read **twelve** notices.")
    db.session.commit()

    page = client.get("/notices/bodies/committee").get_data(as_text=True)
    assert "committee" in page and "Reads every notice." in page
    assert "Claire Dubois" in page and "Elected official" in page and "Chair" in page
    assert "Rose Resident" in page
    assert "Autumn meeting" in page and "Spring meeting" in page
    assert "Add a member" not in page  # visitors do not manage

    minutes = client.get(f"/notices/bodies/meetings/{past.id}").get_data(as_text=True)
    assert "<strong>twelve</strong>" in minutes
    assert client.get("/notices/bodies/unknown").status_code == 404


def test_minutes_only_after_the_meeting(committee):
    future = schedule_meeting(committee, "Next meeting", utcnow() + timedelta(days=2))
    with pytest.raises(BodyError):
        publish_minutes(future, "Too early")
    assert future.minutes_published_at is None


def test_staff_run_the_body_from_its_pages_and_it_is_audited(client, login, users, committee):
    login(client, users["staff"])
    response = client.post("/notices/bodies/committee/members",
                           data={"name": "Paul Ehrhart", "kind": "resident", "role": "Secretary",
                                 "email": users["resident"].email})
    assert response.status_code == 302
    member = db.session.scalar(db.select(BodyMember))
    assert member.user_id == users["resident"].id and member.role == "Secretary"

    day = (utcnow() - timedelta(days=1)).date()
    response = client.post("/notices/bodies/committee/meetings",
                           data={"title": "Budget meeting", "day": day.isoformat(), "hour": "18:30",
                                 "place": "Room 2", "agenda": "The accounts"})
    meeting = db.session.scalar(db.select(Meeting))
    assert response.headers["Location"].endswith(f"/notices/bodies/meetings/{meeting.id}")

    client.post(f"/notices/bodies/meetings/{meeting.id}/documents",
                data={"title": "Slides", "url": "https://example.org/slides.pdf"})
    client.post(f"/notices/bodies/meetings/{meeting.id}/minutes", data={"minutes": "All agreed."})
    page = client.get(f"/notices/bodies/meetings/{meeting.id}").get_data(as_text=True)
    assert "https://example.org/slides.pdf" in page and "All agreed." in page
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"bodies.member_added", "bodies.meeting_scheduled", "bodies.document_added",
            "bodies.minutes_published"} <= actions
    assert meetings_held("noticeboard") == 1


def test_bad_input_is_reported_in_the_form(client, login, users, committee):
    login(client, users["staff"])
    response = client.post("/notices/bodies/committee/members", data={"name": "", "kind": "resident"})
    assert response.status_code == 422
    assert "Give the member" in response.get_data(as_text=True) and "s name." in response.get_data(as_text=True)
    response = client.post("/notices/bodies/committee/members",
                           data={"name": "X", "kind": "resident", "email": "nobody@example.org"})
    assert "No account has this e-mail address." in response.get_data(as_text=True)
    future = schedule_meeting(committee, "Later", utcnow() + timedelta(days=5))
    db.session.commit()
    response = client.post(f"/notices/bodies/meetings/{future.id}/minutes", data={"minutes": "Early"})
    assert response.status_code == 422
    assert "only after the meeting" in response.get_data(as_text=True)


def test_residents_may_not_manage_bodies(client, login, users, committee):
    login(client, users["resident"])
    response = client.post("/notices/bodies/committee/members", data={"name": "Me", "kind": "resident"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(BodyMember.id))) == 0


def test_a_members_data_is_exported_and_erased(client, login, users, committee):
    add_member(committee, "Rose Resident", "resident", "Member", user=users["resident"])
    db.session.commit()
    login(client, users["resident"])
    from core.plugins import manager

    exported = dict(manager().each("export_user_data", user=users["resident"]))
    assert exported["core.services.bodies"]["body_memberships"][0]["body"] == "Residents' committee"
    for _name, _result in manager().each("erase_user_data", user=users["resident"]):
        pass
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(BodyMember.id))) == 0


def test_other_plugins_cannot_reach_a_body_through_their_urls(client, committee):
    other = ensure_body("someone_else", "board", "Board")
    meeting = schedule_meeting(other, "Secret", datetime(2024, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    assert client.get(f"/notices/bodies/meetings/{meeting.id}").status_code == 404
    assert client.get("/notices/bodies/board").status_code == 404
