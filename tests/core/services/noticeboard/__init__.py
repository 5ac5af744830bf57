"""``noticeboard``: the test plugin of the core services.

A neighbourhood notice board where residents post notices. It opts into every core service, so
the core's tests prove each service end to end without depending on a built-in plugin. It is
also a compact example of a plugin that uses the services.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.content import SYSTEM, ContentType, State, Transition, Workflow
from core.declarations import NavItem, PermissionSpec
from core.hookspecs import hookimpl

from .models import Notice

WORKFLOW = Workflow(
    states=(
        State("draft", _l("Draft"), public=False),
        State("published", _l("Published")),
        State("under_review", _l("Under review")),
        State("accepted", _l("Accepted")),
        State("rejected", _l("Rejected")),
    ),
    initial="draft",
    transitions=(
        Transition("publish", _l("Publish"), ("draft",), "published", "author"),
        Transition("review", _l("Start the review"), ("published",), "under_review", "noticeboard.notice.manage"),
        Transition("accept", _l("Accept"), ("published", "under_review"), "accepted", "noticeboard.notice.manage"),
        Transition("reject", _l("Reject"), ("published", "under_review"), "rejected", "noticeboard.notice.manage",
                   comment_required=True),
        # A notice nobody supported for a year is closed by the system.
        Transition("expire", _l("Closed: nobody supported it for a year"), ("published",), "rejected", SYSTEM),
        # The same decisions, made by publishing the city's official answer.
        Transition("answer_review", _l("Start the review"), ("published",), "under_review",
                   "noticeboard.notice.manage", answer=True),
        Transition("answer_accept", _l("Accept"), ("published", "under_review"), "accepted",
                   "noticeboard.notice.manage", answer=True),
        Transition("answer_reject", _l("Reject"), ("published", "under_review"), "rejected",
                   "noticeboard.notice.manage", answer=True),
    ),
)


def can_support(notice, user):
    if notice.state not in ("published", "under_review"):
        return _l("Supports are closed for this notice.")
    return None


def comments_open(notice):
    return notice.is_public and notice.state in ("published", "under_review")


NOTICE = ContentType(
    name="noticeboard.notice",
    label=_l("Notice"),
    label_plural=_l("Notices"),
    model=Notice,
    endpoint="noticeboard.detail",
    services=frozenset(
        {"workflow", "answers", "comments", "supports", "follows", "moderation", "search", "attachments"}
    ),
    workflow=WORKFLOW,
    comment_stances=True,
    can_support=can_support,
    comments_open=comments_open,
)


@hookimpl
def register_content_types():
    return [NOTICE]


@hookimpl
def register_permissions():
    return [PermissionSpec("noticeboard.notice.manage", _l("Manage notices"), ("staff",))]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("Notices"), "noticeboard.index", order=50)]


@hookimpl
def open_data_datasets():
    from core.database import db
    from core.declarations import Dataset

    def rows():
        query = db.select(Notice).where(Notice.is_hidden.is_(False), Notice.state != "draft").order_by(Notice.id)
        for notice in db.session.scalars(query):
            yield {
                "id": notice.id,
                "title": notice.title,
                "state": notice.state,
                "neighbourhood": notice.neighbourhood.name if notice.neighbourhood else None,
                "supports": notice.support_count,
                "published_at": notice.published_at,
            }

    return [
        Dataset(
            name="notices",
            title=_l("Notices"),
            description=_l("Published notices and their state."),
            columns=("id", "title", "state", "neighbourhood", "supports", "published_at"),
            rows=rows,
        )
    ]


@hookimpl
def public_statistics():
    from sqlalchemy import func

    from core.database import db
    from core.declarations import Statistic
    from core.services.stats import count_by_month

    public = (Notice.is_hidden.is_(False), Notice.state != "draft")
    total = db.session.scalar(db.select(func.count()).select_from(Notice).where(*public))
    return [
        Statistic(
            key="notices",
            label=_l("Notices published"),
            value=total,
            series=count_by_month(Notice.created_at, *public),
        )
    ]
