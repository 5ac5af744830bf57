"""Core service: moderation. Residents report, moderators decide, hidden things stay hidden.

Anyone signed in may report a piece of content (of a type using the ``moderation`` service) or a
comment, once, with a reason. When ``MODERATION_HIDE_THRESHOLD`` reports are waiting on the same
target, it is hidden (``is_hidden``) until a moderator decides. Moderators (permission
``moderation.moderate``) work from the queue — pending reports grouped by target, oldest first —
or directly from the content: *keep* dismisses the reports and shows the target again; *hide*
replaces it with a reason everyone can read. Every decision is written to the audit log and the
author is told. When an item is deleted, the reports on it go with it (the reaction to
:class:`~core.events.ContentChanged` below).

A target is named like the other services name content: its type (a content type name, or
``"comment"``) and its id. Templates use ``moderation/_macros.html`` (``report_link``,
``hidden_notice``, ``comment_tools``).
"""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.declarations import AdminPage, PermissionSpec
from core.events import ContentChanged
from core.hookspecs import hookimpl

from .models import COMMENT, PERMISSION, REASONS, Decision, Report
from .rules import (
    ReportRefused, comment_marks, delete_reports_of, has_reported, hide, keep, notice_for, report,
)
from .targets import Target, load_target, target_of

__all__ = [
    "COMMENT", "PERMISSION", "REASONS", "Decision", "Report", "ReportRefused", "Target", "hide",
    "keep", "load_target", "report", "target_of",
]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {
        "moderation_notice": notice_for,
        "moderation_target": target_of,
        "moderation_has_reported": lambda target: has_reported(current_user, target),
    }


@hookimpl
def track_event(event):
    if isinstance(event, ContentChanged) and event.deleted:
        delete_reports_of(event.deleted)


@hookimpl
def register_permissions():
    return [
        PermissionSpec(PERMISSION, _l("Moderate reported content and comments"), ("moderator", "admin")),
    ]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Moderation queue"), "moderation.queue_page", PERMISSION,
                  _l("Reported content and comments waiting for a decision."), order=5),
    ]
