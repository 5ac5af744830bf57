"""Core service: notifications.

Services and plugins tell people what happened with :func:`notify` (chosen recipients) or
:func:`notify_followers` (everyone following a piece of content). Each notification is kept in
the database, shown on the person's notifications page with an unread counter in the header,
and sent by e-mail according to the person's preference:

- ``each``: one mail per notification, through the durable mail outbox;
- ``daily``: one digest a day with everything new (the ``notifications.digest`` job);
- ``none``: no mail, the notifications page only.

Messages are rendered once per language, and each recipient gets theirs. A failing mail server
never loses a notification nor breaks the request: the mail waits in the outbox. Beyond
``NOTIFY_IMMEDIATE_LIMIT`` recipients (a popular idea's thousands of followers), the
notifications are created by background jobs (``notifications.fan_out``, ``FAN_OUT_BATCH``
recipients each) queued in the caller's transaction, so the request stays short and nothing is
lost if it ends early; an item's followers are read by a job of their own
(``notifications.followers``), which queues those batches in the worker.

What happens to content is told to its followers and its author here, in :func:`track_event`:
a move of its workflow, the city's answer, a new comment (see :mod:`.reactions`).
"""

from datetime import timedelta

from core.hookspecs import hookimpl

from .digest import send_digests
from .models import Notification
from .reactions import tell_followers
from .rules import fan_out, fan_out_followers, notify, notify_followers, unread_count, unread_notifications

__all__ = ["Notification", "notify", "notify_followers", "send_digests", "unread_count"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {"unread_notifications": unread_notifications}


@hookimpl
def track_event(event):
    tell_followers(event)


@hookimpl
def register_jobs():
    return {
        "notifications.digest": lambda **payload: send_digests(),
        "notifications.fan_out": fan_out,
        "notifications.followers": fan_out_followers,
    }


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    return [Schedule("notifications.digest", timedelta(days=1), "notifications.digest")]
