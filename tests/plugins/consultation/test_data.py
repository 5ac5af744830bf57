"""The consultation's data for others: the responses as a pseudonymised CSV for the staff, open
data of the aggregated results, public statistics, a person's export and erasure, the demo."""

import csv
import io

from core.accounts.data import build_export, delete_account
from core.database import db
from core.demo import load_demo
from plugins.consultation.models import AnswerValue, Consultation, Proposal, Response


def _answer_as(client, login, person, answer, consultation, **choices):
    login(client, person)
    assert answer(consultation, **choices).status_code == 302
    client.post("/account/logout")


def test_the_staff_download_the_responses_pseudonymised(client, users, login, make_user, make_consultation, answer):
    consultation = make_consultation()
    anna = make_user("anna.schmitt@example.org", "Anna Schmitt")
    _answer_as(client, login, anna, answer, consultation, single="Rarely", multiple=("Trees", "Benches"),
               ranking=("Greenery", "Safety", "Tram access"), scale=2, short_text="Green")
    _answer_as(client, login, users["resident"], answer, consultation)
    login(client, users["staff"])
    response = client.get(f"/consultations/{consultation.id}/responses.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Participant", "Answered on", "Changed on"]
    assert rows[0][3] == "How often do you cross the square?"
    assert len(rows) == 3
    first = rows[1]
    assert first[3:8] == ["Rarely", "Trees | Benches", "Greenery > Safety > Tram access", "2", "Green"]
    assert first[0].startswith("P-") and first[0] != rows[2][0]
    for secret in ("Anna", "Schmitt", "anna.schmitt", "Rose Resident", "resident@example.org"):
        assert secret not in text
    assert all(len(row[0]) == 12 for row in rows[1:])  # "P-" and ten letters: no account id, no name


def test_open_data_has_the_aggregated_results_of_published_consultations_only(
        client, users, login, make_consultation, answer):
    published = make_consultation(title="Published one")
    hidden = make_consultation(title="Still open one")
    _answer_as(client, login, users["resident"], answer, published, single="Every week", short_text="Private words")
    published.state = "results_published"
    db.session.commit()
    catalogue = client.get("/open-data/")
    assert "Results of the consultations" in catalogue.text
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/consultation-results.csv").data.decode("utf-8-sig"))))
    assert {row["consultation_title"] for row in rows} == {"Published one"}
    week = next(row for row in rows if row["answer"] == "Every week")
    assert week["count"] == "1" and week["respondents"] == "1"
    text = client.get("/open-data/consultation-results.csv").data.decode("utf-8-sig")
    assert "Private words" not in text and "Rose" not in text
    listing = client.get("/open-data/consultations.csv").data.decode("utf-8-sig")
    assert "Published one" in listing and "Still open one" in listing
    assert hidden.title in listing


def test_the_statistics_count_consultations_participants_answers_and_proposals_taken(
        client, users, login, make_user, make_consultation, answer):
    consultation = make_consultation()
    make_consultation(state="draft", title="A draft, not counted")
    for person in (users["resident"], make_user("b@example.org")):
        _answer_as(client, login, person, answer, consultation)
    db.session.add_all([
        Proposal(consultation_id=consultation.id, title="Taken", body="x" * 30, outcome="taken", state="published"),
        Proposal(consultation_id=consultation.id, title="Partly", body="x" * 30, outcome="partly_taken",
                 state="published"),
        Proposal(consultation_id=consultation.id, title="Not", body="x" * 30, outcome="not_taken", state="published"),
    ])
    consultation.state = "decision_published"
    db.session.commit()
    from plugins.consultation.data import public_statistics as statistics

    with client.application.test_request_context():
        figures = {s.key: s.value for s in statistics()}
    assert figures == {"consultations_held": 1, "consultation_participants": 2, "consultation_answers": 2,
                       "consultation_proposals_taken": 2}
    page = client.get("/stats/")
    assert "Consultations held" in page.text and "Proposals taken into account, fully or partly" in page.text


def test_a_person_downloads_their_answers_and_erasing_the_account_keeps_them_anonymously(
        client, users, login, make_consultation, answer):
    consultation = make_consultation()
    resident = users["resident"]
    _answer_as(client, login, resident, answer, consultation, single="Every day", long_text="My street is noisy")
    with client.application.test_request_context():
        export = build_export(resident)
    mine = export["consultation"]["responses"][0]
    assert mine["consultation_title"] == consultation.title
    assert {"question": "How often do you cross the square?", "option": "Every day", "rank": None,
            "value": None, "text": None} in mine["answers"]
    with client.application.test_request_context():
        delete_account(resident)
    response = db.session.scalar(db.select(Response))
    assert response.user_id is None
    # The choices still count; the free text, which could tell who wrote it, is gone.
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerValue).where(
        AnswerValue.text.is_not(None))) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerValue)) > 0


def test_the_demo_has_an_open_a_closed_and_a_decided_consultation_once(app, client):
    load_demo("demo-password-2026")
    states = sorted(db.session.scalars(db.select(Consultation.state)))
    assert states == ["decision_published", "open", "results_published"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) >= 10
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) > 0
    page = client.get("/consultations/")
    assert "Réaménagement de la place de la Porte Jeune" in page.text
    decided = db.session.scalar(db.select(Consultation).where(Consultation.state == "decision_published"))
    assert client.get(f"/consultations/{decided.id}/results").status_code == 200
    assert "Dès la rentrée" in client.get(f"/consultations/{decided.id}/decision").text
    load_demo("demo-password-2026")
    assert db.session.scalar(db.select(db.func.count()).select_from(Consultation)) == 3
