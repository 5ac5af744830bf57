"""The finance commission's staff forms, given bad input: a clear message, never an error page,
and nothing already saved lost (a year's accounts, the comparable cities' averages, the
questions)."""

from __future__ import annotations

import io

import pytest

from core.database import db
from plugins.finance_commission.models import Comparison, Question

from ..bad_input import HUGE, OVERLONG, no_form_fails, refused, refuses_each


@pytest.fixture
def imported(client, login, users, upload, sample):
    """The accounts of 2024 imported, and an average recorded; staff signed in."""
    login(client, users["staff"])
    assert upload(client, sample("simple.csv")).status_code == 302
    client.post("/finances/admin/comparisons", data={
        "comparison-year": "2024", "comparison-indicator": "debt_per_inhabitant",
        "comparison-value": "1200", "comparison-source": "DGCL"})
    assert db.session.scalar(db.select(Comparison.value)) == 1200


IMPORT = [
    ({"year": ""}, "Give the year of the accounts."),
    ({"year": "1800"}, "Give a year between 1990 and 2100."),
    ({"year": HUGE}, "Give a year between 1990 and 2100."),
    ({"year": "twenty"}, "Give the year of the accounts."),
    ({"population": "0"}, "Give the population of the year."),
    ({"population": "-5"}, "Give the number of inhabitants."),
    ({"population": HUGE}, "Give the number of inhabitants."),
    ({"outstanding_debt": "-1"}, "The debt cannot be negative."),
    ({"outstanding_debt": "lots"}, "Not a valid decimal value."),
    # What Python reads as a number but is none: "sNaN" was a server error, "Infinity" saved.
    ({"outstanding_debt": "NaN"}, "Enter the debt in euros, for example 36000000."),
    ({"outstanding_debt": "sNaN"}, "Enter the debt in euros, for example 36000000."),
    ({"outstanding_debt": "Infinity"}, "Enter the debt in euros, for example 36000000."),
    ({"outstanding_debt": "1e30"}, "Enter the debt in euros, for example 36000000."),
    ({"file": None}, "Choose the CSV file of the accounts."),
    ({"file": b"\x00\xff\xfe garbage"}, "Nothing was imported"),
    ({"file": b""}, None),
]


def test_the_import_form(client, imported, sample):
    failures = []
    for changes, message in IMPORT:
        form = {"year": "2024", "population": "100000", "outstanding_debt": "36000000",
                "file": sample("simple.csv"), **changes}
        if form["file"] is None:
            del form["file"]
        else:
            form["file"] = (io.BytesIO(form["file"]), "accounts.csv")
        try:
            refused(client, "/finances/admin/import", form, message,
                    content_type="multipart/form-data")
        except AssertionError as error:
            failures.append(f"{changes!r:.80}: {error}")
    assert not failures, "\n".join(failures)


COMPARISON = [
    ({"comparison-value": ""}, "Give the average value."),
    ({"comparison-value": None}, "Give the average value."),
    ({"comparison-value": "high"}, "Not a valid float value."),
    # "nan" was a server error; "inf" was saved, and the import page was an error from then on.
    ({"comparison-value": "nan"}, "Enter a number between -1,000,000,000 and 1,000,000,000."),
    ({"comparison-value": "inf"}, "Enter a number between -1,000,000,000 and 1,000,000,000."),
    ({"comparison-value": "1e400"}, "Enter a number between -1,000,000,000 and 1,000,000,000."),
    ({"comparison-value": HUGE}, "Enter a number between -1,000,000,000 and 1,000,000,000."),
    ({"comparison-year": "1800"}, "Give a year between 1990 and 2100."),
    ({"comparison-year": ""}, "Give the year."),
    ({"comparison-indicator": "happiness"}, "Not a valid choice."),
    ({"comparison-source": OVERLONG}, "250 characters at most."),
]


def test_the_comparison_form(client, imported):
    form = {"comparison-year": "2024", "comparison-indicator": "debt_per_inhabitant",
            "comparison-value": "900", "comparison-source": "DGCL"}
    refuses_each(client, "/finances/admin/comparisons", form, COMPARISON)
    # An average of 0 is one like any other.
    client.post("/finances/admin/comparisons", data={**form, "comparison-value": "0"})
    assert db.session.scalar(db.select(Comparison.value)) == 0


def test_the_moderation_and_answer_forms(app, client, login, users, make_user):
    login(client, users["resident"])
    client.post("/finances/questions", data={"title": "Why does the debt grow?", "body": ""})
    question = db.session.scalar(db.select(Question))
    client.post("/account/logout")
    login(client, make_user("member@example.org", roles=["commission_member", "moderator"]))
    url = f"/finances/questions/{question.id}/moderate"
    refuses_each(client, url, {"decision": "decline"}, [
        ({"reason": ""}, "Explain why the question is not published."),
        ({"reason": "   "}, "Explain why the question is not published."),
        ({"reason": OVERLONG}, "2,000 characters at most."),
        ({"decision": "burn"}, "Choose to publish the question or to decline it."),
        ({"decision": None}, "Choose to publish the question or to decline it."),
    ])
    client.post(url, data={"decision": "approve"})
    refuses_each(client, f"/finances/questions/{question.id}/answer", {}, [
        ({"body": ""}, "Write the answer."),
        ({"body": " \n "}, "Write the answer."),
        ({"body": OVERLONG * 3}, "20,000 characters at most."),
    ])
    response = refused(client, url, {"decision": "approve"})  # published: not to moderate now
    assert response.status_code == 403


def test_no_staff_form_answers_a_server_error(client, imported):
    """Every form of the finance commission's staff pages, each field blank, spaces, huge,
    "nan", 10,000 characters long or left out."""
    no_form_fails(client, ["/finances/admin/import", "/finances/admin/questions", "/finances/"],
                  "/finances/")
