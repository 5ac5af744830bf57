"""A body's pages, added to the blueprint of the plugin that owns it (:func:`register_pages`).

The service's own blueprint has no page: it carries the templates (``bodies/*.html``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.database import db, utcnow

from .forms import DocumentForm, MeetingForm, MemberForm, MinutesForm
from .models import Body, BodyMember, Meeting
from .rules import BodyError, add_document, add_member, end_membership, publish_minutes, schedule_meeting

bp = Blueprint("bodies", __name__, template_folder="templates")


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
            from core.permissions import deny

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
            from core.accounts.models import User

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
