"""Core service: follows.

A person follows a piece of content to be notified of what happens to it (new comments, a
change of state, the city's answer). Authors follow what they create (when the content is
created: the :class:`~core.events.ContentChanged` event below); supporters and commenters
follow what they support or comment on; anyone signed in may follow or stop following with the
button from ``follows/_macros.html`` (``follow_button``). A content type opts in with
``"follows"`` in its ``services``.
"""

from core.events import ContentChanged
from core.hookspecs import hookimpl

from .models import Follow
from .rules import (
    follow, follow_authors, followed_ids, follower_count, follower_ids, follower_ids_of, is_following, unfollow,
)

__all__ = ["Follow", "follow", "followed_ids", "follower_count", "follower_ids", "follower_ids_of",
           "is_following", "unfollow"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {"is_following": is_following}


@hookimpl
def track_event(event):
    if isinstance(event, ContentChanged) and event.created:
        follow_authors(event.created)
