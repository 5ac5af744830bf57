"""Who may comment, posting and changing a comment, and comments going with their item."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from core.database import db, utcnow
from core.events import CommentPosted, emit
from core.pagecache import expire_visitor_pages
from core.services.follows import follow

from .models import MAX_LENGTH, STANCES, Comment


class CommentRefused(ValueError):
    """A comment cannot be posted or changed; ``message`` says why, for its author."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Rules ----------------------------------------------------------------------------------------


def uses_comments(item) -> bool:
    return item is not None and item.content_type.uses("comments")


def comments_open(item) -> bool:
    """Whether the item accepts new comments (its type decides; default: while it is public)."""
    if item.is_hidden:
        return False
    check = item.content_type.comments_open
    return bool(check(item)) if check is not None else bool(item.is_public)


def refusal(item, user):
    """Why ``user`` may not comment on ``item`` now (a translated sentence), or ``None``."""
    if not comments_open(item):
        return _l("Comments are closed.")
    if not getattr(user, "is_authenticated", False):
        return _l("Log in to comment.")
    if not user.is_confirmed:
        return _l(
            "Confirm your e-mail address before commenting: follow the link in the mail we sent you."
        )
    check = item.content_type.can_comment
    return check(item, user) if check is not None else None


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentRefused(_l("Write your comment before sending it."))
    if len(body) > MAX_LENGTH:
        raise CommentRefused(_l("A comment has %(max)s characters at most.", max=MAX_LENGTH))
    return body


def _clean_stance(item, stance: str | None, is_reply: bool) -> str | None:
    if not stance or is_reply or not item.content_type.comment_stances:
        return None
    if stance not in dict(STANCES):
        raise CommentRefused(_l("Choose a position from the list."))
    return stance


def post_comment(item, user, body: str, *, stance: str | None = None, reply_to: Comment | None = None) -> Comment:
    """Add ``user``'s comment on ``item`` (a reply when ``reply_to`` is given); the caller commits.

    Raises :class:`CommentRefused` with a message for the author. Bumps the item's
    ``comment_count`` and makes the author follow the item; once the caller commits,
    :class:`~core.events.CommentPosted` tells the plugins (the notifications service tells the
    item's followers).
    """
    reason = refusal(item, user)
    if reason is not None:
        raise CommentRefused(reason)
    if reply_to is not None:
        if (reply_to.content_type, reply_to.content_id) != (item.content_type_name, item.id):
            raise CommentRefused(_l("This comment belongs to another discussion."))
        if reply_to.is_hidden:
            raise CommentRefused(_l("This comment was hidden by moderation and cannot be answered."))
    comment = Comment(
        content_type=item.content_type_name,
        content_id=item.id,
        parent_id=(reply_to.parent_id or reply_to.id) if reply_to is not None else None,
        reply_to_id=reply_to.id if reply_to is not None else None,
        author_id=user.id,
        body=_clean_body(body),
        stance=_clean_stance(item, stance, reply_to is not None),
    )
    comment.attach_item(item)
    db.session.add(comment)
    db.session.flush()
    _count_comment(item)
    follow(user, item)
    emit(CommentPosted(comment_id=comment.id, content_type=item.content_type_name,
                       content_id=item.id, author_id=user.id, reply_to_id=comment.reply_to_id))
    return comment


def _count_comment(item) -> None:
    """``comment_count = comment_count + 1`` in the database, whatever other requests do."""
    model = type(item)
    db.session.execute(
        update(model)
        .where(model.id == item.id)
        .values(comment_count=model.comment_count + 1, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(item, ["comment_count"])


def edit_comment(comment: Comment, user, body: str, stance: str | None = None) -> None:
    """Change the text (and position) of ``comment``; only its author, for a short while."""
    if not comment.is_author(user):
        raise CommentRefused(_l("Only the author of a comment may change it."))
    if comment.is_hidden:
        raise CommentRefused(_l("This comment was hidden by moderation and cannot be changed."))
    if utcnow() >= comment.edit_deadline:
        raise CommentRefused(
            _l(
                "A comment can be changed only within %(minutes)s minutes of posting it.",
                minutes=current_app.config["COMMENT_EDIT_MINUTES"],
            )
        )
    comment.body = _clean_body(body)
    comment.stance = _clean_stance(comment.item, stance, comment.parent_id is not None)
    comment.edited_at = utcnow()
    expire_visitor_pages()  # an author may take back what they regret: not 10 s more


def delete_comments_of(keys) -> None:
    """Delete the comments of the items ``keys`` (``(type name, id)`` pairs), deleted themselves.
    The caller commits."""
    for type_name, item_id in keys:
        db.session.execute(
            Comment.__table__.delete().where(
                Comment.__table__.c.content_type == type_name, Comment.__table__.c.content_id == item_id
            )
        )
