"""What the reader's own parts of a discussion read (core.pageparts), once per request.

The parts of a kept page are filled in for each reader from the comments' ids: these functions
load the comments of a page in one query, their moderation marks in at most two, and whether the
reader may write, once per item.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from core.database import db

from .models import Comment
from .rules import comments_open, refusal


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


@dataclass(frozen=True)
class CommentActions:
    """What the reader may do with one comment (the ``comment_actions`` part shows it)."""

    comment: Comment
    reply: bool  # answer it (comments open to them, the comment not hidden)
    edit: bool  # their own, still within the time to edit it
    reported: bool  # they reported it
    report: bool  # they may report it (not theirs, not hidden, not reported yet)
    moderate: bool  # hide it or show it again
    waiting: int  # reports waiting for a decision (moderators only)


def comment_actions_of(ids) -> dict[int, CommentActions]:
    """What the reader may do with each comment of ``ids``, worked out once for the page: the
    comments in one query, the moderation marks in at most two."""
    from core.services.moderation.rules import comment_marks

    cache = g.setdefault("_civique_comment_actions", {})
    key = tuple(ids)
    if key not in cache:
        comments = comments_by_id(ids)
        marks = comment_marks(list(comments.values()))
        user = current_user._get_current_object()
        actions = {}
        for comment_id, comment in comments.items():
            mine = comment.is_author(user)
            reported = user.is_authenticated and comment_id in marks.reported
            actions[comment_id] = CommentActions(
                comment=comment,
                reply=not comment.is_hidden and comment_refusal(comment.item) is None,
                edit=mine and comment.allows(user, "edit"),
                reported=reported,
                report=not reported and not mine and not comment.is_hidden,
                moderate=marks.can_moderate,
                waiting=marks.pending.get(comment_id, 0),
            )
        cache[key] = actions
    return cache[key]


def comment_refusal(item):
    """``None`` when the reader may comment on ``item`` now, else why not (once per item)."""
    cache = g.setdefault("_civique_comment_refusals", {})
    key = (item.content_type_name, item.id)
    if key not in cache:
        cache[key] = refusal(item, current_user)
    return cache[key]


def comments_are_open(item) -> bool:
    return comments_open(item)
