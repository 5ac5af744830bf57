"""Core service: bodies and meetings.

A body is a group of people that meets: an extra-municipal commission, a citizens' council, a
later committee. It has members (residents, elected officials, staff, experts) with a role, and
meetings with a date, a place, an agenda, documents and minutes. Minutes are published only once
the meeting has taken place.

A plugin owns its bodies: it creates them with :func:`ensure_body` (its name is the ``owner``)
and declares their pages on its own blueprint with :func:`register_pages`, giving the
permission that lets people manage them. The pages then live under the plugin's URLs (for
example ``/finances/bodies/commission``) and disappear with the plugin. The templates are the
core's (``bodies/*.html``); a plugin embeds the macros of ``bodies/macros.html`` on its own
pages. Personal data (a member's account and name) is exported and erased through the core's
GDPR hooks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, Length, Optional

from .audit import record as audit
from .database import UTCDateTime, db, utcnow
from .hookspecs import hookimpl

MEMBER_KINDS = (
    ("resident", _l("Resident")),
    ("elected", _l("Elected official")),
    ("staff", _l("City staff")),
    ("expert", _l("Qualified person")),
    # Associations, shopkeepers, professionals: the second college of a citizens' council.
    ("local_actor", _l("Local actor")),
)


class BodyError(ValueError):
    """A change the service refuses; ``message`` says why, in the visitor's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Tables -------------------------------------------------------------------------------------


class Body(db.Model):
    """A commission, a council, a committee: owned by the plugin that runs it."""

    __tablename__ = "body"
    __table_args__ = (UniqueConstraint("owner", "slug", name="uq_body_owner_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[BodyMember]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[BodyMember.position, BodyMember.id]",
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[Meeting.starts_at.desc(), Meeting.id.desc()]",
    )

    def __str__(self) -> str:
        return self.name

    def current_members(self, today: date | None = None) -> list[BodyMember]:
        today = today or utcnow().date()
        return [m for m in self.members if m.until is None or m.until >= today]


class BodyMember(db.Model):
    """A member of a body: a person (with or without an account), their kind and role."""

    __tablename__ = "body_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), default="resident")
    # Free text: "Chair", "Secretary", "Deputy for finance"...
    role: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")

    @property
    def kind_label(self) -> str:
        return str(dict(MEMBER_KINDS).get(self.kind, self.kind))


class Meeting(db.Model):
    """A meeting of a body: when, where, its agenda, its documents and, afterwards, its minutes."""

    __tablename__ = "body_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(250), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(back_populates="meetings")
    documents: Mapped[list[MeetingDocument]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MeetingDocument.id",
    )

    @property
    def has_taken_place(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def minutes_published(self) -> bool:
        return self.minutes_published_at is not None


class MeetingDocument(db.Model):
    """A document of a meeting (a report, a presentation), published as a link."""

    __tablename__ = "body_meeting_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("body_meeting.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    meeting: Mapped[Meeting] = relationship(back_populates="documents")


# --- The service ---------------------------------------------------------------------------------


def ensure_body(owner: str, slug: str, name: str, description: str = "") -> Body:
    """The body ``slug`` of plugin ``owner``, created when missing. The caller commits."""
    body = db.session.scalar(select(Body).where(Body.owner == owner, Body.slug == slug))
    if body is None:
        body = Body(owner=owner, slug=slug, name=name, description=description)
        db.session.add(body)
        db.session.flush()
    return body


def bodies_of(owner: str) -> list[Body]:
    return list(db.session.scalars(select(Body).where(Body.owner == owner).order_by(Body.name)))


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
    audit("bodies.member_added", member, summary=f"{body.name}: {member.name}", body=body.id)
    return member


def end_membership(member: BodyMember, until: date | None = None) -> None:
    """The member leaves the body (kept in its history). Audited; the caller commits."""
    member.until = until or utcnow().date()
    audit("bodies.member_left", member, summary=f"{member.body.name}: {member.name}", body=member.body_id)


def schedule_meeting(body: Body, title: str, starts_at: datetime, place: str = "",
                     agenda: str = "") -> Meeting:
    """Announce a meeting of ``body``. Audited; the caller commits."""
    if not (title or "").strip():
        raise BodyError(_l("Give the meeting a title."))
    meeting = Meeting(body=body, title=title.strip()[:200], starts_at=starts_at,
                      place=(place or "").strip()[:250], agenda=(agenda or "").strip())
    db.session.add(meeting)
    db.session.flush()
    audit("bodies.meeting_scheduled", meeting, summary=f"{body.name}: {meeting.title}", body=body.id)
    return meeting


def add_document(meeting: Meeting, title: str, url: str) -> MeetingDocument:
    """Publish a document of a meeting (a link). Audited; the caller commits."""
    if not (title or "").strip() or not (url or "").startswith(("https://", "http://", "/")):
        raise BodyError(_l("Give the document a title and a web address."))
    document = MeetingDocument(meeting=meeting, title=title.strip()[:200], url=url.strip()[:500])
    db.session.add(document)
    db.session.flush()
    audit("bodies.document_added", document, summary=f"{meeting.title}: {document.title}")
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
    audit("bodies.minutes_published", meeting, summary=f"{meeting.body.name}: {meeting.title}")


def upcoming_meetings(owner: str, limit: int = 5) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).join(Body).where(Body.owner == owner, Meeting.starts_at >= utcnow())
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)
    ))


def meetings_held(owner: str | None = None) -> int:
    """How many meetings have taken place (of ``owner``'s bodies, or of every body)."""
    query = select(db.func.count(Meeting.id)).join(Body).where(Meeting.starts_at <= utcnow())
    if owner:
        query = query.where(Body.owner == owner)
    return db.session.scalar(query) or 0


# --- Forms ---------------------------------------------------------------------------------------


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the member's name.")),
                                               Length(max=150)])
    kind = SelectField(_l("Kind of member"), choices=MEMBER_KINDS)
    role = StringField(_l("Role in the body"), description=_l("For example: Chair, Secretary."),
                       validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail address of their account (optional)"),
                        description=_l("Links the member to their account on this site."),
                        validators=[Optional(), Length(max=254)])
    since = DateField(_l("Member since"), validators=[Optional()])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the meeting a title.")),
                                                 Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Give the date of the meeting."))])
    hour = TimeField(_l("Time"), validators=[DataRequired(message=_l("Give the time of the meeting."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=250)])
    agenda = TextAreaField(_l("Agenda"), description=_l("Markdown is accepted."),
                           validators=[Optional(), Length(max=20000)])


class DocumentForm(FlaskForm):
    title = StringField(_l("Document title"), validators=[DataRequired(message=_l("Give the document a title.")),
                                                          Length(max=200)])
    url = StringField(_l("Web address of the document"),
                      validators=[DataRequired(message=_l("Give the document's web address.")),
                                  URL(message=_l("Give a full web address, starting with https://.")),
                                  Length(max=500)])


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), description=_l("Markdown is accepted. Published at once."),
                            validators=[DataRequired(message=_l("Write the minutes.")), Length(max=100000)])


# --- Pages under the owner plugin's URLs --------------------------------------------------------


def _local_time(day: date, hour: time) -> datetime:
    """A date and time typed by staff, read in the site's time zone, stored in UTC."""
    from flask_babel import get_timezone

    return datetime.combine(day, hour).replace(tzinfo=get_timezone()).astimezone(timezone.utc)


def register_pages(bp: Blueprint, manage_permission: str, *, prefix: str = "/bodies") -> None:
    """Add the pages of the owner's bodies to its blueprint ``bp``.

    Public: ``<prefix>/<slug>`` (members and meetings) and ``<prefix>/meetings/<id>``.
    People holding ``manage_permission`` add members, schedule meetings, add documents and
    publish minutes on those pages. Endpoints are ``<bp>.body``, ``<bp>.meeting`` and so on;
    call this before the blueprint is registered (at import time).
    """
    owner = bp.name

    def may_manage() -> bool:
        return current_user.can(manage_permission)

    def load_body(slug: str) -> Body:
        body = db.session.scalar(select(Body).where(Body.owner == owner, Body.slug == slug))
        if body is None:
            abort(404)
        return body

    def load_meeting(id: int) -> Meeting:
        meeting = db.session.get(Meeting, id)
        if meeting is None or meeting.body.owner != owner:
            abort(404)
        return meeting

    def require_manage() -> None:
        if not may_manage():
            from .permissions import deny

            deny()

    def body_page(slug: str):
        body = load_body(slug)
        form = MemberForm(formdata=None)
        meeting_form = MeetingForm(formdata=None)
        return render_template("bodies/body.html", body=body, owner=owner, may_manage=may_manage(),
                               member_form=form, meeting_form=meeting_form, today=utcnow().date())

    def add_member_page(slug: str):
        require_manage()
        body = load_body(slug)
        form = MemberForm()
        if not form.validate_on_submit():
            return render_template("bodies/body.html", body=body, owner=owner, may_manage=True,
                                   member_form=form, meeting_form=MeetingForm(formdata=None),
                                   today=utcnow().date()), 422
        user = None
        if form.email.data:
            from .accounts.models import User

            user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
            if user is None:
                form.email.errors = [_("No account has this e-mail address.")]
                return render_template("bodies/body.html", body=body, owner=owner, may_manage=True,
                                       member_form=form, meeting_form=MeetingForm(formdata=None),
                                       today=utcnow().date()), 422
        add_member(body, form.name.data, form.kind.data, form.role.data or "", user=user,
                   since=form.since.data)
        db.session.commit()
        flash(_("The member is added."), "success")
        return redirect(url_for(f"{owner}.body", slug=slug) + "#members")

    def end_member_page(slug: str, member_id: int):
        require_manage()
        body = load_body(slug)
        member = db.session.get(BodyMember, member_id)
        if member is None or member.body_id != body.id:
            abort(404)
        end_membership(member)
        db.session.commit()
        flash(_("%(name)s is no longer a member.", name=member.name), "success")
        return redirect(url_for(f"{owner}.body", slug=slug) + "#members")

    def add_meeting_page(slug: str):
        require_manage()
        body = load_body(slug)
        form = MeetingForm()
        if not form.validate_on_submit():
            return render_template("bodies/body.html", body=body, owner=owner, may_manage=True,
                                   member_form=MemberForm(formdata=None), meeting_form=form,
                                   today=utcnow().date()), 422
        meeting = schedule_meeting(body, form.title.data, _local_time(form.day.data, form.hour.data),
                                   form.place.data or "", form.agenda.data or "")
        db.session.commit()
        flash(_("The meeting is announced."), "success")
        return redirect(url_for(f"{owner}.meeting", id=meeting.id))

    def meeting_page(id: int, document_form=None, minutes_form=None, status: int = 200):
        meeting = load_meeting(id)
        return render_template(
            "bodies/meeting.html", meeting=meeting, body=meeting.body, owner=owner,
            may_manage=may_manage(),
            document_form=document_form or DocumentForm(formdata=None),
            minutes_form=minutes_form or MinutesForm(formdata=None, minutes=meeting.minutes),
        ), status

    def add_document_page(id: int):
        require_manage()
        meeting = load_meeting(id)
        form = DocumentForm()
        if not form.validate_on_submit():
            return meeting_page(id, document_form=form, status=422)
        add_document(meeting, form.title.data, form.url.data)
        db.session.commit()
        flash(_("The document is published."), "success")
        return redirect(url_for(f"{owner}.meeting", id=id) + "#documents")

    def minutes_page(id: int):
        require_manage()
        meeting = load_meeting(id)
        form = MinutesForm()
        if not form.validate_on_submit():
            return meeting_page(id, minutes_form=form, status=422)
        try:
            publish_minutes(meeting, form.minutes.data)
        except BodyError as refused:
            db.session.rollback()
            form.minutes.errors = [str(refused.message)]
            return meeting_page(id, minutes_form=form, status=422)
        db.session.commit()
        flash(_("The minutes are published."), "success")
        return redirect(url_for(f"{owner}.meeting", id=id) + "#minutes")

    bp.add_url_rule(f"{prefix}/<slug>", "body", body_page)
    bp.add_url_rule(f"{prefix}/<slug>/members", "body_add_member", add_member_page, methods=["POST"])
    bp.add_url_rule(f"{prefix}/<slug>/members/<int:member_id>/end", "body_end_member", end_member_page,
                    methods=["POST"])
    bp.add_url_rule(f"{prefix}/<slug>/meetings", "body_add_meeting", add_meeting_page, methods=["POST"])
    bp.add_url_rule(f"{prefix}/meetings/<int:id>", "meeting", lambda id: meeting_page(id))
    bp.add_url_rule(f"{prefix}/meetings/<int:id>/documents", "meeting_add_document", add_document_page,
                    methods=["POST"])
    bp.add_url_rule(f"{prefix}/meetings/<int:id>/minutes", "meeting_minutes", minutes_page,
                    methods=["POST"])


# --- Personal data ------------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(BodyMember).where(BodyMember.user_id == user.id).order_by(BodyMember.id))
    memberships = [
        {"body": m.body.name, "name": m.name, "kind": m.kind, "role": m.role,
         "since": m.since.isoformat() if m.since else None,
         "until": m.until.isoformat() if m.until else None}
        for m in rows
    ]
    return {"body_memberships": memberships} if memberships else None


@hookimpl
def erase_user_data(user):
    """A member's name is personal data: their memberships are removed from the bodies."""
    db.session.execute(
        db.delete(BodyMember).where(BodyMember.user_id == user.id).execution_options(synchronize_session=False)
    )
