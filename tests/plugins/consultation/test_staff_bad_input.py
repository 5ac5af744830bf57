"""The consultation's staff forms, given bad input: a clear message, never an error page, and
nothing already saved lost (the consultation, its questionnaire, its outcome).

``test_bad_input.py`` covers the residents' questionnaire and a few odd question values."""

from __future__ import annotations

import pytest

from core.database import db
from plugins.consultation.models import Proposal

from ..bad_input import HUGE, OVERLONG, no_form_fails, refused, refuses_each
from .test_staff import _form


@pytest.fixture
def staff(client, users, login):
    login(client, users["staff"])
    return users["staff"]


CONSULTATION = [
    ({"title": ""}, "Give the consultation a title."),
    ({"title": "      "}, "Give the consultation a title."),
    ({"title": None}, "Give the consultation a title."),
    ({"title": OVERLONG}, "The title must have between 5 and 200 characters."),
    ({"summary": "  \n  "}, "Write a short summary."),
    ({"summary": OVERLONG}, "1,000 characters at most."),
    ({"body": OVERLONG * 3}, "20,000 characters at most."),
    ({"opens_on": ""}, "Give the opening day."),
    ({"opens_on": "2026-02-30"}, "Not a valid date value."),
    ({"closes_on": "2000-01-01"}, "The closing day cannot come before the opening day."),
    ({"eligibility": "nobody"}, "Not a valid choice."),
    ({"eligibility": "residents"}, "Choose the neighbourhoods whose residents may take part."),
    ({"neighbourhoods": "999999"}, "'999999' is not a valid choice for this field."),
    ({"has_questionnaire": None}, "Choose at least one part: a questionnaire, proposals or arguments."),
    ({"latitude": "91", "longitude": "7.3"}, "A latitude is between -90 and 90."),
    ({"latitude": "nan", "longitude": "7.3"}, "A latitude is between -90 and 90."),
    ({"latitude": "47.7"}, "Give both the latitude and the longitude, or neither."),
    ({"place_address": OVERLONG}, "250 characters at most."),
]


def test_the_consultation_form(client, staff, make_consultation):
    consultation = make_consultation(state="draft")
    refuses_each(client, ["/consultations/new", f"/consultations/{consultation.id}/edit"],
                 _form(), CONSULTATION)


QUESTION = [
    ({"label": ""}, "Write the question."),
    ({"label": "   "}, "Write the question."),
    ({"label": OVERLONG}, "300 characters at most."),
    ({"help": OVERLONG}, "2,000 characters at most."),
    ({"kind": "essay"}, "Not a valid choice."),
    ({"kind": None}, "This field is required."),
    ({"options": "Yes"}, "Give at least two answers, one per line."),
    ({"options": "Yes\nyes\nYes"}, "Each answer must be different."),
    ({"options": "Yes\n" + "x" * 300}, "Each answer has 200 characters at most."),
    ({"options": OVERLONG}, "5,000 characters at most."),
    ({"kind": "multiple", "max_choices": "0"}, "Enter a number from 1 to 50."),
    ({"kind": "multiple", "max_choices": HUGE}, "Enter a number from 1 to 50."),
    ({"kind": "multiple", "max_choices": "two"}, "Not a valid integer value."),
    ({"kind": "scale", "scale_min": "-1"}, "Enter a number from 0 to 10."),
    ({"kind": "scale", "scale_max": HUGE}, "Enter a number from 1 to 10."),
    ({"kind": "scale", "scale_min": "5", "scale_max": "5"},
     "The highest value must be above the lowest value."),
    ({"kind": "scale", "scale_min_label": OVERLONG}, "100 characters at most."),
]


def test_the_question_forms(client, staff, make_consultation):
    consultation = make_consultation(state="draft")
    question = consultation.questions[0]
    refuses_each(client, [f"/consultations/{consultation.id}/questions/new",
                          f"/consultations/{consultation.id}/questions/{question.id}/edit"],
                 {"label": "Where should the shelter go?", "kind": "single", "options": "North\nSouth"},
                 QUESTION)


def test_a_questionnaire_people_answered_keeps_its_questions(
        client, users, login, make_consultation, answer):
    consultation = make_consultation()
    login(client, users["resident"])
    assert answer(consultation).status_code == 302
    client.post("/account/logout")
    login(client, users["staff"])
    question = consultation.questions[0]
    form = {"label": "Changed", "kind": "single", "options": "A\nB"}
    refused(client, f"/consultations/{consultation.id}/questions/{question.id}/edit", form,
            "Participants have already answered")
    refused(client, f"/consultations/{consultation.id}/questions/{question.id}/delete", {},
            "Participants have already answered")
    refused(client, f"/consultations/{consultation.id}/questions/new", {**form, "required": "y"},
            "a question added now must be optional")
    refused(client, f"/consultations/{consultation.id}/edit",
            _form(eligibility="residents", neighbourhoods=[]),
            "Choose the neighbourhoods whose residents may take part.")


def test_the_outcome_form(client, users, staff, make_consultation):
    consultation = make_consultation(state="closed")
    proposal = Proposal(consultation_id=consultation.id, title="Shade", body="Plant trees for shade.",
                        author_id=users["resident"].id, state="published")
    db.session.add(proposal)
    db.session.commit()
    url = f"/consultations/{consultation.id}/outcome"
    refuses_each(client, url, {}, [
        ({f"outcome-{proposal.id}": "adopted", f"reason-{proposal.id}": "Yes."},
         "Choose an outcome from the list."),
        ({f"outcome-{proposal.id}": "taken", f"reason-{proposal.id}": "   "},
         "Give the reason for this outcome: it is published."),
        ({f"outcome-{proposal.id}": "taken", f"reason-{proposal.id}": OVERLONG},
         "5,000 characters at most."),
        ({"synthesis": OVERLONG * 3}, "20,000 characters at most."),
        ({"decision": OVERLONG * 3}, "20,000 characters at most."),
    ])
    upcoming = make_consultation(state="open", title="Still open consultation")
    refused(client, f"/consultations/{upcoming.id}/outcome", {"synthesis": "Early."},
            "The synthesis and the decision are written once the consultation has closed.")


def test_questions_of_a_closed_consultation_and_ones_that_do_not_exist(
        client, staff, make_consultation):
    closed = make_consultation(state="closed")
    refused(client, f"/consultations/{closed.id}/questions/new",
            {"label": "Late question", "kind": "short_text"},
            "This consultation is closed: its questionnaire can no longer change.")
    assert client.post(f"/consultations/{closed.id}/questions/999999/edit",
                       data={"label": "x", "kind": "short_text"}).status_code == 404
    assert client.post("/consultations/999999/edit", data=_form()).status_code == 404
    # Answers that are not this consultation's, or decisions that are none, change nothing.
    refused(client, f"/consultations/{closed.id}/moderation",
            {"answer-abc": "approved", "answer-999999": "approved", "answer-1": "burn",
             f"answer-{HUGE}": "approved"}, "Moderation saved: 0 answers changed.")


def test_no_staff_form_answers_a_server_error(client, staff, make_consultation):
    """Every form of the consultations' staff pages, each field blank, spaces, huge, "nan",
    10,000 characters long or left out."""
    for state in ("draft", "open", "closed"):
        make_consultation(state=state, title=f"Consultation {state}")
    no_form_fails(client, ["/consultations/manage"], "/consultations/")
