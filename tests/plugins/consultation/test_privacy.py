"""What the results and exports never show: the figures of a question too few people answered
(so that nobody can work out what someone else chose), a free text before the staff approved it,
the author of a free text; and the responses file cannot run a formula in the staff's spreadsheet."""

import csv
import io

import pytest

from core.database import db
from core.settings import save_setting
from plugins.consultation.models import AnswerValue

from .conftest import PLUGIN


@pytest.fixture
def app_config(app_config):
    """The plugin with its default settings: figures once five people answered a question."""
    return {key: value for key, value in app_config.items() if key != "CONSULTATION"}


def _answer_as(client, login, person, answer, consultation, **choices):
    login(client, person)
    assert answer(consultation, **choices).status_code == 302
    client.post("/account/logout")


def _publish(client, login, users, consultation, approve=()):
    login(client, users["staff"])
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/close", data={})
    texts = db.session.scalars(db.select(AnswerValue).where(AnswerValue.text.in_(approve))).all()
    client.post(f"/consultations/{consultation.id}/moderation",
                data={f"answer-{value.id}": "approved" for value in texts})
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_results", data={})
    client.post("/account/logout")


def test_too_few_answers_show_no_figure_and_free_texts_wait_for_approval(
        client, users, login, make_user, make_consultation, answer):
    consultation = make_consultation()
    neighbour = make_user("neighbour@example.org", "Nina Neighbour")
    _answer_as(client, login, users["resident"], answer, consultation, single="Rarely", multiple=("Benches",),
               scale=1, short_text="Too noisy", long_text="I live at number 12, the noise wakes me up.")
    _answer_as(client, login, neighbour, answer, consultation, single="Every day", multiple=(), scale=5,
               short_text="Lovely")
    _publish(client, login, users, consultation, approve=["Too noisy"])

    results = client.get(f"/consultations/{consultation.id}/results").text
    assert "2 people answered" in results
    assert results.count("Fewer than 5 people answered this question: its figures are not published") == 4
    for figure in ("Rarely", "Every day", "Benches", "Average:", "50 %", "consultation-bars"):
        assert figure not in results
    # Free texts: the approved one, without its author; the others not at all.
    assert "Too noisy" in results
    assert "Lovely" not in results and "number 12" not in results
    for name in ("Rose Resident", "Nina Neighbour"):
        assert name not in results
    report = client.get(f"/consultations/{consultation.id}/report").text
    assert "Rarely" not in report and "Lovely" not in report and "number 12" not in report
    assert "Too noisy" in report
    rows = list(csv.DictReader(io.StringIO(
        client.get("/open-data/consultation-results.csv").data.decode("utf-8-sig"))))
    assert rows == []

    # The city may lower the threshold from the administration (here: two people are enough).
    save_setting(PLUGIN, "minimum_respondents", 2)
    db.session.commit()
    results = client.get(f"/consultations/{consultation.id}/results").text
    assert "Fewer than" in results  # the multiple choice question: one person answered it
    assert results.count("Fewer than") == 1
    assert "Every day" in results and "Average: 3 (from 1 to 5)" in results


def test_the_responses_file_cannot_run_a_formula_in_a_spreadsheet(
        client, users, login, make_consultation, answer):
    consultation = make_consultation()
    _answer_as(client, login, users["resident"], answer, consultation,
               short_text='=HYPERLINK("http://evil.example","Click")', long_text="-1 is my mark; +2 for trees")
    login(client, users["staff"])
    text = client.get(f"/consultations/{consultation.id}/responses.csv").data.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[7:9] == ['\'=HYPERLINK("http://evil.example","Click")', "'-1 is my mark; +2 for trees"]
