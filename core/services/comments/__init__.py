"""Core service: comments on content, for content types that use the ``comments`` service.

A comment belongs to a piece of content by its type name and id. Comments form threads: a reply
is attached to the first comment of its thread (``parent_id``) and remembers the comment it
answers (``reply_to_id``), so a reply to a reply stays in the same thread, shown one level
indented. An item's page shows a page of threads with the first replies of each; the rest of a
long thread is on the thread's own page (a plain link, no JavaScript needed). Text is Markdown,
rendered and sanitised when shown. Its author may change it during ``COMMENT_EDIT_MINUTES``;
moderators may hide it with a reason shown in its place.

Only confirmed accounts comment, while the content type's ``comments_open(item)`` says so
(default: while the item is public) and its ``can_comment(item, user)`` lets them. Commenting
makes the author follow the item and sends :class:`~core.events.CommentPosted` (the
notifications service tells the item's followers). The item's ``comment_count`` is kept in
step in the same transaction, with an atomic ``UPDATE``. When an item is deleted, its comments
go with it (the reaction to :class:`~core.events.ContentChanged` below). Templates show a
discussion with ``comments/_macros.html`` (``comments(item)``).
"""

from core.events import ContentChanged
from core.hookspecs import hookimpl

from .forms import CommentForm, new_form
from .models import STANCES, Comment
from .rules import CommentRefused, comments_open, delete_comments_of, edit_comment, post_comment, refusal
from .threads import comment_url, load_section, load_thread

__all__ = [
    "Comment", "CommentForm", "CommentRefused", "STANCES", "comment_url", "edit_comment",
    "load_section", "load_thread", "new_form", "post_comment", "refusal",
]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    from . import parts
    from .views import comment_section

    return {"comment_section": comment_section, "new_comment_form": new_form,
            "comment_stances": STANCES, "comments_by_id": parts.comments_by_id,
            "comment_marks_for": parts.comment_marks_for,
            "may_edit_comment": parts.may_edit_comment, "comment_refusal": parts.comment_refusal,
            "comments_are_open": comments_open}


@hookimpl
def track_event(event):
    if isinstance(event, ContentChanged) and event.deleted:
        delete_comments_of(event.deleted)
