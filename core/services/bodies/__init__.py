"""Core service: bodies and meetings.

A body is a group of people that meets: an extra-municipal commission, a citizens' council, a
later committee. It has members (residents, elected officials, staff, experts) with a role, and
meetings with a date, a place, an agenda, documents and minutes. Minutes are published only once
the meeting has taken place.

A plugin owns its bodies: it creates them with :func:`ensure_body` (its name is the ``owner``)
and declares their pages on its own blueprint with :func:`register_pages`, giving the
permission that lets people manage them. The pages then live under the plugin's URLs (for
example ``/finances/bodies/commission``) and disappear with the plugin. The templates are the
service's (``bodies/*.html``); a plugin embeds the macros of ``bodies/macros.html`` on its own
pages. Personal data (a member's account and name) is exported and erased through the core's
GDPR hooks.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.declarations import SearchSource
from core.hookspecs import hookimpl

from .models import MEMBER_KINDS, Body, BodyMember, Meeting, MeetingDocument
from .rules import (
    BodyError, add_document, add_member, end_membership, ensure_body, meetings_held, publish_minutes,
    schedule_meeting,
)
from .views import register_pages

__all__ = [
    "MEMBER_KINDS", "Body", "BodyError", "BodyMember", "Meeting", "MeetingDocument", "add_document",
    "add_member", "end_membership", "ensure_body", "meetings_held", "publish_minutes",
    "register_pages", "schedule_meeting",
]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


def _meeting_text(meeting: Meeting) -> str:
    parts = [meeting.body.name, meeting.place, meeting.agenda]
    if meeting.minutes_published:
        parts.append(meeting.minutes)
    return "\n".join(part for part in parts if part)


@hookimpl
def search_sources():
    """The meetings of every body: found by their title, body, place, agenda and minutes."""
    return [SearchSource(
        "bodies.meeting", _l("Meeting"), _l("Meetings"), Meeting,
        url=lambda meeting: url_for(f"{meeting.body.owner}.meeting", id=meeting.id),
        title=lambda meeting: meeting.title, text=_meeting_text, is_public=lambda meeting: True,
    )]
