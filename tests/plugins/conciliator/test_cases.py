"""A case from referral to closing: reference and acknowledgement, clear errors that keep what
was typed, private messages and internal notes, a question to a service, decisions with their
reasons, withdrawal, the whole case file, the dashboard and the audit log."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from core.services.audit import AuditEntry
from core.database import db

REFERRAL = {"title": "Parking fine contested", "body": "I was fined while my card was displayed.",
            "prior_complaint_date": "2026-01-05", "prior_steps": "A letter to the parking office.",
            "hoped_outcome": "The fine cancelled."}


def refer(client, services, **changes):
    data = dict(REFERRAL, service_id=services["Parking"].id, **changes)
    return client.post("/mediation/refer", data=data, follow_redirects=True)


def test_a_referral_gets_a_reference_and_an_acknowledgement(client, users, login, services, smtp,
                                                           conciliator):
    from plugins.conciliator.models import Case

    login(client, users["resident"])
    page = refer(client, services)
    case = db.session.scalar(select(Case))
    assert case.reference.startswith("MED-") and case.reference.endswith("-0001")
    assert f"Its reference is {case.reference}" in page.text
    mail = [m for m in smtp.messages if m["To"] == users["resident"].email]
    assert mail and case.reference in mail[0]["Subject"]
    assert case.state == "received" and case.author_id == users["resident"].id
    assert refer(client, services, title="Second").status_code == 200
    assert db.session.scalars(select(Case.reference).order_by(Case.id)).all()[1].endswith("-0002")
    assert client.get("/mediation/mine").text.count("MED-") == 2


def test_bad_input_is_explained_and_nothing_typed_is_lost(client, users, login, services):
    login(client, users["resident"])
    page = client.post("/mediation/refer", data=dict(REFERRAL, service_id=-1, body=""))
    assert page.status_code == 400
    assert "Choose the service concerned." in page.text
    assert "Describe what happened." in page.text
    assert "A letter to the parking office." in page.text and "Parking fine contested" in page.text
    page = refer(client, services, prior_complaint_date="2999-01-01")
    assert "This date is in the future." in page.text
    page = client.post("/mediation/refer", data=dict(
        REFERRAL, service_id=services["Parking"].id,
        file=(io.BytesIO(b"not a real file"), "scan.pdf")), content_type="multipart/form-data")
    assert page.status_code == 400
    assert "This file is not an image we can read" in page.text
    assert "The fine cancelled." in page.text


def test_messages_notes_and_a_question_to_a_service(app, client, users, login, make_case,
                                                   conciliator, make_user):
    resident = users["resident"]
    case = make_case(resident)
    clerk = make_user("clerk@example.org", "Clara Clerk", roles=["staff"])
    login(client, conciliator)
    client.post(f"/mediation/cases/{case.id}/messages", data={"body": "Please send the fine."})
    client.post(f"/mediation/cases/{case.id}/messages",
                data={"body": "Resident seems right.", "internal": "y"})
    bad = client.post(f"/mediation/cases/{case.id}/invitations",
                      data={"email": "nobody@example.org", "question": "Why this fine?"})
    assert bad.status_code == 400 and "No staff account has this e-mail address." in bad.text
    assert "Why this fine?" in bad.text
    client.post(f"/mediation/cases/{case.id}/invitations",
                data={"email": "clerk@example.org", "question": "Why this fine?"})

    staff_client = app.test_client()
    login(staff_client, clerk)
    page = staff_client.get(f"/mediation/cases/{case.id}")
    assert "Why this fine?" in page.text
    assert "Resident seems right." not in page.text and "Please send the fine." not in page.text
    from plugins.conciliator.models import Invitation

    invitation = db.session.scalar(select(Invitation))
    staff_client.post(f"/mediation/cases/{case.id}/invitations/{invitation.id}/answer",
                      data={"answer": "The card was expired."})
    assert "The card was expired." in client.get(f"/mediation/cases/{case.id}").text

    resident_client = app.test_client()
    login(resident_client, resident)
    page = resident_client.get(f"/mediation/cases/{case.id}")
    assert "Please send the fine." in page.text
    assert "Resident seems right." not in page.text
    empty = resident_client.post(f"/mediation/cases/{case.id}/messages", data={"body": " "})
    assert empty.status_code == 400 and "Write a message." in empty.text
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"conciliator.case.viewed", "conciliator.case.message", "conciliator.case.note",
            "conciliator.case.invited", "conciliator.case.answered"} <= actions


def test_inadmissible_needs_a_reason_which_the_resident_receives(client, users, login, make_case,
                                                                conciliator, smtp):
    case = make_case(users["resident"])
    login(client, conciliator)
    page = client.post(f"/mediation/cases/{case.id}/decide/reject", data={"comment": ""})
    assert page.status_code == 400
    assert "Please explain this decision" in page.text
    client.post(f"/mediation/cases/{case.id}/decide/reject",
                data={"comment": "This is a dispute with a private company."})
    db.session.refresh(case)
    assert case.state == "inadmissible" and case.decided_at is not None
    mail = [m for m in smtp.messages if "cannot be handled" in m["Subject"]][0]
    text = mail.get_body(("plain",)).get_content()
    assert "This is a dispute with a private company." in text
    assert "Défenseur des droits" in text


def test_from_admissible_to_agreement(client, users, login, make_case, conciliator):
    case = make_case(users["resident"])
    login(client, conciliator)
    client.post(f"/mediation/cases/{case.id}/decide/admit", data={})
    client.post(f"/mediation/cases/{case.id}/decide/start", data={})
    client.post(f"/mediation/cases/{case.id}/decide/agreement",
                data={"comment": "The fine is cancelled."})
    db.session.refresh(case)
    assert (case.state, case.outcome) == ("closed", "agreement") and case.closed_at is not None
    page = client.get(f"/mediation/cases/{case.id}")
    assert "Agreement reached" in page.text and "The fine is cancelled." in page.text
    assert "conciliator.case.agreement" in set(db.session.scalars(select(AuditEntry.action)))


def test_the_resident_is_told_the_new_status_of_their_case(client, users, login, make_case,
                                                          conciliator):
    from core.services.notifications import Notification

    case = make_case(users["resident"])
    login(client, conciliator)
    client.post(f"/mediation/cases/{case.id}/decide/admit", data={})
    messages = db.session.scalars(select(Notification.message)
                                  .where(Notification.user_id == users["resident"].id)).all()
    assert any(case.title in m and "Admissible" in m for m in messages)


def test_no_admissibility_without_a_prior_complaint(client, users, login, make_case, conciliator):
    case = make_case(users["resident"], prior_complaint_date=None)
    login(client, conciliator)
    page = client.post(f"/mediation/cases/{case.id}/decide/admit", data={}, follow_redirects=True)
    assert "This action is not available." in page.text
    db.session.refresh(case)
    assert case.state == "received"


def test_the_resident_withdraws_and_downloads_the_case_file(client, users, login, make_case):
    case = make_case(users["resident"])
    login(client, users["resident"])
    client.post(f"/mediation/cases/{case.id}/messages", data={"body": "Here is my card."})
    client.post(f"/mediation/cases/{case.id}/files", content_type="multipart/form-data",
                data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "card.pdf")})
    client.post(f"/mediation/cases/{case.id}/decide/withdraw", data={})
    db.session.refresh(case)
    assert (case.state, case.outcome) == ("closed", "withdrawn")
    response = client.get(f"/mediation/cases/{case.id}/case-file.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = json.loads(archive.read("case.json"))
    assert document["reference"] == case.reference
    assert [m["text"] for m in document["messages"]] == ["Here is my card."]
    assert any(name.endswith("card.pdf") for name in archive.namelist())
    # A closed case takes no more messages from the resident.
    assert client.post(f"/mediation/cases/{case.id}/messages", data={"body": "x"}).status_code == 403


def test_the_dashboard_flags_overdue_cases(app, client, users, login, make_case, conciliator):
    from datetime import timedelta

    from core.database import utcnow

    make_case(users["resident"], title="Old one", created_at=utcnow() - timedelta(days=40))
    make_case(users["resident"], title="New one")
    login(client, conciliator)
    page = client.get("/mediation/dashboard")
    assert "1 case is overdue." in page.text
    assert page.text.index("Old one") < page.text.index("New one")
    admin = app.test_client()
    login(admin, users["admin"])
    assert admin.get("/mediation/dashboard").status_code == 403


def test_a_case_already_moved_on_is_not_flagged_as_not_opened(client, users, login, make_case,
                                                             conciliator):
    """A case declared admissible or in progress was opened, even without the opening click."""
    from datetime import timedelta

    from core.database import utcnow

    recent = utcnow() - timedelta(days=6)
    make_case(users["resident"], title="Moved on", state="in_progress", created_at=recent,
              decided_at=recent)
    login(client, conciliator)
    page = client.get("/mediation/dashboard")
    assert "Moved on" in page.text
    assert "overdue" not in page.text.split("Moved on", 1)[1].split("</tr>", 1)[0]


def test_staff_maintain_the_services(client, users, login):
    login(client, users["staff"])
    client.post("/mediation/services", data={"name": "Libraries"})
    assert "Libraries" in client.get("/mediation/services").text
    twice = client.post("/mediation/services", data={"name": "libraries"})
    assert "This service is already in the list." in twice.text
