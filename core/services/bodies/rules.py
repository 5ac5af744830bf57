"""What a body's plugin does with it: create it, add and remove members, announce meetings,
publish their documents and minutes (each audited; the caller commits)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import db, utcnow
from core.services.audit import record as audit

from .models import MEMBER_KINDS, Body, BodyMember, Meeting, MeetingDocument


class BodyError(ValueError):
    """A change the service refuses; ``message`` says why, in the visitor's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def ensure_body(owner: str, slug: str, name: str, description: str = "") -> Body:
    """The body ``slug`` of plugin ``owner``, created when missing. The caller commits."""
    body = db.session.scalar(select(Body).where(Body.owner == owner, Body.slug == slug))
    if body is None:
        body = Body(owner=owner, slug=slug, name=name, description=description)
        db.session.add(body)
        db.session.flush()
    return body


def add_member(body: Body, name: str, kind: str = "resident", role: str = "", *, user=None,
               since: date | None = None) -> BodyMember:
    """Add a member to ``body`` (audited). The caller commits."""
    if kind not in dict(MEMBER_KINDS):
        raise BodyError(_l("Choose the kind of member."))
    name = (name or getattr(user, "display_name", "") or "").strip()
    if not name:
        raise BodyError(_l("Give the member's name."))
    member = BodyMember(body=body, name=name[:150], kind=kind, role=(role or "").strip()[:120],
                        user_id=getattr(user, "id", None), since=since,
                        position=len(body.members))
    db.session.add(member)
    db.session.flush()
    audit("bodies.member_added", member,
          summary=_l("%(body)s: %(member)s", body=body.name, member=member.name), body=body.id)
    return member


def end_membership(member: BodyMember, until: date | None = None) -> None:
    """The member leaves the body (kept in its history). Audited; the caller commits."""
    member.until = until or utcnow().date()
    audit("bodies.member_left", member,
          summary=_l("%(body)s: %(member)s", body=member.body.name, member=member.name),
          body=member.body_id)


def schedule_meeting(body: Body, title: str, starts_at: datetime, place: str = "",
                     agenda: str = "") -> Meeting:
    """Announce a meeting of ``body``. Audited; the caller commits."""
    if not (title or "").strip():
        raise BodyError(_l("Give the meeting a title."))
    meeting = Meeting(body=body, title=title.strip()[:200], starts_at=starts_at,
                      place=(place or "").strip()[:250], agenda=(agenda or "").strip())
    db.session.add(meeting)
    db.session.flush()
    audit("bodies.meeting_scheduled", meeting,
          summary=_l("%(body)s: %(meeting)s", body=body.name, meeting=meeting.title), body=body.id)
    return meeting


def add_document(meeting: Meeting, title: str, url: str) -> MeetingDocument:
    """Publish a document of a meeting (a link). Audited; the caller commits."""
    if not (title or "").strip() or not (url or "").startswith(("https://", "http://", "/")):
        raise BodyError(_l("Give the document a title and a web address."))
    document = MeetingDocument(meeting=meeting, title=title.strip()[:200], url=url.strip()[:500])
    db.session.add(document)
    db.session.flush()
    audit("bodies.document_added", document,
          summary=_l("%(meeting)s: %(document)s", meeting=meeting.title, document=document.title))
    return document


def publish_minutes(meeting: Meeting, minutes: str, now: datetime | None = None) -> None:
    """Publish the minutes of a meeting that has taken place. Audited; the caller commits."""
    now = now or utcnow()
    if meeting.starts_at > now:
        raise BodyError(_l("The minutes can be published only after the meeting."))
    if not (minutes or "").strip():
        raise BodyError(_l("Write the minutes."))
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = now
    audit("bodies.minutes_published", meeting,
          summary=_l("%(body)s: %(meeting)s", body=meeting.body.name, meeting=meeting.title))


def meetings_held(owner: str | None = None) -> int:
    """How many meetings have taken place (of ``owner``'s bodies, or of every body)."""
    query = select(db.func.count(Meeting.id)).join(Body).where(Meeting.starts_at <= utcnow())
    if owner:
        query = query.where(Body.owner == owner)
    return db.session.scalar(query) or 0
