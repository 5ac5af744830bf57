"""Whatever is sent, a clear message and nothing lost: tampered or odd answers, a draft nobody
may take part in, a closed consultation that takes no proposal, odd values in the staff's forms."""

from core.database import db
from plugins.consultation.models import AnswerValue, Proposal, Question, Response

from .conftest import answers, option, question


def test_odd_answers_get_the_questions_message_never_an_error_page(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    ranking, scale, single = (question(consultation, kind) for kind in ("ranking", "scale", "single"))
    url = f"/consultations/{consultation.id}/take-part"
    for field, value, message in [
        (f"q{ranking.id}-{ranking.options[0].id}", "²", "Give each item a different rank from 1 to 3."),
        (f"q{ranking.id}-{ranking.options[0].id}", "9" * 5000, "Give each item a different rank from 1 to 3."),
        (f"q{scale.id}", "4.5", "Choose a value from 1 to 5."),
        (f"q{scale.id}", "٤", "Choose a value from 1 to 5."),
        # An option of another question, sent in place of this one's.
        (f"q{single.id}", str(option(consultation, "multiple", "Trees").id), "Choose one of the answers offered."),
    ]:
        response = client.post(url, data={**answers(consultation, long_text="Keep the plane trees."),
                                          field: value})
        assert response.status_code == 422, value
        assert message in response.text
        assert "Keep the plane trees." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0

    # A question id that is not this consultation's is ignored; a NUL character is dropped.
    response = client.post(url, data={**answers(consultation, short_text="Sha\x00dy"), "q99999": "1"})
    assert response.status_code == 302
    texts = db.session.scalars(db.select(AnswerValue.text).where(AnswerValue.text.is_not(None))).all()
    assert "Shady" in texts


def test_a_long_text_over_the_limit_is_kept_whole_with_its_message(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    text = "The square needs shade. " * 300
    response = client.post(f"/consultations/{consultation.id}/take-part", data=answers(consultation, long_text=text))
    assert response.status_code == 422
    assert f"5,000 characters at most (you wrote {len(text.strip()):,})." in response.text
    assert text.strip() in response.text


def test_nobody_takes_part_in_a_draft_and_the_staff_preview_says_why(
        client, users, login, make_consultation, answer):
    draft = make_consultation(state="draft")
    login(client, users["resident"])
    for url in (f"/consultations/{draft.id}", f"/consultations/{draft.id}/take-part",
                f"/consultations/{draft.id}/results", f"/consultations/{draft.id}/decision",
                f"/consultations/{draft.id}/report"):
        assert client.get(url).status_code == 404, url
    assert answer(draft).status_code == 404
    response = client.post(f"/consultations/{draft.id}/proposals",
                           data={"title": "A proposal", "body": "A proposal for a draft consultation."})
    assert response.status_code == 404
    assert client.post(f"/content/consultation.consultation/{draft.id}/follow",
                       data={"action": "follow"}).status_code == 404
    client.post("/account/logout")
    login(client, users["staff"])
    preview = client.get(f"/consultations/{draft.id}/take-part")
    assert preview.status_code == 200
    assert "This consultation is not published yet: nobody can take part before it is." in preview.text
    assert "Send my answers" not in preview.text
    assert answer(draft).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0


def test_a_closed_consultation_takes_no_proposal_and_keeps_what_was_typed(
        client, users, login, make_consultation):
    consultation = make_consultation(state="closed")
    login(client, users["resident"])
    response = client.post(f"/consultations/{consultation.id}/proposals", data={
        "title": "Late proposal", "body": "Sent after the closing day, it cannot be taken."})
    assert response.status_code == 403
    assert "This consultation is closed: it no longer accepts answers." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 0


def test_a_proposal_of_an_upcoming_consultation_cannot_be_supported_yet(
        client, users, login, make_user, make_consultation):
    consultation = make_consultation(state="upcoming")
    author = make_user("author@example.org")
    proposal = Proposal(consultation_id=consultation.id, title="Benches", body="More benches in the shade.",
                        author_id=author.id, state="published")
    db.session.add(proposal)
    db.session.commit()
    login(client, users["resident"])
    response = client.post(f"/content/consultation.proposal/{proposal.id}/support", data={"action": "support"},
                           follow_redirects=True)
    assert "This consultation is not open yet" in response.text
    db.session.refresh(proposal)
    assert proposal.support_count == 0


def test_odd_values_in_the_staffs_question_form(client, users, login, make_consultation):
    consultation = make_consultation(state="draft", questions=[])
    login(client, users["staff"])
    url = f"/consultations/{consultation.id}/questions/new"
    response = client.post(url, data={"label": "Pick some", "kind": "multiple", "options": "a\nb",
                                      "max_choices": "30"})
    assert response.status_code == 422 and "At most the number of answers offered (2)." in response.text
    response = client.post(url, data={"label": "How much?", "kind": "scale", "scale_min": "8", "scale_max": ""})
    assert response.status_code == 422 and "The highest value must be above the lowest value." in response.text
    assert 'value="8"' in response.text
    response = client.post(url, data={"label": "How much?", "kind": "unknown"})
    assert response.status_code == 422
    # An empty scale runs from 1 to 5, also when a question is changed.
    assert client.post(url, data={"label": "How much?", "kind": "scale", "scale_min": "0",
                                  "scale_max": "10"}).status_code == 302
    scale = db.session.scalar(db.select(Question))
    response = client.post(f"/consultations/{consultation.id}/questions/{scale.id}/edit",
                           data={"label": "How much, really?", "kind": "scale", "scale_min": "", "scale_max": ""})
    assert response.status_code == 302
    db.session.refresh(scale)
    assert (scale.label, scale.scale_min, scale.scale_max) == ("How much, really?", 1, 5)


def test_a_nul_character_in_a_proposal_is_dropped(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    response = client.post(f"/consultations/{consultation.id}/proposals", data={
        "title": "Shade\x00 trees", "body": "Plant\x00 plane trees along the square's south side."})
    assert response.status_code == 302
    proposal = db.session.scalar(db.select(Proposal))
    assert (proposal.title, proposal.body) == ("Shade trees", "Plant plane trees along the square's south side.")
