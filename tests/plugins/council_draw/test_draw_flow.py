"""A council from the call to the members who agreed, through the pages staff and residents
use: the call form, the probabilities before the draw, publication, the ceremony, the e-mails,
answers, a replacement that keeps the quotas, and the verification command."""

from __future__ import annotations

import json
import re

from core.database import db
from core.testing import links
from plugins.council_draw.models import Candidate, Draw, Member

from .conftest import FIFTY, PEOPLE


def prepare_and_publish(client, council, algorithm="leximin"):
    response = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": algorithm})
    assert response.status_code == 302, response.get_data(as_text=True)
    draw = db.session.scalar(db.select(Draw).where(Draw.council_id == council.id))
    response = client.post(f"/councils/manage/{council.id}/draws/{draw.id}/publish",
                           data={"place": "Mairie, salle du conseil"})
    assert response.status_code == 302
    return draw


def hold_ceremony(client, council, draw, seed="4 1 6 6 2 3"):
    return client.post(f"/councils/manage/{council.id}/draws/{draw.id}/ceremony",
                       data={"seed": seed, "witnesses": "Jeanne Témoin\nPaul Huissier"},
                       follow_redirects=True)


def test_a_resident_volunteers_through_the_call_form(client, make_council, places, smtp):
    council = make_council()
    college = council.colleges[0]
    page = client.get(f"/councils/{council.id}/apply")
    assert page.status_code == 200
    assert "erased 3 months after the end of the term" in page.get_data(as_text=True)
    response = client.post(f"/councils/{council.id}/apply", data={
        "first_name": "Anne", "last_name": "Martin", "email": "anne@example.org",
        "birth_date": "1980-04-02", "address": "3 rue des Vergers",
        "neighbourhood": places["bourtzwiller"].id, "college": college.id,
        "feature_gender": "woman", "consent": "y",
    }, follow_redirects=True)
    assert "Your application is recorded" in response.get_data(as_text=True)
    candidate = db.session.scalar(db.select(Candidate))
    assert candidate.features["gender"] == "woman"
    assert candidate.features["age"].startswith("45") and candidate.in_pool
    assert smtp.messages[-1]["To"] == "anne@example.org"


def test_the_call_form_refuses_without_consent_and_flags_ineligible_and_duplicates(
        client, make_council, places):
    council = make_council()
    college = council.colleges[0]
    base = {"first_name": "Zoé", "last_name": "Roth", "email": "zoe@example.org",
            "birth_date": "2015-01-01", "address": "1 rue", "college": college.id,
            "neighbourhood": places["bourtzwiller"].id, "feature_gender": "woman"}
    refused = client.post(f"/councils/{council.id}/apply", data=base)
    assert "Your consent is needed" in refused.get_data(as_text=True)
    client.post(f"/councils/{council.id}/apply", data={**base, "consent": "y"})
    client.post(f"/councils/{council.id}/apply", data={**base, "consent": "y", "birth_date": "1990-01-01",
                                                       "email": "ZOE@example.org"})
    first, second = db.session.scalars(db.select(Candidate).order_by(Candidate.id)).all()
    assert first.ineligibility == "too_young" and not first.in_pool
    assert second.duplicate_of_id == first.id and not second.in_pool


def test_staff_see_probabilities_then_a_public_ceremony_draws_the_council(
        client, login, officer, make_council, add_candidates, smtp, app):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    response = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert FIFTY.search(text), "each of the 8 candidates has 4/8 chance, shown before the draw"
    public = client.get(f"/councils/{council.id}")
    assert "has not been published yet" in public.get_data(as_text=True)

    draw = db.session.scalar(db.select(Draw))
    client.post(f"/councils/manage/{council.id}/draws/{draw.id}/publish", data={"place": "Mairie"})
    page = client.get(f"/councils/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert draw.fingerprint in page and FIFTY.search(page)
    assert "Anne" not in page, "the public pool is pseudonymised"

    result = hold_ceremony(client, council, draw).get_data(as_text=True)
    assert "The members are drawn and invited by e-mail" in result
    db.session.refresh(draw)
    assert draw.status == "done" and draw.witnesses == ["Jeanne Témoin", "Paul Huissier"]
    selected = [m for m in draw.members if m.role == "selected"]
    assert len(selected) == 4
    genders = sorted(m.candidate.features["gender"] for m in selected)
    assert genders == ["man", "man", "woman", "woman"]
    invitations = [m for m in smtp.messages if "drawn" in m["Subject"]]
    assert len(invitations) == 4

    page = client.get(f"/councils/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert "4 1 6 6 2 3" in page and "Jeanne Témoin" in page
    assert "council_draw verify record.json" in page
    for member in selected:
        assert member.pseudonym in page

    # A member accepts from the link in their e-mail, another declines.
    first_link = next(link for link in links(invitations[0]) if "/councils/answer/" in link)
    path = re.sub(r"^https?://[^/]+", "", first_link)
    client.post("/account/logout")
    answer = client.post(path, data={"answer": "accept", "name_shown": "full"}, follow_redirects=True)
    assert "you are now a member of the council" in answer.get_data(as_text=True)
    accepted = db.session.scalar(db.select(Member).where(Member.status == "accepted"))
    council_page = client.get(f"/councils/{council.id}").get_data(as_text=True)
    assert accepted.candidate.full_name in council_page
    again = client.post(path, data={"answer": "decline", "name_shown": "full"}, follow_redirects=True)
    assert "already been answered" in again.get_data(as_text=True)


def test_a_replacement_keeps_the_quotas(client, login, officer, make_council, add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    draw = prepare_and_publish(client, council)
    hold_ceremony(client, council, draw)
    db.session.refresh(draw)
    leaving = next(m for m in draw.members if m.role == "selected" and m.candidate.features["gender"] == "woman")
    client.post(f"/councils/manage/members/{leaving.id}/answer", data={"answer": "decline"})
    proposal = client.get(f"/councils/manage/members/{leaving.id}/replace").get_data(as_text=True)
    assert "keeps every quota within reach" in proposal
    client.post(f"/councils/manage/members/{leaving.id}/replace", data={})
    db.session.expire_all()
    newcomer = db.session.scalar(db.select(Member).where(Member.replaces_id == leaving.id))
    assert newcomer.status == "invited"
    assert newcomer.candidate.features["gender"] == "woman", "parity still holds"
    reserves = db.session.scalars(db.select(Member).where(Member.role == "reserve")).all()
    first_woman = min((m for m in reserves if m.candidate.features["gender"] == "woman"),
                      key=lambda m: m.rank)
    assert newcomer.id == first_woman.id, "the first woman on the reserve list"
    public = client.get(f"/councils/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert f"took the seat of {leaving.pseudonym}" in public
    # The publication date is written in words, never as the record's timestamp.
    assert draw.record["published_at"] not in public and "Published on" in public


def test_when_no_reserve_keeps_the_quotas_the_page_says_which_quota_breaks(
        client, login, officer, make_council, add_candidates):
    council = make_council(seats=2)
    add_candidates(council, [("Anne", "Martin", "woman", 1980), ("Bruno", "Keller", "man", 1975),
                             ("David", "Meyer", "man", 1962)])
    login(client, officer)
    draw = prepare_and_publish(client, council)
    hold_ceremony(client, council, draw)
    db.session.refresh(draw)
    woman = next(m for m in draw.members if m.role == "selected" and m.candidate.first_name == "Anne")
    client.post(f"/councils/manage/members/{woman.id}/answer", data={"answer": "decline"})
    page = client.get(f"/councils/manage/members/{woman.id}/replace").get_data(as_text=True)
    assert "No one on the reserve list keeps every quota" in page
    assert "Gender: Woman" in page
    refused = client.post(f"/councils/manage/members/{woman.id}/replace", data={},
                          follow_redirects=True)
    assert "No one on the reserve list keeps every quota" in refused.get_data(as_text=True)
    client.post(f"/councils/manage/members/{woman.id}/replace", data={"force": "1"})
    assert db.session.scalar(db.select(Member).where(Member.replaces_id == woman.id)) is not None


def test_infeasible_quotas_give_a_clear_message(client, login, officer, make_council, add_candidates):
    council = make_council(seats=4, parity=False)
    add_candidates(council, PEOPLE[:5])
    login(client, officer)
    gender = next(f for f in council.features if f.key == "gender")
    woman = gender.value_by_key("woman")
    man = gender.value_by_key("man")
    college = council.colleges[0]
    client.post(f"/councils/manage/{council.id}/colleges/{college.id}/quotas",
                data={f"min-{woman.id}": "4", f"max-{woman.id}": "4",
                      f"min-{man.id}": "1", f"max-{man.id}": "4"})
    page = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    text = page.get_data(as_text=True)
    assert "The quotas cannot be met" in text
    assert "The minimums of “gender” add up to 5, more than the 4 seats." in text
    assert "These quotas conflict" in text and "lower the minimum" in text


def test_the_verify_command_reproduces_a_published_draw(client, login, officer, make_council,
                                                        add_candidates, app, tmp_path):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    draw = prepare_and_publish(client, council)
    hold_ceremony(client, council, draw, seed="2 2 5 1 6")
    record = client.get(f"/councils/{council.id}/draws/{draw.id}/record.json")
    path = tmp_path / "record.json"
    path.write_bytes(record.data)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["council_draw", "verify", str(path), "--recompute"])
    assert result.exit_code == 0, result.output
    assert "The record checks out." in result.output
    wrong = runner.invoke(args=["council_draw", "verify", str(path), "--seed", "2 2 5 1 5"])
    assert wrong.exit_code == 1 and "differs from the one drawn" in wrong.output
    data = json.loads(record.data)
    data["colleges"][0]["quotas"][0]["min"] = 0
    path.write_text(json.dumps(data))
    tampered = runner.invoke(args=["council_draw", "verify", str(path)])
    assert tampered.exit_code == 1 and "FAILED" in tampered.output


def test_the_greedy_algorithm_is_offered_and_shows_estimated_chances(
        client, login, officer, make_council, add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    page = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "greedy"},
                       follow_redirects=True).get_data(as_text=True)
    assert "chances estimated over 1000 simulated draws" in page
