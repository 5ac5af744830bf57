"""After closing: results built from the answers (counts, shares, ranking, scale means), free
texts listed only once approved, proposals ranked by support, then what was heard and decided,
each proposal marked; participants are told at each publication."""

import re

from core.services.comments import Comment
from core.database import db
from core.services.notifications import Notification
from core.testing import body, links
from plugins.consultation.models import AnswerValue, Proposal

from .conftest import question


def _people(make_user, count):
    return [make_user(f"person{i}@example.org", f"Person {i}") for i in range(count)]


def _answer_as(client, login, person, answer, consultation, **choices):
    login(client, person)
    assert answer(consultation, **choices).status_code == 302
    client.post("/account/logout")


def _row(text, label):
    """The figures of ``label``'s row in the table of the results page."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', text, re.S)
    assert match, label
    return re.findall(r'<td class="number">([^<]*)</td>', match.group(1))


def test_results_are_built_from_the_answers(client, users, login, make_user, make_consultation, answer):
    consultation = make_consultation()
    a, b, c, d = _people(make_user, 4)
    _answer_as(client, login, a, answer, consultation, single="Every day", multiple=("Trees", "Benches"),
               ranking=("Safety", "Greenery", "Tram access"), scale=5, long_text="More shade please.")
    _answer_as(client, login, b, answer, consultation, single="Every day", multiple=("Trees",),
               ranking=("Greenery", "Safety", "Tram access"), scale=3)
    _answer_as(client, login, c, answer, consultation, single="Rarely", multiple=(),
               ranking=("Safety", "Tram access", "Greenery"), scale=4, long_text="My name is Jo Example, call me.")
    _answer_as(client, login, d, answer, consultation, single="Every week", multiple=("Trees",),
               ranking=("Safety", "Greenery", "Tram access"), scale=4)
    consultation.state = "closed"
    db.session.commit()

    # Not public before the staff publish them.
    assert client.get(f"/consultations/{consultation.id}/results").status_code == 404
    login(client, users["staff"])
    preview = client.get(f"/consultations/{consultation.id}/results")
    assert preview.status_code == 200 and "Preview: the results are not published yet" in preview.text

    # Moderation: one text published, the other set aside.
    texts = {v.text: v for v in db.session.scalars(db.select(AnswerValue).where(AnswerValue.text.is_not(None)))
             if v.text}
    page = client.get(f"/consultations/{consultation.id}/moderation")
    assert "More shade please." in page.text and "Jo Example" in page.text
    client.post(f"/consultations/{consultation.id}/moderation", data={
        f"answer-{texts['More shade please.'].id}": "approved",
        f"answer-{texts['My name is Jo Example, call me.'].id}": "rejected"})
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_results", data={})
    client.post("/account/logout")

    results = client.get(f"/consultations/{consultation.id}/results")
    assert results.status_code == 200
    text = results.text
    assert "4 people answered" in text
    # Single choice: 2 of 4 every day (50 %), 1 every week, 1 rarely.
    assert _row(text, "Every day") == ["2", "50 %"]
    assert _row(text, "Every week") == ["1", "25 %"]
    # Multiple choice: shares of the 3 who answered this optional question.
    assert _row(text, "Trees") == ["3", "100 %"]
    assert _row(text, "Benches") == ["1", "33.3 %"]
    assert _row(text, "A fountain") == ["0", "0 %"]
    # Ranking: average ranks (Safety 1.25, Greenery 2, Tram access 2.75), best first.
    assert _row(text, "Safety") == ["1.25", "3", "75 %"]
    assert _row(text, "Greenery") == ["2", "1", "25 %"]
    assert _row(text, "Tram access") == ["2.75", "0", "0 %"]
    assert text.index(">Safety</th>") < text.index(">Greenery</th>") < text.index(">Tram access</th>")
    # Scale: mean of 5, 3, 4, 4.
    assert "Average: 4 (from 1 to 5)" in text
    assert _row(text, "4") == ["2", "50 %"]
    # Charts readable without JavaScript: bars drawn in SVG, proportional, their figures written.
    assert 'class="chart"' in text and "2 (50 %)" in text
    def drawn(label):
        found = re.search(rf'<span class="bar-label">{label}</span>\s*<span class="bar-track"><svg[^>]*>'
                          r'<rect [^>]*width="([\d.]+)"', text)
        return float(found.group(1))

    # Shares of those who answered, drawn as shares of the whole track: 100 % full, 33.3 % a third.
    assert drawn("Trees") == 100 and abs(drawn("Benches") - 33.3) < 0.1
    assert drawn("A fountain") == 0
    # Free text: only what the staff approved.
    assert "More shade please." in text and "Jo Example" not in text
    assert "1 other answer is not published" in text


def test_proposals_are_supported_commented_ranked_and_marked(client, users, login, make_user, make_consultation):
    consultation = make_consultation()
    author, fan1, fan2 = _people(make_user, 3)
    login(client, author)
    response = client.post(f"/consultations/{consultation.id}/proposals", data={
        "title": "A farmers' market on Saturdays", "body": "Local producers every Saturday morning on the square."})
    assert response.status_code == 302
    market = db.session.scalar(db.select(Proposal))
    response = client.post(f"/consultations/{consultation.id}/proposals", data={"title": "Toilets", "body": "short"})
    assert response.status_code == 422 and "The description must have between 20 and 5,000 characters." in response.text
    assert 'value="Toilets"' in response.text
    client.post(f"/consultations/{consultation.id}/proposals", data={
        "title": "Public toilets", "body": "Accessible public toilets between the station and the centre."})
    toilets = db.session.scalar(db.select(Proposal).where(Proposal.title == "Public toilets"))
    client.post("/account/logout")
    for fan in (fan1, fan2):
        login(client, fan)
        client.post(f"/content/consultation.proposal/{toilets.id}/support", data={"action": "support"})
        client.post("/account/logout")
    login(client, fan1)
    client.post(f"/content/consultation.proposal/{market.id}/support", data={"action": "support"})
    response = client.post(f"/content/consultation.proposal/{market.id}/comments",
                           data={"body": "Yes, with producers from the Sundgau!"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Yes, with producers from the Sundgau!" in client.get(f"/consultations/proposals/{market.id}").text
    client.post("/account/logout")
    db.session.refresh(toilets)
    db.session.refresh(market)
    assert (toilets.support_count, market.support_count) == (2, 1)

    consultation.state = "closed"
    db.session.commit()
    # Closed: no more supports.
    login(client, fan2)
    response = client.post(f"/content/consultation.proposal/{market.id}/support", data={"action": "support"},
                           follow_redirects=True)
    assert "This consultation is closed" in response.text
    client.post("/account/logout")

    login(client, users["staff"])
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_results", data={})
    results = client.get(f"/consultations/{consultation.id}/results").text
    assert results.index("Public toilets") < results.index("A farmers&#39; market on Saturdays")

    # The outcome of a proposal needs its reason; nothing typed is lost.
    response = client.post(f"/consultations/{consultation.id}/outcome", data={
        "synthesis": "You asked for **toilets** and a market.", "decision": "We build the toilets.",
        f"outcome-{toilets.id}": "taken", f"reason-{toilets.id}": "Built next spring.",
        f"outcome-{market.id}": "not_taken", f"reason-{market.id}": ""})
    assert response.status_code == 422
    assert "Give the reason for this outcome: it is published." in response.text
    assert "Built next spring." in response.text and "We build the toilets." in response.text
    response = client.post(f"/consultations/{consultation.id}/outcome", data={
        "synthesis": "You asked for **toilets** and a market.", "decision": "We build the toilets.",
        f"outcome-{toilets.id}": "taken", f"reason-{toilets.id}": "Built next spring.",
        f"outcome-{market.id}": "partly_taken", f"reason-{market.id}": "Once a month, to begin with."})
    assert response.status_code == 302
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_decision", data={})
    client.post("/account/logout")

    decision = client.get(f"/consultations/{consultation.id}/decision")
    assert decision.status_code == 200
    assert "<strong>toilets</strong>" in decision.text and "We build the toilets." in decision.text
    assert "Taken" in decision.text and "Built next spring." in decision.text
    assert "Partly taken" in decision.text and "Once a month, to begin with." in decision.text
    report = client.get(f"/consultations/{consultation.id}/report")
    assert report.status_code == 200 and "print.css" in report.text and "We build the toilets." in report.text


def test_arguments_for_and_against_are_comments_with_a_position(client, users, login, make_consultation):
    consultation = make_consultation()
    login(client, users["resident"])
    client.post(f"/content/consultation.consultation/{consultation.id}/comments",
                data={"body": "The square is sad at night: go ahead.", "stance": "for"})
    page = client.get(f"/consultations/{consultation.id}")
    assert "1 argument in favour" in page.text and "0 arguments against" in page.text
    assert "The square is sad at night: go ahead." in page.text
    consultation.state = "closed"
    db.session.commit()
    client.post(f"/content/consultation.consultation/{consultation.id}/comments",
                data={"body": "Too late, I know.", "stance": "against"})
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 1


def test_participants_and_followers_are_notified_at_each_publication(
        client, users, login, make_user, make_consultation, answer, smtp):
    consultation = make_consultation()
    participant, follower = _people(make_user, 2)
    _answer_as(client, login, participant, answer, consultation)
    login(client, follower)
    client.post(f"/content/consultation.consultation/{consultation.id}/follow", data={"action": "follow"})
    client.post("/account/logout")
    login(client, users["staff"])
    for step in ("close", "publish_results"):
        client.post(f"/content/consultation.consultation/{consultation.id}/transition/{step}", data={})
    client.post(f"/consultations/{consultation.id}/outcome", data={"synthesis": "Heard.", "decision": "Decided."})
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/publish_decision", data={})
    for person in (participant, follower):
        messages = db.session.scalars(db.select(Notification.message).where(Notification.user_id == person.id)
                                      .order_by(Notification.id)).all()
        title = consultation.title
        assert messages == [f"“{title}” is now: Closed.", f"“{title}” is now: Results published.",
                            f"“{title}” is now: Decision published."], person.email
        # And by mail, each with the link to the consultation's page.
        mails = smtp.wait_for(person.email, count=3)
        assert [body(mail).count(message) for mail, message in zip(mails, messages)] == [1, 1, 1]
        assert all(f"/consultations/{consultation.id}" in " ".join(links(mail)) for mail in mails)
    assert smtp.to(users["staff"].email) == []


def test_a_resident_cannot_see_another_persons_answers(client, users, login, make_user, make_consultation, answer):
    consultation = make_consultation()
    other = make_user("other@example.org")
    _answer_as(client, login, other, answer, consultation, short_text="Secret word")
    login(client, users["resident"])
    page = client.get(f"/consultations/{consultation.id}/take-part")
    assert "Secret word" not in page.text
    assert client.get(f"/consultations/{consultation.id}/responses.csv").status_code == 403
    assert question(consultation, "short_text")


def test_many_proposals_are_listed_page_by_page_most_supported_first(client, users, make_consultation):
    from core.testing import count_queries
    from plugins.consultation.views import PROPOSALS_PER_PAGE

    consultation = make_consultation()
    db.session.add_all([
        Proposal(consultation_id=consultation.id, title=f"Proposal number {n:03d}", body="x" * 30, state="published",
                 author_id=users["resident"].id, support_count=n)
        for n in range(PROPOSALS_PER_PAGE + 5)
    ])
    db.session.commit()
    few, first = count_queries(client, f"/consultations/{consultation.id}")
    assert first.text.count("Proposal number") == PROPOSALS_PER_PAGE
    assert f"Proposal number {PROPOSALS_PER_PAGE + 4:03d}" in first.text and "Proposal number 000" not in first.text
    assert "Page 1 of 2" in first.text
    many, second = count_queries(client, f"/consultations/{consultation.id}?page=2")
    assert second.text.count("Proposal number") == 5 and "Proposal number 000" in second.text
    assert many == few
    assert client.get(f"/consultations/{consultation.id}?page=²").status_code == 200


def test_a_question_with_many_published_texts_shows_the_first_and_links_to_the_others(
        client, users, make_consultation):
    from plugins.consultation.models import Response
    from plugins.consultation.results import TEXTS_SHOWN
    from plugins.consultation.views import TEXTS_PER_PAGE

    consultation = make_consultation(state="results_published")
    long_text = question(consultation, "long_text")
    single = question(consultation, "single")
    total = TEXTS_PER_PAGE + 7
    for n in range(total + 3):
        response = Response(consultation_id=consultation.id, user_id=None)
        db.session.add(response)
        db.session.flush()
        db.session.add(AnswerValue(response_id=response.id, question_id=long_text.id,
                                   text=f"Remark number {n:03d}",
                                   moderation="approved" if n < total else "pending"))
    db.session.commit()

    page = client.get(f"/consultations/{consultation.id}/results").text
    assert page.count("Remark number") == TEXTS_SHOWN
    assert "Remark number 000" in page and "3 other answers are not published" in page
    link = f"/consultations/{consultation.id}/results/{long_text.id}/answers"
    assert f"See all {total} published answers to this question" in page and link in page

    first = client.get(link).text
    assert first.count("Remark number") == TEXTS_PER_PAGE and "Page 1 of 2" in first
    second = client.get(link + "?page=2").text
    assert second.count("Remark number") == 7
    assert f"Remark number {total - 1:03d}" in second and f"Remark number {total:03d}" not in second
    # Only free-text questions of this consultation have such a page.
    assert client.get(f"/consultations/{consultation.id}/results/{single.id}/answers").status_code == 404
    other = make_consultation(state="results_published", title="Another")
    assert client.get(f"/consultations/{other.id}/results/{long_text.id}/answers").status_code == 404
    # Nor before the results are published.
    consultation.state = "open"
    db.session.commit()
    assert client.get(link).status_code == 404
    # The printable report keeps every published answer.
    consultation.state = "results_published"
    db.session.commit()
    assert client.get(f"/consultations/{consultation.id}/report").text.count("Remark number") == total


def test_a_closed_consultations_counts_are_kept_and_read_back_without_counting_again(
        client, users, login, make_user, make_consultation, answer):
    from core.testing import count_queries

    consultation = make_consultation()
    for person in _people(make_user, 3):
        _answer_as(client, login, person, answer, consultation, single="Every day", scale=4)
    assert consultation.results_snapshot is None
    login(client, users["staff"])
    client.post(f"/content/consultation.consultation/{consultation.id}/transition/close", data={})
    with db.engine.connect() as connection:  # what another request would read: committed
        kept = connection.execute(db.select(type(consultation).results_snapshot)
                                  .where(type(consultation).id == consultation.id)).scalar()
    assert kept is not None and kept["responses"] == 3, "kept when it closed"
    db.session.refresh(consultation)
    consultation.state = "results_published"
    db.session.commit()

    kept_count, kept_page = count_queries(client, f"/consultations/{consultation.id}/results")
    assert "3" in kept_page.text.split("Questionnaires answered")[1][:60], "responses, kept"
    assert _row(kept_page.text, "Every day")[0] == "3"
    # Without kept counts (a consultation closed before they were kept), the page counts them,
    # and keeps nothing: a page that only reads writes nothing.
    consultation.results_snapshot = None
    db.session.commit()
    live_count, live_page = count_queries(client, f"/consultations/{consultation.id}/results")
    assert kept_count <= live_count - 5, "the counting queries are not run when the counts are kept"
    assert _row(live_page.text, "Every day") == _row(kept_page.text, "Every day")
    db.session.refresh(consultation)
    assert consultation.results_snapshot is None

    # A question added after closing is counted: the kept counts are for the old questions.
    from plugins.consultation.models import Question
    from plugins.consultation.results import keep_figures

    keep_figures(consultation.id)
    consultation.questions.append(Question(kind="short_text", label="One more thing?", position=9))
    db.session.commit()
    assert "One more thing?" in client.get(f"/consultations/{consultation.id}/results").text
