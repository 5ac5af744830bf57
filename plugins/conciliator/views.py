"""The mediation office's pages for residents, under ``/mediation/``: what the mediator does and
the yearly reports, referring a case, one's cases, and a case's own page (with its private
thread, its documents and the whole case file), which the conciliators and the staff invited to
the case share with its resident. The city's pages are in ``staff.py``.

Every page about a case loads it with :func:`core.permissions.get_or_404`: someone who may not
see the case gets the 404 of a case that does not exist, signed in or not. Every view and change
of a case is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.services.attachments import AttachmentRefused, attachments_of, save_upload
from core.services.audit import record as audit
from core.database import db, utcnow
from core.services.notifications import notify
from core.pagecache import visitor_cache
from core.permissions import get_or_404, login_required
from core.taxonomy import category_choices
from core.workflows import TransitionRefused, available, state_label, timeline

from .data import report_years, yearly_report
from .forms import AnswerForm, DecisionForm, InvitationForm, MessageForm, ReferralForm, UploadForm
from .models import Case, CaseMessage, Invitation, Service
from .rules import acknowledge, add_case, conciliators, deadlines, decide
from .workflow import WORKFLOW

bp = Blueprint("conciliator", __name__, url_prefix="/mediation", template_folder="templates")


# --- Public pages -------------------------------------------------------------------------------


@bp.get("/")
@visitor_cache
def index():
    """What the mediator does, how to refer a case, and the yearly reports."""
    return render_template("conciliator/index.html", years=report_years())


@bp.get("/mine")
@login_required
def mine():
    cases = db.session.scalars(
        select(Case).where(Case.author_id == current_user.id, Case.anonymised_at.is_(None))
        .order_by(Case.created_at.desc())
    ).all()
    return render_template("conciliator/mine.html", cases=cases)


def _service_choices() -> list[tuple[int, str]]:
    services = db.session.scalars(
        select(Service).where(Service.active.is_(True)).order_by(Service.name)
    )
    return [(-1, _("Choose a service"))] + [(s.id, s.name) for s in services]


@bp.route("/refer", methods=["GET", "POST"])
@login_required
def refer():
    """A resident refers a case; they get its reference on screen and by e-mail."""
    form = ReferralForm()
    form.service_id.choices = _service_choices()
    form.category_id.choices = category_choices(empty_label=_("Not sure"))
    if form.validate_on_submit():
        case = _case_from(form)
        if case is not None:
            flash(_("Your case has been received. Its reference is %(reference)s; we sent you "
                    "an acknowledgement by e-mail.", reference=case.reference), "success")
            return redirect(url_for("conciliator.case", id=case.id))
    return render_template("conciliator/refer.html", form=form), 400 if form.errors else 200


def _case_from(form: ReferralForm) -> Case | None:
    """Create the case of a valid referral; ``None`` (with the form's error) if a file is refused."""
    service = db.session.get(Service, form.service_id.data)
    if service is None or not service.active:
        form.service_id.errors = [_("Choose the service concerned.")]
        return None
    case = Case(
        title=form.title.data.strip(), body=form.body.data.strip(), service_id=service.id,
        category_id=int(form.category_id.data) if form.category_id.data else None,
        prior_complaint_date=form.prior_complaint_date.data,
        prior_steps=(form.prior_steps.data or "").strip(),
        hoped_outcome=form.hoped_outcome.data.strip(), author_id=current_user.id,
        neighbourhood_id=current_user.neighbourhood_id, state=WORKFLOW.initial,
    )
    add_case(case)
    if form.file.data and form.file.data.filename:
        try:
            save_upload(case, form.file.data, current_user, form.file_description.data or "")
        except AttachmentRefused as refused:
            db.session.rollback()
            form.file.errors = [str(refused.message)]
            return None
    audit("conciliator.case.referred", case, summary=case.reference)
    acknowledge(case, current_user)
    reference = case.reference
    notify(conciliators(), "conciliator.case_received",
           lambda: _("New mediation case %(reference)s.", reference=reference),
           url=url_for("conciliator.case", id=case.id), actor=current_user)
    db.session.commit()
    return case


# --- A case -------------------------------------------------------------------------------------


def load_case(id: int, action: str = "view") -> Case:
    return get_or_404(Case, id, action)


def case_page(case: Case, **forms):
    """Render the case page for whoever may see it, and record the view."""
    user = current_user
    is_conciliator = case.allows(user, "handle")
    if is_conciliator and case.acknowledged_at is None:
        case.acknowledged_at = utcnow()
    audit("conciliator.case.viewed", case, summary=case.reference)
    db.session.commit()
    kinds = ("message", "note") if is_conciliator else ("message",)
    messages = [] if not (is_conciliator or case.is_author(user)) else db.session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.kind.in_(kinds))
        .order_by(CaseMessage.created_at, CaseMessage.id)
    ).all()
    invitations = select(Invitation).where(Invitation.case_id == case.id)
    if not is_conciliator:
        invitations = invitations.where(Invitation.staff_id == user.id)
    context = dict(
        case=case, is_conciliator=is_conciliator, is_resident=case.is_author(user),
        messages=messages, invitations=db.session.scalars(invitations.order_by(Invitation.id)).all(),
        attachments=attachments_of(case), records=timeline(case), deadlines=deadlines(case),
        transitions=[t for t in available(case, user) if t.name != "withdraw"],
        can_withdraw=case.allows(user, "withdraw"),
        message_form=forms.get("message_form") or MessageForm(formdata=None),
        upload_form=forms.get("upload_form") or UploadForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        invitation_form=forms.get("invitation_form") or InvitationForm(formdata=None),
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        state_name=state_label(case, case.state),
    )
    status = 400 if any(f.errors for f in forms.values() if f is not None) else 200
    return render_template("conciliator/case.html", **context), status


@bp.get("/cases/<int:id>")
def case(id: int):
    return case_page(load_case(id))


@bp.post("/cases/<int:id>/messages")
def post_message(id: int):
    """A message of the private thread, or (conciliators) an internal note."""
    case = load_case(id, "message")
    form = MessageForm()
    if not form.validate_on_submit():
        return case_page(case, message_form=form)
    internal = bool(form.internal.data) and case.allows(current_user, "note")
    message = CaseMessage(case_id=case.id, author_id=current_user.id,
                          kind="note" if internal else "message", body=form.body.data.strip())
    db.session.add(message)
    db.session.flush()
    audit("conciliator.case.note" if internal else "conciliator.case.message", case,
          summary=case.reference, message_id=message.id)
    if not internal:
        reference = case.reference
        recipients = conciliators() + ([case.author_id] if case.author_id else [])
        notify(recipients, "conciliator.message",
               lambda: _("New message in the mediation case %(reference)s.", reference=reference),
               url=url_for("conciliator.case", id=case.id), actor=current_user)
    db.session.commit()
    flash(_("Your note has been saved.") if internal else _("Your message has been sent."), "success")
    return redirect(url_for("conciliator.case", id=case.id, _anchor="messages"))


@bp.post("/cases/<int:id>/files")
def upload(id: int):
    case = load_case(id, "add_file")
    form = UploadForm()
    if not form.validate_on_submit():
        return case_page(case, upload_form=form)
    if not form.file.data or not form.file.data.filename:
        form.file.errors = [_("Choose a file.")]
        return case_page(case, upload_form=form)
    try:
        attachment = save_upload(case, form.file.data, current_user, form.description.data or "")
    except AttachmentRefused as refused:
        db.session.rollback()
        form.file.errors = [str(refused.message)]
        return case_page(case, upload_form=form)
    db.session.flush()
    audit("conciliator.case.file_added", case, summary=case.reference, attachment_id=attachment.id)
    db.session.commit()
    flash(_("The document has been added to the case."), "success")
    return redirect(url_for("conciliator.case", id=case.id, _anchor="documents"))


@bp.post("/cases/<int:id>/decide/withdraw")
def withdraw(id: int):
    """The resident withdraws their case (the conciliators' decisions are in ``staff.py``)."""
    case = load_case(id, "withdraw")
    form = DecisionForm()
    if not form.validate_on_submit():
        return case_page(case, decision_form=form)
    try:
        decide(case, "withdraw", current_user, form.comment.data or "")
    except TransitionRefused as refused:
        db.session.rollback()
        form.comment.errors = [str(refused.message)]
        return case_page(case, decision_form=form)
    flash(_("Done: the case is now “%(state)s”.", state=state_label(case, case.state)), "success")
    return redirect(url_for("conciliator.case", id=case.id))


@bp.get("/cases/<int:id>/case-file.zip")
def case_file(id: int):
    """The whole case file as a ZIP: the case, its messages, its history and its documents."""
    case = load_case(id)
    is_conciliator = case.allows(current_user, "handle")
    if not (is_conciliator or case.is_author(current_user)):
        abort(404)
    audit("conciliator.case.downloaded", case, summary=case.reference)
    db.session.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", json.dumps(_case_document(case, is_conciliator),
                                                 ensure_ascii=False, indent=2))
        for attachment in attachments_of(case):
            if attachment.path.is_file():
                archive.write(attachment.path, f"documents/{attachment.id}-{attachment.original_name}")
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{case.reference}.zip"',
        "Cache-Control": "private, no-store",
    })


def _case_document(case: Case, is_conciliator: bool) -> dict:
    kinds = ("message", "note") if is_conciliator else ("message",)
    messages = db.session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.kind.in_(kinds))
        .order_by(CaseMessage.id))
    return {
        "reference": case.reference, "subject": case.title, "description": case.body,
        "service": case.service.name if case.service else None,
        "prior_complaint_date": case.prior_complaint_date.isoformat() if case.prior_complaint_date else None,
        "prior_steps": case.prior_steps, "hoped_outcome": case.hoped_outcome,
        "status": state_label(case, case.state), "outcome": case.outcome,
        "received_at": case.created_at.isoformat(),
        "messages": [{"from": m.author.public_name if m.author else None, "kind": m.kind,
                      "at": m.created_at.isoformat(), "text": m.body} for m in messages],
        "history": [{"status": state_label(case, r.to_state), "at": r.created_at.isoformat(),
                     "explanation": r.comment} for r in timeline(case)],
        "documents": [a.original_name for a in attachments_of(case)],
    }


# --- The yearly report ---------------------------------------------------------------------------


@bp.get("/report/<int:year>")
def report(year: int):
    if year not in report_years():
        abort(404)
    return render_template("conciliator/report.html", report=yearly_report(year), years=report_years(),
                           printable=request.args.get("print") == "1")


@bp.get("/report/<int:year>.csv")
def report_csv(year: int):
    if year not in report_years():
        abort(404)
    data = yearly_report(year)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([_("Section"), _("Item"), _("Value")])
    for section, label, value in data.rows():
        writer.writerow([section, label, value])
    return Response(output.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="mediation-{year}.csv"'})
