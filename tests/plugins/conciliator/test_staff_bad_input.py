"""The mediation office's staff forms, given bad input: a clear message, never an error page,
and nothing already saved lost (the case, its messages, the questions to services, the list of
services)."""

from __future__ import annotations

import pytest

from core.database import db
from plugins.conciliator.models import Invitation

from ..bad_input import OVERLONG, no_form_fails, refused, refuses_each


@pytest.fixture
def case(client, login, users, conciliator, make_case):
    """A case received, that the conciliator signed in has already opened."""
    case = make_case(users["resident"])
    login(client, conciliator)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 200
    return case


def test_the_decision_forms(client, case):
    refuses_each(client, f"/mediation/cases/{case.id}/decide/reject", {}, [
        ({"comment": ""}, None),
        ({"comment": "   "}, None),
        ({"comment": OVERLONG + "x"}, "10,000 characters at most."),
    ])
    for name in ("close", "fly", "withdraw"):  # not from this state, unknown, the resident's
        response = refused(client, f"/mediation/cases/{case.id}/decide/{name}", {"comment": "Done."})
        assert response.status_code in (400, 403, 404), name


def test_the_question_to_a_service(client, users, case, make_user):
    make_user("clerk@example.org", "Carl Clerk", roles=["staff"])
    refuses_each(client, f"/mediation/cases/{case.id}/invitations",
                 {"email": "clerk@example.org", "question": "Was the card displayed?"}, [
        ({"email": ""}, "Enter the staff member's e-mail address."),
        ({"email": "   "}, "Enter the staff member's e-mail address."),
        ({"email": "clerk"}, "Enter a valid e-mail address."),
        ({"email": "nobody@example.org"}, "No staff account has this e-mail address."),
        ({"email": users["resident"].email}, "No staff account has this e-mail address."),
        ({"email": "x" * 300 + "@example.org"}, None),
        ({"question": " \n "}, "Write your question."),
        ({"question": None}, "Write your question."),
        ({"question": OVERLONG + "x"}, "10,000 characters at most."),
    ])


def test_the_answer_of_a_service(app, client, login, users, case, make_user, conciliator):
    clerk = make_user("clerk@example.org", "Carl Clerk", roles=["staff"])
    client.post(f"/mediation/cases/{case.id}/invitations",
                data={"email": clerk.email, "question": "Was the card displayed?"})
    invitation = db.session.scalar(db.select(Invitation))
    clerk_client = app.test_client()
    login(clerk_client, clerk)
    refuses_each(clerk_client, f"/mediation/cases/{case.id}/invitations/{invitation.id}/answer", {}, [
        ({"answer": ""}, "Write your answer."),
        ({"answer": "   "}, "Write your answer."),
        ({"answer": OVERLONG + "x"}, "10,000 characters at most."),
    ])
    assert clerk_client.post(f"/mediation/cases/{case.id}/invitations/999999/answer",
                             data={"answer": "Yes."}).status_code == 404


def test_the_case_messages(client, case):
    refuses_each(client, f"/mediation/cases/{case.id}/messages", {"internal": "y"}, [
        ({"body": ""}, "Write a message."),
        ({"body": "  "}, "Write a message."),
        ({"body": OVERLONG + "x"}, "10,000 characters at most."),
    ])


def test_the_services_form(client, case):
    refuses_each(client, "/mediation/services", {}, [
        ({"name": ""}, "Enter the name of the service."),
        ({"name": "   "}, "Enter the name of the service."),
        ({"name": OVERLONG}, "120 characters at most."),
        ({"name": "parking"}, "This service is already in the list."),
    ])
    assert client.post("/mediation/services/999999/toggle").status_code == 404


def test_no_staff_form_answers_a_server_error(client, case):
    """Every form of the mediation office's pages, each field blank, spaces, huge, "nan",
    10,000 characters long or left out."""
    no_form_fails(client, ["/mediation/dashboard", "/mediation/services", f"/mediation/cases/{case.id}"],
                  "/mediation/")
