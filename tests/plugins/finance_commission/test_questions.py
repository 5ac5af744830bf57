"""A resident asks; a moderator publishes; the commission answers publicly; the author is notified."""

from core.database import db
from core.services.notifications import Notification
from plugins.finance_commission.models import Question


def test_the_life_of_a_question(app, client, login, users, make_user):
    member = make_user("member@example.org", "Mia Member", roles=["commission_member"])
    login(client, users["resident"])
    response = client.post("/finances/questions", data={"title": "Why does the debt grow?", "body": ""})
    question = db.session.scalar(db.select(Question))
    assert response.status_code == 302 and question.state == "pending"
    client = app.test_client()
    assert client.get(f"/finances/questions/{question.id}").status_code == 404

    login(client, users["moderator"])
    client.post(f"/finances/questions/{question.id}/moderate", data={"decision": "approve"})
    client = app.test_client()
    assert "Why does the debt grow?" in client.get("/finances/questions").get_data(as_text=True)

    login(client, member)
    response = client.post(f"/finances/questions/{question.id}/answer", data={"body": "Because of new schools."})
    assert response.status_code == 302
    client = app.test_client()
    page = client.get(f"/finances/questions/{question.id}").get_data(as_text=True)
    assert "The commission&#39;s answer" in page or "The commission's answer" in page
    assert "Because of new schools." in page
    notified = db.session.scalars(db.select(Notification.user_id)).all()
    assert users["resident"].id in notified


def test_a_resident_cannot_answer_and_a_short_question_is_refused(client, login, users):
    login(client, users["resident"])
    response = client.post("/finances/questions", data={"title": "Why?"})
    assert response.status_code == 422 and "Between 10 and 200 characters." in response.get_data(as_text=True)
    question = Question(title="A published question", body="", state="published", author_id=users["admin"].id)
    db.session.add(question)
    db.session.commit()
    assert client.post(f"/finances/questions/{question.id}/answer", data={"body": "x"}).status_code == 403


def test_statistics_and_the_commission_page(client):
    assert "Finance commission meetings held" in client.get("/stats/").get_data(as_text=True)
    page = client.get("/finances/").get_data(as_text=True)
    assert "Extra-municipal finance commission" in page
    assert client.get("/finances/bodies/commission").status_code == 200
