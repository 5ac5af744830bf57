"""What the followers and the author of an item are told, as things happen to it.

Called from the service's ``track_event`` hook, once the change is committed:

- :class:`~core.events.WorkflowTransitioned`: "“<title>” is now: <state>", unless the move was
  made by publishing an answer (the answer tells them) or the code that made it told them
  itself (``announced``, an implementation step's own message, say);
- :class:`~core.events.AnswerPublished`: "The city has answered “<title>”: <state>";
- :class:`~core.events.CommentPosted`: "<name> commented on “<title>”" (not to its author).
"""

from __future__ import annotations

from flask_babel import gettext as _

from core.accounts.models import User
from core.content import item_title, load_item
from core.database import db
from core.events import AnswerPublished, CommentPosted, WorkflowTransitioned
from core.workflows import state_label

from .rules import notify_followers


def tell_followers(event) -> None:
    if isinstance(event, WorkflowTransitioned) and event.answer_id is None and not event.announced:
        _moved(event)
    elif isinstance(event, AnswerPublished):
        _answered(event)
    elif isinstance(event, CommentPosted):
        _commented(event)


def _also_the_author(item) -> tuple:
    return (item.author_id,) if item.author_id else ()


def _moved(event: WorkflowTransitioned) -> None:
    item = load_item(event.content_type, event.content_id)
    if item is None or not (item.content_type.uses("follows") or item.author_id):
        return
    title, state = item_title(item), event.to_state

    def message():
        return _("“%(title)s” is now: %(state)s.", title=title, state=state_label(item, state))

    notify_followers(item, "workflow.transitioned", message, actor=event.actor_id,
                     also=_also_the_author(item))


def _answered(event: AnswerPublished) -> None:
    item = load_item(event.content_type, event.content_id)
    if item is None:
        return
    title, state = item_title(item), event.state

    def message():
        return _("The city has answered “%(title)s”: %(state)s.", title=title,
                 state=state_label(item, state))

    notify_followers(item, "answers.published", message, actor=event.actor_id,
                     also=_also_the_author(item))


def _commented(event: CommentPosted) -> None:
    item = load_item(event.content_type, event.content_id)
    author = db.session.get(User, event.author_id)
    if item is None or author is None:
        return
    name, title = str(author.public_name), item_title(item)

    def message():
        return _("%(name)s commented on “%(title)s”", name=name, title=title)

    notify_followers(item, "comments.new", message, actor=author)
