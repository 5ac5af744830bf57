"""Residents propose ideas: published at once or after moderation, drafts finished later,
similar ideas suggested, and every mistake explained without losing what was typed."""

import io

from PIL import Image

from core.services.attachments import Attachment
from core.database import db
from core.workflows import timeline
from plugins.idea_box.models import Idea

DESCRIPTION = "The square has no shade at all: families leave it in summer. Plant six lime trees."


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def idea_form(places, **overrides):
    data = {
        "title": "Plant lime trees on the Rebberg square",
        "body": DESCRIPTION,
        "neighbourhood": str(places["rebberg"].id),
        "category": str(places["nature"].id),
        "place_address": "Place du Rebberg",
        "estimated_cost": "12000",
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_a_resident_publishes_an_idea_that_everyone_can_read(client, users, login, places):
    login(client, users["resident"])
    response = client.post("/ideas/new", data=idea_form(places), follow_redirects=True)
    assert "Thank you! Your idea is published" in response.text
    idea = db.session.scalar(db.select(Idea))
    assert idea.state == "published" and idea.published_at is not None
    assert idea.neighbourhood_id == places["rebberg"].id and idea.estimated_cost == 12000

    visitor = client.application.test_client()
    page = visitor.get(f"/ideas/{idea.id}")
    assert page.status_code == 200
    assert "Plant lime trees on the Rebberg square" in page.text
    assert "Open for support" in page.text and "Place du Rebberg" in page.text
    assert "Rose Resident" in page.text
    # The timeline shows who published it; the author follows their idea.
    assert [r.to_state for r in timeline(idea)] == ["published"]
    assert "You follow this page." in client.get(f"/ideas/{idea.id}").text


def test_a_draft_needs_only_a_title_and_stays_private_until_sent(client, users, login, make_user, places):
    login(client, users["resident"])
    response = client.post("/ideas/new", data={"title": "A bench near the bakery", "body": "",
                                               "neighbourhood": "", "action": "draft"},
                           follow_redirects=True)
    assert "Your draft is saved. Only you can see it" in response.text
    idea = db.session.scalar(db.select(Idea))
    assert idea.state == "draft" and idea.published_at is None
    assert "Finish my idea" in response.text
    # Nobody else sees it, not even the staff; it is not listed.
    assert client.application.test_client().get(f"/ideas/{idea.id}").status_code == 404
    other = client.application.test_client()
    login(other, users["staff"])
    assert other.get(f"/ideas/{idea.id}").status_code == 404
    assert "A bench near the bakery" not in other.get("/ideas/").text
    assert other.get(f"/ideas/{idea.id}/edit").status_code == 404

    # The author finishes it later; the page keeps what was saved.
    form = client.get(f"/ideas/{idea.id}/edit")
    assert 'value="A bench near the bakery"' in form.text
    response = client.post(f"/ideas/{idea.id}/edit", follow_redirects=True,
                           data=idea_form(places, title="A bench near the bakery"))
    assert "Your idea is published" in response.text
    db.session.refresh(idea)
    assert idea.state == "published"
    # Once published, it can no longer be edited.
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403


def test_an_incomplete_draft_cannot_be_published_from_its_page(client, users, login):
    login(client, users["resident"])
    client.post("/ideas/new", data={"title": "Only a title", "action": "draft"})
    idea = db.session.scalar(db.select(Idea))
    assert "Publish my idea" not in client.get(f"/ideas/{idea.id}").text
    response = client.post(f"/content/idea_box.idea/{idea.id}/transition/publish", follow_redirects=True)
    assert "This action is not available." in response.text
    db.session.refresh(idea)
    assert idea.state == "draft"


def test_a_too_long_title_is_explained_and_nothing_typed_is_lost(client, users, login, places):
    login(client, users["resident"])
    long_title = "A" * 151
    response = client.post("/ideas/new", data=idea_form(places, title=long_title))
    assert response.status_code == 422
    assert "The title must have between 5 and 150 characters." in response.text
    assert long_title in response.text and DESCRIPTION in response.text
    assert "Place du Rebberg" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_typed_is_lost(client, users, login, places):
    login(client, users["resident"])
    data = idea_form(places, image=(io.BytesIO(b"MZ\x90\x00 this is a program"), "photo.jpg"),
                     image_description="The square today")
    response = client.post("/ideas/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "This file is not an image we can read" in response.text
    assert "Choose the image again." in response.text
    assert DESCRIPTION in response.text and "Plant lime trees on the Rebberg square" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_an_image_is_kept_with_its_description(client, users, login, places):
    login(client, users["resident"])
    data = idea_form(places, image=(io.BytesIO(png_bytes()), "square.png"),
                     image_description="The square without any tree")
    response = client.post("/ideas/new", data=data, content_type="multipart/form-data", follow_redirects=True)
    assert "Your idea is published" in response.text
    assert 'alt="The square without any tree"' in response.text
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.kind == "image" and attachment.content_type == "idea_box.idea"
    assert client.application.test_client().get(
        f"/files/{attachment.id}/{attachment.original_name}").status_code == 200


def test_an_image_needs_a_description(client, users, login, places):
    login(client, users["resident"])
    data = idea_form(places, image=(io.BytesIO(png_bytes()), "square.png"))
    response = client.post("/ideas/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Describe the image in a few words" in response.text


def test_similar_ideas_are_suggested_without_javascript(client, users, login, make_idea, places):
    make_idea(users["staff"], title="More trees on the Rebberg square")
    make_idea(users["staff"], title="A cycle lane to Dornach", neighbourhood="dornach")
    login(client, users["resident"])
    response = client.post("/ideas/new", data=idea_form(places, action="similar", title="Trees for the Rebberg"))
    assert response.status_code == 200
    assert "These ideas look similar" in response.text
    assert "More trees on the Rebberg square" in response.text
    assert "A cycle lane to Dornach" not in response.text
    # Nothing was saved, and what was typed is still there.
    assert DESCRIPTION in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 2

    response = client.post("/ideas/new", data=idea_form(places, action="similar", title="Free concerts in courtyards"))
    assert "No similar idea found: yours looks new." in response.text


def test_the_script_gets_the_same_suggestions_as_a_fragment(client, users, make_idea):
    make_idea(users["staff"], title="More trees on the Rebberg square")
    response = client.get("/ideas/similar?title=trees%20rebberg")
    assert response.status_code == 200
    assert "More trees on the Rebberg square" in response.text
    assert "<html" not in response.text


def test_with_moderation_before_publication_a_moderator_approves(client, users, login, places, set_setting):
    set_setting("moderation", "before")
    login(client, users["resident"])
    response = client.post("/ideas/new", data=idea_form(places), follow_redirects=True)
    assert "sent to the moderators" in response.text
    idea = db.session.scalar(db.select(Idea))
    assert idea.state == "pending"
    assert client.application.test_client().get(f"/ideas/{idea.id}").status_code == 404

    moderator = client.application.test_client()
    login(moderator, users["moderator"])
    queue = moderator.get("/ideas/moderation")
    assert "Plant lime trees on the Rebberg square" in queue.text
    refused = moderator.post(f"/content/idea_box.idea/{idea.id}/transition/send_back", follow_redirects=True)
    assert "Please explain this decision" in refused.text
    approved = moderator.post(f"/content/idea_box.idea/{idea.id}/transition/approve", follow_redirects=True)
    assert "Open for support" in approved.text
    db.session.refresh(idea)
    assert idea.state == "published"
    assert client.application.test_client().get(f"/ideas/{idea.id}").status_code == 200


def test_a_moderator_sends_an_idea_back_with_an_explanation(client, users, login, places, set_setting, smtp):
    set_setting("moderation", "before")
    login(client, users["resident"])
    client.post("/ideas/new", data=idea_form(places))
    idea = db.session.scalar(db.select(Idea))
    moderator = client.application.test_client()
    login(moderator, users["moderator"])
    moderator.post(f"/content/idea_box.idea/{idea.id}/transition/send_back",
                   data={"comment": "Please say which square you mean."})
    db.session.refresh(idea)
    assert idea.state == "draft"
    page = client.get(f"/ideas/{idea.id}")
    assert "Please say which square you mean." in page.text
    smtp.wait_for(users["resident"].email)


def test_in_campaign_mode_ideas_wait_for_the_campaign(client, users, login, places, set_setting):
    from datetime import date, timedelta

    from plugins.idea_box.models import Campaign

    set_setting("mode", "campaign")
    start = date.today() + timedelta(days=10)
    db.session.add(Campaign(name="Campaign 2027", submission_start=start, submission_end=start + timedelta(days=30),
                            support_end=start + timedelta(days=60), study_end=start + timedelta(days=90),
                            results_date=start + timedelta(days=100)))
    db.session.commit()
    login(client, users["resident"])
    page = client.get("/ideas/")
    assert "the next one, “Campaign 2027”, opens on" in page.text
    assert 'href="/ideas/new"' not in page.text
    response = client.post("/ideas/new", data=idea_form(places), follow_redirects=True)
    assert "Your idea is saved as a draft." in response.text
    idea = db.session.scalar(db.select(Idea))
    assert idea.state == "draft"


def test_the_author_deletes_a_draft(client, users, login):
    login(client, users["resident"])
    client.post("/ideas/new", data={"title": "A bench near the bakery", "action": "draft"})
    idea = db.session.scalar(db.select(Idea))
    other = client.application.test_client()
    login(other, users["admin"])
    assert other.post(f"/ideas/{idea.id}/delete").status_code == 404
    response = client.post(f"/ideas/{idea.id}/delete", follow_redirects=True)
    assert "Your draft has been deleted." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 0


def test_my_ideas_lists_drafts_too(client, users, login, make_idea):
    make_idea(users["resident"], title="A draft of mine", state="draft")
    make_idea(users["resident"], title="A published idea of mine")
    make_idea(users["staff"], title="Someone else's idea")
    login(client, users["resident"])
    page = client.get("/ideas/mine")
    assert "A draft of mine" in page.text and "A published idea of mine" in page.text
    assert "Someone else&#39;s idea" not in page.text and "Someone else's idea" not in page.text


def test_visitors_are_asked_to_log_in_to_propose(client):
    response = client.get("/ideas/new")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_form_suggests_similar_ideas_as_the_title_is_typed(client, users, login):
    login(client, users["resident"])
    page = client.get("/ideas/new")
    assert "<h1>Propose an idea</h1>" in page.text
    assert "/ideas/static/similar.js" in page.text and 'data-similar-url="/ideas/similar"' in page.text
    assert client.get("/ideas/static/similar.js").status_code == 200
