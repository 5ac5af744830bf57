"""Accepted ideas are followed until done: dated steps, progress, budget spent and photos,
public on the idea's page and notified to its followers."""

import io

from PIL import Image

from core.services.attachments import Attachment
from core.services.audit import AuditEntry
from core.database import db
from core.testing import body

from .conftest import euros_as_shown


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 160, 40)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def step(**overrides):
    data = {"happened_on": "2026-03-02", "title": "Trees ordered", "description": "Six lime trees from the nursery.",
            "progress": "30", "budget_spent": "4200"}
    data.update(overrides)
    return data


def test_a_step_is_public_and_notified_to_followers(client, users, login, make_idea, make_user, smtp):
    idea = make_idea(users["resident"], state="accepted")
    follower = make_user("follower@example.org", "Fanny Follower")
    visitor = client.application.test_client()
    login(visitor, follower)
    visitor.post(f"/content/idea_box.idea/{idea.id}/follow", data={"action": "follow"})

    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/implementation", data=step(), follow_redirects=True)
    assert "The step is published on the idea" in response.text
    db.session.refresh(idea)
    assert (idea.state, idea.progress, idea.budget_spent) == ("in_progress", 30, 4200)
    public = client.application.test_client().get(f"/ideas/{idea.id}")
    assert "Trees ordered" in public.text and "Six lime trees from the nursery." in public.text
    assert 'value="30"' in public.text and "30% done" in public.text
    assert euros_as_shown(4200, public) in public.text
    assert "Being carried out" in public.text
    for person in (follower, users["resident"]):
        [mail] = smtp.wait_for(person.email)
        assert "Trees ordered" in body(mail) and "30% done" in body(mail)
    assert "idea_box.step_added" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_the_last_step_marks_the_idea_done(client, users, login, make_idea, smtp):
    idea = make_idea(users["resident"], state="in_progress", progress=60)
    login(client, users["staff"])
    client.post(f"/ideas/{idea.id}/implementation", data=step(title="Trees planted", progress="90", completes="y"))
    db.session.refresh(idea)
    assert (idea.state, idea.progress) == ("implemented", 100)
    [mail] = smtp.wait_for(users["resident"].email)
    assert "is done: Trees planted" in body(mail)
    page = client.get(f"/ideas/{idea.id}/implementation")
    assert "Publish a step" not in page.text


def test_a_photo_goes_with_its_step(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="in_progress")
    login(client, users["staff"])
    data = step(photo=(png(), "trees.png"), photo_description="The new trees along the square")
    client.post(f"/ideas/{idea.id}/implementation", data=data, content_type="multipart/form-data")
    photo = db.session.scalar(db.select(Attachment))
    assert photo is not None and idea.steps[0].photo_id == photo.id
    page = client.application.test_client().get(f"/ideas/{idea.id}")
    assert 'alt="The new trees along the square"' in page.text


def test_a_photo_that_is_not_an_image_is_refused_and_the_step_kept_in_the_form(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="in_progress")
    login(client, users["staff"])
    data = step(photo=(io.BytesIO(b"%!PS-Adobe not an image"), "trees.jpg"), photo_description="Trees")
    response = client.post(f"/ideas/{idea.id}/implementation", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "This file is not an image we can read" in response.text
    assert "Six lime trees from the nursery." in response.text and 'value="Trees ordered"' in response.text
    db.session.refresh(idea)
    assert idea.steps == [] and idea.progress == 0


def test_a_wrong_percentage_is_explained(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="accepted")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/implementation", data=step(progress="140"))
    assert response.status_code == 422
    assert "A percentage is between 0 and 100." in response.text


def test_a_step_entered_by_mistake_is_removed(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="accepted")
    login(client, users["staff"])
    client.post(f"/ideas/{idea.id}/implementation", data=step(progress="20", budget_spent="1000"))
    client.post(f"/ideas/{idea.id}/implementation", data=step(title="Wrong step", progress="80",
                                                              budget_spent="9000", happened_on="2026-04-01"))
    wrong = [s for s in idea.steps if s.title == "Wrong step"][0]
    client.post(f"/ideas/{idea.id}/steps/{wrong.id}/delete")
    db.session.expire_all()
    assert [s.title for s in idea.steps] == ["Trees ordered"]
    assert (idea.progress, idea.budget_spent) == (20, 1000)
    assert "idea_box.step_deleted" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_only_accepted_ideas_have_an_implementation(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="under_study")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/implementation", data=step(), follow_redirects=True)
    assert "Only accepted ideas have an implementation to follow." in response.text
    db.session.refresh(idea)
    assert idea.steps == []
    resident = client.application.test_client()
    login(resident, users["resident"])
    assert resident.get(f"/ideas/{idea.id}/implementation").status_code == 403
