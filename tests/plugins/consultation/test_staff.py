"""The city prepares a consultation: its form, its questionnaire, a preview, publication; the
calendar opens and closes it; questions lock once people have answered; only staff get in."""

from datetime import timedelta

from core.database import db, utcnow
from core.workflows import timeline
from plugins.consultation.rules import follow_the_calendar
from plugins.consultation.models import Consultation, Question

from .conftest import question


def _form(**overrides):
    day = utcnow().date()
    data = {
        "title": "New bus shelters on avenue Kennedy",
        "summary": "Where should the new shelters go?",
        "body": "Six shelters are **funded**.",
        "opens_on": (day - timedelta(days=1)).isoformat(),
        "closes_on": (day + timedelta(days=14)).isoformat(),
        "eligibility": "everyone",
        "has_questionnaire": "y",
    }
    data.update(overrides)
    return data


def test_staff_create_a_draft_add_questions_preview_and_publish(client, users, login, places):
    login(client, users["staff"])
    response = client.post("/consultations/new", data=_form())
    assert response.status_code == 302
    consultation = db.session.scalar(db.select(Consultation))
    assert consultation.state == "draft" and consultation.title == "New bus shelters on avenue Kennedy"

    response = client.post(f"/consultations/{consultation.id}/questions/new", data={
        "label": "Which stop needs a shelter first?", "kind": "single", "required": "y",
        "options": "Kennedy\nRattachement\n\nPorte Jeune"})
    assert response.status_code == 302
    q = db.session.scalar(db.select(Question))
    assert [o.label for o in q.options] == ["Kennedy", "Rattachement", "Porte Jeune"] and q.required

    # The preview: the draft's public page, for the staff only.
    preview = client.get(f"/consultations/{consultation.id}")
    assert preview.status_code == 200
    assert "Preview: this consultation is a draft" in preview.text
    assert "Publish and open" in preview.text

    response = client.post(f"/content/consultation.consultation/{consultation.id}/transition/open", data={})
    assert response.status_code == 302
    db.session.refresh(consultation)
    assert consultation.state == "open"
    client.post("/account/logout")
    public = client.get(f"/consultations/{consultation.id}")
    assert public.status_code == 200 and "New bus shelters" in public.text
    assert "Preview" not in public.text
    assert "New bus shelters" in client.get("/consultations/").text


def test_consultation_form_errors_keep_what_was_typed(client, users, login, places):
    login(client, users["staff"])
    day = utcnow().date()
    response = client.post("/consultations/new", data=_form(
        closes_on=(day - timedelta(days=5)).isoformat(), eligibility="residents"))
    assert response.status_code == 422
    assert "The closing day cannot come before the opening day." in response.text
    assert "Choose the neighbourhoods whose residents may take part." in response.text
    assert 'value="New bus shelters on avenue Kennedy"' in response.text
    assert 'aria-describedby="closes_on-hint closes_on-error"' in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Consultation)) == 0


def test_once_people_answered_who_may_take_part_and_the_questionnaire_stay(
        client, users, login, make_consultation, answer, places):
    consultation = make_consultation()
    login(client, users["resident"])
    assert answer(consultation, single="Every day").status_code == 302
    client.post("/account/logout")
    login(client, users["staff"])
    refused = client.post(f"/consultations/{consultation.id}/edit", data=_form(
        title=consultation.title, eligibility="residents", neighbourhoods=[places["rebberg"].id]))
    assert refused.status_code == 422
    assert "Participants have already answered: who may take part can no longer change." in refused.text
    no_questionnaire = _form(title=consultation.title, has_proposals="y")
    del no_questionnaire["has_questionnaire"]
    refused = client.post(f"/consultations/{consultation.id}/edit", data=no_questionnaire)
    assert "the questionnaire can no longer be removed" in refused.text
    db.session.expire_all()
    kept = db.session.get(Consultation, consultation.id)
    assert kept.eligibility == "everyone" and kept.has_questionnaire
    # Other changes are still possible.
    saved = client.post(f"/consultations/{consultation.id}/edit",
                        data=_form(title="The square, after the first answers"))
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).title == "The square, after the first answers"


def test_a_question_needs_its_options(client, users, login, make_consultation):
    consultation = make_consultation(state="draft", questions=[])
    login(client, users["staff"])
    response = client.post(f"/consultations/{consultation.id}/questions/new",
                           data={"label": "Pick one", "kind": "multiple", "options": "Only one"})
    assert response.status_code == 422
    assert "Give at least two answers, one per line." in response.text


def test_publishing_before_the_opening_day_announces_it_and_the_calendar_opens_and_closes_it(
        client, users, login, make_consultation):
    day = utcnow().date()
    consultation = make_consultation(state="draft", opens_on=day + timedelta(days=3),
                                     closes_on=day + timedelta(days=10))
    login(client, users["staff"])
    page = client.get(f"/consultations/{consultation.id}")
    assert "Publish as upcoming" in page.text and "Publish and open" not in page.text
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/announce", data={})
    db.session.refresh(consultation)
    assert consultation.state == "upcoming"
    listing = client.get("/consultations/")
    assert "Upcoming" in listing.text and consultation.title in listing.text

    # The opening day comes: the pages show it open at once, without writing anything; the
    # scheduled job records the move.
    consultation.opens_on = day
    db.session.commit()
    listing = client.get("/consultations/").text
    assert "No consultation is open right now." not in listing
    assert listing.index("Open now") < listing.index(consultation.title) < listing.index("Upcoming")
    db.session.refresh(consultation)
    assert consultation.state == "upcoming", "a page that only reads writes nothing"
    assert follow_the_calendar() == 1
    db.session.refresh(consultation)
    assert consultation.state == "open"
    # After the closing day, it shows closed, and the job closes it.
    consultation.opens_on, consultation.closes_on = day - timedelta(days=10), day - timedelta(days=1)
    db.session.commit()
    assert "Closed" in client.get(f"/consultations/{consultation.id}").text
    db.session.refresh(consultation)
    assert consultation.state == "open"
    assert follow_the_calendar() == 1
    db.session.refresh(consultation)
    assert consultation.state == "closed"
    history = [(record.transition, record.to_state, record.actor_id) for record in timeline(consultation)]
    assert history == [("announce", "upcoming", users["staff"].id), ("calendar_open", "open", None),
                       ("calendar_close", "closed", None)]


def test_when_two_catch_up_at_once_the_consultation_moves_and_is_announced_once(
        app, users, make_consultation, make_user):
    """Another instance opened it between this one's reading and its move."""
    from core.services.follows import follow
    from core.services.notifications import Notification
    from plugins.consultation.models import Consultation
    from plugins.consultation.rules import follow_the_calendar

    day = utcnow().date()
    consultation = make_consultation(state="upcoming", opens_on=day, closes_on=day + timedelta(days=9))
    follow(make_user("follower@example.org"), consultation)
    db.session.commit()
    assert follow_the_calendar() == 1
    notified = db.session.scalar(db.select(db.func.count()).select_from(Notification))
    assert notified >= 1, "the follower heard of the opening"
    db.session.execute(db.update(Consultation).where(Consultation.id == consultation.id)
                       .values(state="upcoming"))  # as this instance last read it
    db.session.commit()
    db.session.expire_all()
    stale = db.session.get(Consultation, consultation.id)
    assert stale.state == "upcoming"
    db.session.execute(db.update(Consultation).where(Consultation.id == consultation.id)
                       .values(state="open")  # the other instance's move lands first
                       .execution_options(synchronize_session=False))
    assert follow_the_calendar([stale]) == 0
    db.session.commit()
    assert [record.to_state for record in timeline(stale)] == ["open"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == notified


def test_a_closed_consultations_questionnaire_takes_no_new_question(client, users, login, make_consultation):
    consultation = make_consultation(state="closed")
    count = len(consultation.questions)
    login(client, users["staff"])
    refused = client.post(f"/consultations/{consultation.id}/questions/new",
                          data={"kind": "short_text", "label": "One more thing?"}, follow_redirects=True)
    assert "This consultation is closed: its questionnaire can no longer change." in refused.text
    db.session.expire_all()
    assert len(db.session.get(type(consultation), consultation.id).questions) == count


def test_the_decision_cannot_be_published_before_it_is_written(client, users, login, make_consultation):
    consultation = make_consultation(state="results_published")
    login(client, users["staff"])
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_decision", data={})
    db.session.refresh(consultation)
    assert consultation.state == "results_published"


def test_questions_are_locked_once_people_answered(client, users, login, make_consultation, answer):
    consultation = make_consultation()
    login(client, users["resident"])
    assert answer(consultation).status_code == 302
    client.post("/account/logout")
    login(client, users["staff"])
    single = question(consultation, "single")
    response = client.post(f"/consultations/{consultation.id}/questions/{single.id}/edit",
                           data={"label": "Changed", "kind": "single", "options": "a\nb"}, follow_redirects=True)
    assert "the existing questions can no longer be changed" in response.text
    response = client.post(f"/consultations/{consultation.id}/questions/{single.id}/delete", follow_redirects=True)
    assert "the existing questions can no longer be changed" in response.text
    db.session.refresh(single)
    assert single.label == "How often do you cross the square?" and len(single.options) == 3

    # A new question must be optional.
    response = client.post(f"/consultations/{consultation.id}/questions/new",
                           data={"label": "Anything else?", "kind": "long_text", "required": "y"})
    assert response.status_code == 422
    assert "a question added now must be optional" in response.text
    response = client.post(f"/consultations/{consultation.id}/questions/new",
                           data={"label": "Anything else?", "kind": "long_text"})
    assert response.status_code == 302
    assert len(db.session.get(Consultation, consultation.id).questions) == 7


def test_residents_cannot_reach_staff_pages_and_drafts_are_hidden(client, users, login, make_consultation):
    draft = make_consultation(state="draft")
    assert client.get(f"/consultations/{draft.id}").status_code == 404
    assert client.get(f"/consultations/{draft.id}/results").status_code == 404
    login(client, users["resident"])
    assert client.get(f"/consultations/{draft.id}").status_code == 404
    for url in ("/consultations/manage", "/consultations/new", f"/consultations/{draft.id}/manage",
                f"/consultations/{draft.id}/edit", f"/consultations/{draft.id}/moderation",
                f"/consultations/{draft.id}/outcome", f"/consultations/{draft.id}/responses.csv",
                f"/consultations/{draft.id}/questions/new"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/content/consultation.consultation/{draft.id}/transition/open", data={})
    assert response.status_code == 404
    assert db.session.get(Consultation, draft.id).state == "draft"
    opened = make_consultation(title="Another one")
    response = client.post(f"/content/consultation.consultation/{opened.id}/transition/close",
                           data={}, follow_redirects=True)
    assert "You are not allowed to do this." in response.text
    assert db.session.get(Consultation, opened.id).state == "open"


def test_a_draft_says_what_keeps_it_from_being_published(client, users, login, make_consultation):
    day = utcnow().date()
    draft = make_consultation(state="draft", questions=[], opens_on=day - timedelta(days=20),
                              closes_on=day - timedelta(days=2))
    login(client, users["staff"])
    for url in (f"/consultations/{draft.id}/manage", f"/consultations/{draft.id}"):
        page = client.get(url).text
        assert "Before it can be published:" in page
        assert "Add at least one question, or take the questionnaire out of the consultation&#39;s parts." in page
        assert "Its closing day has passed: change its dates." in page
        assert "Publish and open" not in page and "Publish as upcoming" not in page
    response = client.post(f"/content/consultation.consultation/{draft.id}/transition/open", data={},
                           follow_redirects=True)
    assert "This action is not available." in response.text
    assert db.session.get(Consultation, draft.id).state == "draft"

    client.post(f"/consultations/{draft.id}/questions/new", data={"label": "Anything to add?", "kind": "long_text"})
    client.post(f"/consultations/{draft.id}/edit", data=_form(title=draft.title))
    page = client.get(f"/consultations/{draft.id}/manage").text
    assert "Before it can be published:" not in page and "Publish and open" in page


def test_the_moderation_goes_page_by_page_and_touches_only_this_consultations_answers(
        client, users, login, make_user, make_consultation, answer):
    from plugins.consultation.models import AnswerValue
    from plugins.consultation.staff import MODERATION_PER_PAGE

    consultation = make_consultation()
    other = make_consultation(title="Another consultation")
    people = [make_user(f"p{n}@example.org") for n in range(MODERATION_PER_PAGE + 1)]
    for person in people:
        login(client, person)
        assert answer(consultation, long_text=f"Remark number {person.id}").status_code == 302
        client.post("/account/logout")
    login(client, users["resident"])
    answer(other, long_text="Not from this consultation")
    client.post("/account/logout")
    foreign = db.session.scalar(db.select(AnswerValue).where(AnswerValue.text == "Not from this consultation"))

    login(client, users["staff"])
    first = client.get(f"/consultations/{consultation.id}/moderation")
    assert first.text.count('value="approved"') == MODERATION_PER_PAGE
    assert "Page 1 of 2" in first.text
    values = db.session.scalars(db.select(AnswerValue).where(AnswerValue.text.like("Remark number %"))
                                .order_by(AnswerValue.id)).all()
    response = client.post(f"/consultations/{consultation.id}/moderation?page=1", data={
        f"answer-{values[0].id}": "approved", f"answer-{foreign.id}": "approved",
        "answer-²": "approved", "answer-99999999999999999999": "approved", f"answer-{values[1].id}": "nonsense"},
        follow_redirects=True)
    assert response.status_code == 200 and "Moderation saved: 1 answer changed." in response.text
    for value in (values[0], values[1], foreign):
        db.session.refresh(value)
    assert (values[0].moderation, values[1].moderation, foreign.moderation) == ("approved", "pending", "pending")
    # The answers waiting come first: the last one has moved to the first page.
    assert f"Remark number {people[-1].id}" in client.get(f"/consultations/{consultation.id}/moderation").text
    assert client.get(f"/consultations/{consultation.id}/moderation?page=²").status_code == 200
    assert client.get(f"/consultations/{consultation.id}/moderation?page=99999999999999999999").status_code == 200


def test_a_consultation_tells_where_the_project_is_on_a_map(client, users, login, places):
    login(client, users["staff"])
    refused = client.post("/consultations/new", data=_form(place_address="Avenue Kennedy",
                                                          latitude="47.7448", longitude="181"))
    assert refused.status_code == 422
    assert "A longitude is between -180 and 180." in refused.text
    assert 'value="Avenue Kennedy"' in refused.text
    assert client.post("/consultations/new", data=_form(
        place_address="Avenue Kennedy", latitude="47.7448", longitude="7.3371")).status_code == 302
    consultation = db.session.scalar(db.select(Consultation))
    assert (consultation.place_address, consultation.latitude, consultation.longitude) == (
        "Avenue Kennedy", 47.7448, 7.3371)
    preview = client.get(f"/consultations/{consultation.id}")
    assert "Avenue Kennedy" in preview.text and 'id="consultation-map"' in preview.text
    assert "latitude 47.7448, longitude 7.3371" in preview.text
    # The form shows the place again, to change it.
    assert 'value="47.7448"' in client.get(f"/consultations/{consultation.id}/edit").text


def test_the_citys_own_consultation_is_not_offered_for_reporting(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    page = client.get(f"/consultations/{consultation.id}").text
    assert consultation.title in page
    assert "this content to the moderators" not in page
