"""The core services are proved with the ``noticeboard`` test plugin."""

import pytest

from . import noticeboard


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": {"noticeboard": noticeboard}}


@pytest.fixture
def make_notice(app):
    """Create a notice: ``make_notice(author, title="...", state="published")``."""
    from core.database import db, utcnow

    from .noticeboard.models import Notice

    def factory(author, title="Plant trees in Rebberg square", body="More shade in summer.",
                state="published", **fields):
        notice = Notice(title=title, body=body, author_id=author.id if author else None,
                        state=state, published_at=utcnow() if state != "draft" else None, **fields)
        db.session.add(notice)
        db.session.commit()
        return notice

    return factory
