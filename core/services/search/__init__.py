"""Core service: search, one page over every enabled plugin's public content.

Content types that opt into the ``search`` service are indexed as they change: the service
reacts to :class:`~core.events.ContentChanged` (sent once a transaction that wrote content has
committed) by rewriting the entries of the items created or changed and removing those of the
items deleted. Only public items are findable, and each result is checked against the visitor's
permission before it is shown. ``flask --app core reindex`` rebuilds the whole index.
"""

from core.events import ContentChanged
from core.hookspecs import hookimpl

from .indexing import reindex, reindex_all
from .models import SearchEntry, fold
from .querying import matching_ids, search, visible_results

__all__ = ["SearchEntry", "fold", "matching_ids", "reindex_all", "search", "visible_results"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def track_event(event):
    if isinstance(event, ContentChanged):
        reindex(event.created + event.changed + event.deleted)
