"""Residents take part: once, changing their answers until the consultation closes; a mistake
keeps every answer typed; a closed consultation refuses answers; only the residents of the
neighbourhoods concerned, when the city says so."""

from core.database import db
from plugins.consultation.models import AnswerValue, Response

from .conftest import answers, option, question


def _values(consultation, user):
    response = db.session.scalar(db.select(Response).where(Response.consultation_id == consultation.id,
                                                           Response.user_id == user.id))
    db.session.refresh(response)
    return response


def test_a_resident_answers_once_and_changes_their_answers_until_it_closes(
        client, users, login, make_consultation, answer):
    consultation = make_consultation()
    resident = users["resident"]
    login(client, resident)
    page = client.get(f"/consultations/{consultation.id}/take-part")
    assert page.status_code == 200
    assert "<legend>1. How often do you cross the square?" in page.text
    response = answer(consultation, single="Every day", multiple=("Trees", "Benches"), scale=2,
                      short_text="Shady")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "Thank you for taking part!" in follow.text and "Change my answers" in follow.text

    # Again: the same response is changed, not a second one.
    response = answer(consultation, single="Rarely", multiple=("A fountain",), scale=5)
    assert response.status_code == 302
    assert "Your answers have been updated." in client.get(response.headers["Location"]).text
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1
    saved = _values(consultation, resident)
    chosen = {v.option_id for v in saved.values if v.option_id and v.rank is None}
    assert chosen == {option(consultation, "single", "Rarely").id, option(consultation, "multiple", "A fountain").id}
    assert [v.number for v in saved.values if v.number is not None] == [5]
    # The form shows the saved answers.
    page = client.get(f"/consultations/{consultation.id}/take-part")
    rarely = option(consultation, "single", "Rarely").id
    assert f'value="{rarely}" checked' in page.text
    # Taking part makes the resident follow the consultation (to hear of its results).
    assert "You follow this page." in client.get(f"/consultations/{consultation.id}").text


def test_first_answers_sent_twice_at_once_keep_one_response_with_the_last_answers(
        client, users, login, make_consultation, answer, monkeypatch):
    """A double click: the second request did not see the response the first one created."""
    from plugins.consultation import rules

    consultation = make_consultation()
    login(client, users["resident"])
    assert answer(consultation, single="Every day").status_code == 302
    real = rules.response_of
    calls = []

    def not_yet_seen(consultation, user):
        calls.append(1)
        return None if len(calls) == 1 else real(consultation, user)

    monkeypatch.setattr(rules, "response_of", not_yet_seen)
    response = answer(consultation, single="Rarely")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1
    saved = _values(consultation, users["resident"])
    assert option(consultation, "single", "Rarely").id in {v.option_id for v in saved.values}


def test_a_mistake_keeps_every_answer_and_ties_the_message_to_its_question(
        client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    data = answers(consultation, single=None, multiple=("Trees", "Benches", "A fountain"), scale=4,
                   long_text="Please keep the old plane trees.")
    response = client.post(f"/consultations/{consultation.id}/take-part", data=data)
    assert response.status_code == 422
    single, multiple = question(consultation, "single"), question(consultation, "multiple")
    assert "Please answer this question." in response.text
    assert "Choose 2 answers at most (you chose 3)." in response.text
    assert f'<p class="error" id="q{single.id}-error">' in response.text
    assert f'aria-describedby="q{single.id}-error"' in response.text
    assert f'aria-describedby="q{multiple.id}-hint q{multiple.id}-error"' in response.text
    # Everything typed or ticked is still there.
    assert "Please keep the old plane trees." in response.text
    for label in ("Trees", "Benches", "A fountain"):
        assert f'value="{option(consultation, "multiple", label).id}" checked' in response.text
    assert 'value="4" checked' in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0


def test_a_ranking_needs_distinct_ranks(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    data = answers(consultation)
    ranking = question(consultation, "ranking")
    for o in ranking.options:
        data[f"q{ranking.id}-{o.id}"] = "1"
    response = client.post(f"/consultations/{consultation.id}/take-part", data=data)
    assert response.status_code == 422
    assert "Give each item a different rank from 1 to 3." in response.text
    # The ranks given are shown again, to be corrected.
    assert response.text.count('<option value="1" selected>') == 3
    assert f'id="q{ranking.id}-first" name="q{ranking.id}-{ranking.options[0].id}" aria-invalid="true"' in response.text


def test_a_closed_consultation_refuses_answers_and_keeps_the_old_ones(
        client, users, login, make_consultation, answer):
    consultation = make_consultation()
    login(client, users["resident"])
    answer(consultation, single="Every day")
    consultation.state = "closed"
    db.session.commit()
    response = answer(consultation, single="Rarely")
    assert response.status_code == 403
    assert "This consultation is closed: it no longer accepts answers." in response.text
    saved = _values(consultation, users["resident"])
    assert option(consultation, "single", "Every day").id in {v.option_id for v in saved.values}
    page = client.get(f"/consultations/{consultation.id}/take-part")
    assert "This consultation is closed" in page.text and "Save my answers" not in page.text


def test_an_upcoming_consultation_does_not_take_answers_yet(client, users, login, make_consultation, answer):
    consultation = make_consultation(state="upcoming")
    login(client, users["resident"])
    response = answer(consultation)
    assert response.status_code == 403 and "This consultation is not open yet" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerValue)) == 0


def test_only_residents_of_the_neighbourhoods_concerned_take_part_when_the_city_says_so(
        client, login, make_user, make_consultation, places, answer):
    consultation = make_consultation(eligibility="residents", neighbourhoods=[places["rebberg"]])
    outsider = make_user("outsider@example.org", neighbourhood=places["dornach"])
    neighbour = make_user("neighbour@example.org", neighbourhood=places["rebberg"])
    login(client, outsider)
    response = answer(consultation)
    assert response.status_code == 403
    assert "This consultation is open to the residents of: Rebberg." in response.text
    client.post("/account/logout")
    login(client, neighbour)
    assert answer(consultation).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1


def test_arguments_and_comments_on_proposals_follow_who_may_take_part(
        client, login, make_user, make_consultation, places):
    from core.services.comments import Comment
    from plugins.consultation.models import Proposal

    consultation = make_consultation(eligibility="residents", neighbourhoods=[places["rebberg"]])
    proposal = Proposal(consultation_id=consultation.id, title="A covered market", body="On Saturdays.",
                        state="published")
    db.session.add(proposal)
    db.session.commit()
    outsider = make_user("outsider@example.org", neighbourhood=places["dornach"])
    neighbour = make_user("neighbour@example.org", neighbourhood=places["rebberg"])
    argument = f"/content/consultation.consultation/{consultation.id}/comments"
    remark = f"/content/consultation.proposal/{proposal.id}/comments"
    login(client, outsider)
    refused = client.post(argument, data={"body": "Too expensive.", "stance": "against"},
                          follow_redirects=True)
    assert "open to the residents of: Rebberg" in refused.text
    client.post(remark, data={"body": "Why not on Sundays?"}, follow_redirects=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    client.post("/account/logout")
    login(client, neighbour)
    client.post(argument, data={"body": "The square needs shade.", "stance": "for"})
    client.post(remark, data={"body": "Yes, with local farmers."})
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 2


def test_visitors_must_log_in_to_answer(client, make_consultation):
    consultation = make_consultation()
    response = client.get(f"/consultations/{consultation.id}/take-part")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert "Log in to take part." in client.get(f"/consultations/{consultation.id}").text


def test_the_site_search_finds_consultations_and_their_proposals_but_no_draft(client, make_consultation, users):
    from core.database import db
    from plugins.consultation.models import Proposal

    open_one = make_consultation(title="Redesign of the Porte Jeune square")
    make_consultation(state="draft", title="Secret redesign of the market hall")
    db.session.add(Proposal(consultation_id=open_one.id, title="A shaded playground",
                            body="Swings under the plane trees.", author_id=users["resident"].id,
                            state="published"))
    db.session.commit()
    found = client.get("/search/?q=redesign").get_data(as_text=True)
    assert "Redesign of the Porte Jeune square" in found
    assert "Secret redesign" not in found
    assert "A shaded playground" in client.get("/search/?q=swings").get_data(as_text=True)
