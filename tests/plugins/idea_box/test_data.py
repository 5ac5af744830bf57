"""The idea box's figures and data: open data without personal data, public statistics, and
a person's own data (export and erasure)."""

import csv
import io
import json
from datetime import timedelta

from core.accounts.data import build_export, delete_account
from core.database import db, utcnow
from core.workflows import WorkflowRecord
from plugins.idea_box.models import Idea, Study


def decide(idea, state, published_days_ago, answered_days_ago):
    """An idea published some days ago and decided on some days later."""
    now = utcnow()
    idea.published_at = now - timedelta(days=published_days_ago)
    db.session.add(WorkflowRecord(content_type="idea_box.idea", content_id=idea.id, transition="answer",
                                  from_state="under_study", to_state=state,
                                  created_at=now - timedelta(days=answered_days_ago)))
    idea.state = state
    db.session.commit()


def test_the_open_data_has_the_ideas_and_their_statuses_but_no_personal_data(client, users, make_idea, places):
    make_idea(users["resident"], title="Trees on the square", support_count=4, category=places["nature"])
    accepted = make_idea(users["resident"], title="A cycle lane", neighbourhood="dornach")
    decide(accepted, "accepted", 40, 10)
    make_idea(users["resident"], title="Secret draft", state="draft")
    make_idea(users["resident"], title="Hidden by moderators", is_hidden=True)

    catalogue = client.get("/open-data/")
    assert "Ideas of the idea box" in catalogue.text and "Status changes of the ideas" in catalogue.text
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/ideas.csv").text)))
    assert [row["title"] for row in rows] == ["Trees on the square", "A cycle lane"]
    assert rows[0]["supports"] == "4" and rows[0]["neighbourhood"] == "Rebberg"
    assert rows[0]["theme"] == "Nature in the city" and rows[0]["status"] == "published"
    assert rows[1]["status"] == "accepted" and rows[1]["answered_at"]
    everything = client.get("/open-data/ideas.json").text + client.get("/open-data/idea-status-changes.json").text
    for personal in ("Rose Resident", "resident@example.org", "author", "email"):
        assert personal not in everything
    changes = json.loads(client.get("/open-data/idea-status-changes.json").text)["rows"]
    assert [(c["idea_id"], c["to_status"]) for c in changes] == [(accepted.id, "accepted")]


def test_the_statistics_count_each_step_and_the_time_to_answer(client, users, make_idea, places):
    for title, state, support_count in (("One", "published", 0), ("Two", "published", 3),
                                        ("Three", "implemented", 20), ("Four", "rejected", 8)):
        make_idea(users["resident"], title=title, state=state, support_count=support_count)
    make_idea(users["resident"], title="Five", neighbourhood="dornach", state="in_progress", support_count=5)
    make_idea(users["resident"], title="Draft", state="draft")
    ideas = {idea.title: idea for idea in db.session.scalars(db.select(Idea))}
    decide(ideas["Three"], "accepted", 100, 70)   # 30 days to answer
    ideas["Three"].state = "implemented"
    decide(ideas["Four"], "rejected", 50, 40)     # 10 days
    decide(ideas["Five"], "accepted", 60, 10)     # 50 days
    ideas["Five"].state = "in_progress"
    db.session.add(Study(idea=ideas["Four"]))
    db.session.add(Study(idea=ideas["Three"]))
    db.session.commit()

    from plugins.idea_box.data import public_statistics as statistics

    with client.application.test_request_context("/stats/"):
        figures = {stat.key: stat for stat in statistics()}
    assert figures["ideas_submitted"].value == 5
    assert figures["ideas_supported"].value == 4
    assert figures["ideas_studied"].value == 2
    assert figures["ideas_accepted"].value == 2
    assert figures["ideas_implemented"].value == 1
    assert figures["ideas_days_to_answer"].value == 30
    assert dict(figures["ideas_by_neighbourhood"].series) == {"Rebberg": 4, "Dornach": 1}
    assert dict(figures["ideas_accepted_by_neighbourhood"].series) == {"Rebberg": 1, "Dornach": 1}
    page = client.get("/stats/")
    assert "Ideas submitted" in page.text and "Median time from an idea to the city" in page.text


def test_a_person_downloads_their_ideas(client, users, make_idea):
    make_idea(users["resident"], title="My public idea")
    make_idea(users["resident"], title="My draft", state="draft")
    with client.application.test_request_context():
        export = build_export(users["resident"])
    titles = [idea["title"] for idea in export["idea_box"]["ideas"]]
    assert titles == ["My public idea", "My draft"]
    with client.application.test_request_context():
        assert "idea_box" not in build_export(users["moderator"])


def test_deleting_an_account_removes_its_drafts_and_keeps_its_published_ideas(client, users, make_idea):
    published = make_idea(users["resident"], title="My public idea")
    make_idea(users["resident"], title="My draft", state="draft")
    make_idea(users["resident"], title="Awaiting moderation", state="pending")
    with client.application.test_request_context():
        delete_account(users["resident"])
    assert [idea.title for idea in db.session.scalars(db.select(Idea))] == ["My public idea"]
    page = client.get(f"/ideas/{published.id}")
    assert page.status_code == 200 and "Rose Resident" not in page.text
