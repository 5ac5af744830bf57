"""The idea box's staff forms, given bad input: a clear message, never an error page, and
nothing already saved lost (the study, the decision, the implementation steps, the departments
and the campaigns)."""

from __future__ import annotations

from datetime import date

import pytest

from core.database import db
from plugins.idea_box.models import Campaign, Department

from ..bad_input import HUGE, OVERLONG, no_form_fails, refused, refuses_each


@pytest.fixture
def setup(client, users, login, make_idea):
    """A department, a campaign, an idea to study and an accepted one; staff signed in."""
    department = Department(name="Parks and gardens")
    campaign = Campaign(name="Ideas 2027", submission_start=date(2027, 1, 10),
                        submission_end=date(2027, 2, 28), support_end=date(2027, 3, 31),
                        study_end=date(2027, 5, 31), results_date=date(2027, 6, 15))
    db.session.add_all([department, campaign])
    db.session.commit()
    ideas = {"eligible": make_idea(users["resident"], title="Benches in the park", state="eligible"),
             "accepted": make_idea(users["resident"], title="A cycle lane", state="accepted")}
    login(client, users["staff"])
    return {"department": department, "campaign": campaign, **ideas}


STUDY = [
    ({"department": ""}, "Choose the department in charge."),
    ({"department": None}, "Choose the department in charge."),
    ({"department": "999999"}, "Not a valid choice."),
    ({"department": "Parks"}, "Not a valid choice."),
    ({"technical": OVERLONG}, "5,000 characters at most."),
    ({"estimated_cost": "-1"}, "Enter a whole number of euros, from 0 to 100,000,000."),
    ({"estimated_cost": HUGE}, "Enter a whole number of euros, from 0 to 100,000,000."),
    ({"estimated_cost": "a lot"}, "Not a valid integer value."),
    ({"estimated_delay_months": "241"}, "Enter a number of months, from 0 to 240."),
    ({"estimated_delay_months": "-3"}, "Enter a number of months, from 0 to 240."),
]


def test_the_study_form(client, setup):
    form = {"department": str(setup["department"].id), "technical": "Feasible.", "legal": "",
            "within_competence": "y", "estimated_cost": "1000", "estimated_delay_months": "6"}
    refuses_each(client, f"/ideas/{setup['eligible'].id}/study", form, STUDY)


DECISION = [
    ({"decision": ""}, "Choose a decision."),
    ({"decision": None}, "Choose a decision."),
    ({"decision": "postponed"}, "Not a valid choice."),
    ({"decision": "rejected", "reason": "   "}, "Explain this decision: the explanation is published."),
    ({"decision": "rejected", "reason": OVERLONG * 3}, "20,000 characters at most."),
    ({"decision": "merged", "reason": "Same idea."}, "Give the number of the idea to merge into."),
    # Too large for an id: the database refused it with an error.
    ({"decision": "merged", "reason": "Same idea.", "merge_into": HUGE},
     "There is no published idea with this number."),
    ({"decision": "merged", "reason": "Same idea.", "merge_into": "-2"},
     "There is no published idea with this number."),
    ({"decision": "merged", "reason": "Same idea.", "merge_into": "twelve"},
     "Not a valid integer value."),
    ({"decision": "merged", "reason": "Same idea.", "merge_into": "999999"},
     "There is no published idea with this number."),
]


def test_the_decision_form(client, setup):
    idea = setup["eligible"]
    refuses_each(client, f"/ideas/{idea.id}/decision", {"reason": "", "publish_now": "y"}, DECISION + [
        ({"decision": "merged", "reason": "Same.", "merge_into": str(idea.id)},
         "An idea cannot be merged into itself.")])


STEP = [
    ({"happened_on": ""}, "Give the date of the step."),
    ({"happened_on": "2026-02-30"}, "Not a valid date value."),
    ({"title": ""}, "Name the step."),
    ({"title": "    "}, "Name the step."),
    ({"title": OVERLONG}, "150 characters at most."),
    ({"description": OVERLONG}, "5,000 characters at most."),
    ({"progress": ""}, "Give the progress, from 0 to 100."),
    ({"progress": None}, "Give the progress, from 0 to 100."),
    ({"progress": "101"}, "A percentage is between 0 and 100."),
    ({"progress": "-5"}, "A percentage is between 0 and 100."),
    ({"progress": HUGE}, "A percentage is between 0 and 100."),
    ({"progress": "half"}, "Not a valid integer value."),
    ({"budget_spent": "-1"}, "Enter a whole number of euros, from 0 to 100,000,000."),
    ({"budget_spent": HUGE}, "Enter a whole number of euros, from 0 to 100,000,000."),
    ({"photo_description": OVERLONG}, "300 characters at most."),
]


def test_the_implementation_step_form(client, setup):
    form = {"happened_on": "2026-05-04", "title": "Works started", "description": "",
            "progress": "20", "budget_spent": ""}
    refuses_each(client, f"/ideas/{setup['accepted'].id}/implementation", form, STEP)


def test_steps_and_setup_rows_that_do_not_exist(client, setup):
    idea = setup["accepted"]
    refused(client, f"/ideas/{idea.id}/steps/999999/delete", {}, "This step no longer exists.")
    refused(client, "/ideas/setup/departments/999999/delete", {}, "This department no longer exists.")
    refused(client, "/ideas/setup/campaigns/999999/delete", {}, "This campaign no longer exists.")
    refused(client, f"/ideas/{setup['eligible'].id}/implementation",
            {"happened_on": "2026-05-04", "title": "Works", "progress": "20"},
            "Only accepted ideas have an implementation to follow.")


def test_the_department_form(client, setup):
    refuses_each(client, "/ideas/setup/departments", {}, [
        ({"name": ""}, "Give the department a name."), ({"name": "   "}, "Give the department a name."),
        ({}, "Give the department a name."), ({"name": OVERLONG}, "120 characters at most."),
        ({"name": "PARKS AND GARDENS"}, "This department already exists.")])


CAMPAIGN = [
    ({"name": ""}, "Give the campaign a name."),
    ({"name": " \t "}, "Give the campaign a name."),
    ({"name": OVERLONG}, "150 characters at most."),
    ({"submission_start": ""}, "This field is required."),
    ({"study_end": None}, "This field is required."),
    ({"submission_end": "28/02/2027"}, "Not a valid date value."),
    ({"support_end": "2027-02-01"}, "This date must not be before “Ideas accepted until”."),
    ({"results_date": "2020-01-01"}, "This date must not be before “Studies finished by”."),
]


def test_the_campaign_forms(client, setup):
    form = {"name": "Ideas 2028", "submission_start": "2027-01-10", "submission_end": "2027-02-28",
            "support_end": "2027-03-31", "study_end": "2027-05-31", "results_date": "2027-06-15"}
    refuses_each(client, ["/ideas/setup/campaigns", f"/ideas/setup/campaigns/{setup['campaign'].id}"],
                 form, CAMPAIGN)


def test_no_staff_form_answers_a_server_error(client, setup):
    """Every form of the idea box's staff pages, each field blank, spaces, huge, "nan", 10,000
    characters long or left out."""
    no_form_fails(client, ["/ideas/study-queue", "/ideas/setup", f"/ideas/{setup['eligible'].id}/study",
                           f"/ideas/{setup['accepted'].id}/implementation"], "/ideas/")
