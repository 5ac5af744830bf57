"""What the reader's own parts of a discussion read (core.pageparts), once per request.

The parts of a kept page are filled in for each reader from the comments' ids: these functions
load the comments of a page in one query, their moderation marks in at most two, and whether the
reader may write, once per item.
"""

from __future__ import annotations

import time

from flask import g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from core.database import db

from .models import Comment
from .rules import refusal


def comments_by_id(ids) -> dict[int, Comment]:
    """The comments of ``ids`` by id (those the request already loaded are not read again)."""
    known = g.setdefault("_civique_comments", {})
    for each in ids:
        if each not in known:
            loaded = db.session.identity_map.get(identity_key(Comment, each))
            if loaded is not None:
                known[each] = loaded
    missing = [each for each in ids if each not in known]
    if missing:
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(missing))):
            known[comment.id] = comment
    return {each: known[each] for each in ids if each in known}


def comment_marks_for(ids):
    """The moderation marks of the comments ``ids`` for the reader (those they reported, and
    for moderators the reports waiting), once per page."""
    from core.services.moderation.rules import comment_marks

    cache = g.setdefault("_civique_comment_marks", {})
    key = tuple(ids)
    if key not in cache:
        cache[key] = comment_marks(ids)
    return cache[key]


def may_edit_comment(author_id, edit_until) -> bool:
    """Whether the reader wrote the comment and may still edit it (``edit_until``: the end of
    its editing time as a Unix time, ``None`` when it cannot be edited, hidden say)."""
    return (edit_until is not None and current_user.is_authenticated
            and current_user.id == author_id and time.time() < edit_until)


def comment_refusal(item):
    """``None`` when the reader may comment on ``item`` now, else why not (once per item)."""
    cache = g.setdefault("_civique_comment_refusals", {})
    key = (item.content_type_name, item.id)
    if key not in cache:
        cache[key] = refusal(item, current_user)
    return cache[key]
