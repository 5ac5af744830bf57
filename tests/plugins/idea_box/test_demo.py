"""The demo city's idea box: a few dozen ideas in every state, and running it twice adds nothing."""

from collections import Counter

from core.services.answers import Answer
from core.services.comments import Comment
from core.database import db
from core.demo import load_demo
from core.services.supports import Support
from plugins.idea_box.models import Idea, ImplementationStep, Study


def test_the_demo_fills_a_living_idea_box_once(app, client):
    load_demo("demo-password-2026")
    states = Counter(db.session.scalars(db.select(Idea.state)))
    assert sum(states.values()) >= 30
    assert set(states) == {"draft", "pending", "published", "eligible", "under_study", "accepted", "rejected",
                           "merged", "in_progress", "implemented"}
    for model in (Support, Comment, Answer, Study, ImplementationStep):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) > 0, model
    merged = db.session.scalar(db.select(Idea).where(Idea.state == "merged"))
    assert merged.merged_into_id is not None
    assert len({idea.neighbourhood_id for idea in db.session.scalars(db.select(Idea))}) >= 10
    page = client.get("/ideas/")
    assert page.status_code == 200 and "Un abri vélo sécurisé à la gare" in page.text
    # Most ideas are placed in their neighbourhood, and many have a picture.
    placed = db.session.scalars(db.select(Idea).where(Idea.latitude.is_not(None))).all()
    assert len(placed) >= 20
    from core.services.maps import neighbourhood_at
    assert all(neighbourhood_at(i.latitude, i.longitude) == i.neighbourhood for i in placed)
    from core.services.attachments import Attachment
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)
                             .where(Attachment.content_type == "idea_box.idea")) >= 10
    # The news reached the residents when it happened: old news read, recent news not.
    from core.services.notifications.models import Notification
    news = db.session.scalars(db.select(Notification)).all()
    assert len({n.created_at.date() for n in news}) >= 10
    assert any(n.read_at for n in news) and any(n.read_at is None for n in news)

    load_demo("demo-password-2026")
    assert Counter(db.session.scalars(db.select(Idea.state))) == states
