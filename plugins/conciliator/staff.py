"""The city's pages of the mediation office (blueprint ``conciliator_staff``, under the same
``/mediation/`` addresses as the residents' pages): the conciliators' dashboard and decisions on
a case, their questions to a service's staff and the staff's answers inside the case, and the
list of services cases may be about.

The case's own page, which the resident, the conciliators and the invited staff share, is in
``views.py``; these pages render it again (with the form's errors) when what was sent is refused.
Every page about a case loads it with the case's own access rule (``views.load_case``): someone
who may not see the case gets the 404 of a case that does not exist. Every change is audited.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts.models import User
from core.services.audit import record as audit
from core.database import db, utcnow
from core.services.notifications import notify
from core.permissions import permission_required
from core.workflows import TransitionRefused, state_label

from .forms import AnswerForm, DecisionForm, InvitationForm, ServiceForm
from .models import Case, Invitation, Service
from .rules import conciliators, decide, next_deadline
from .views import case_page, load_case
from .workflow import HANDLE, MANAGE_SERVICES, OPEN_STATES, STATUS_ORDER, WORKFLOW

bp = Blueprint("conciliator_staff", __name__, url_prefix="/mediation", template_folder="templates")


# --- A case: decisions ----------------------------------------------------------------------------


@bp.post("/cases/<int:id>/decide/<name>")
def decide_case(id: int, name: str):
    """A conciliator's decision (the resident's withdrawal is ``views.withdraw``)."""
    case = load_case(id, "handle")
    form = DecisionForm()
    if not form.validate_on_submit():
        return case_page(case, decision_form=form)
    try:
        decide(case, name, current_user, form.comment.data or "")
    except TransitionRefused as refused:
        db.session.rollback()
        form.comment.errors = [str(refused.message)]
        return case_page(case, decision_form=form)
    flash(_("Done: the case is now “%(state)s”.", state=state_label(case, case.state)), "success")
    return redirect(url_for("conciliator.case", id=case.id))


# --- A case: questions to a service --------------------------------------------------------------


@bp.post("/cases/<int:id>/invitations")
def invite(id: int):
    """Ask a staff member of the service a question: they may then read this case and answer."""
    case = load_case(id, "invite")
    form = InvitationForm()
    if not form.validate_on_submit():
        return case_page(case, invitation_form=form)
    staff = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.strip().lower(),
                                                 User.deleted_at.is_(None)))
    if staff is None or not (staff.has_role("staff") or staff.can(HANDLE)):
        form.email.errors = [_("No staff account has this e-mail address.")]
        return case_page(case, invitation_form=form)
    invitation = Invitation(case_id=case.id, staff_id=staff.id, asked_by_id=current_user.id,
                            question=form.question.data.strip())
    db.session.add(invitation)
    db.session.flush()
    audit("conciliator.case.invited", case, summary=case.reference, staff_id=staff.id)
    reference = case.reference
    notify([staff], "conciliator.question",
           lambda: _("The mediator asks you a question about the case %(reference)s.", reference=reference),
           url=url_for("conciliator.case", id=case.id), actor=current_user)
    db.session.commit()
    flash(_("Your question has been sent to %(name)s.", name=staff.display_name), "success")
    return redirect(url_for("conciliator.case", id=case.id, _anchor="questions"))


@bp.post("/cases/<int:id>/invitations/<int:invitation_id>/answer")
def answer(id: int, invitation_id: int):
    """The invited staff member answers the conciliator's question, inside the case."""
    case = load_case(id, "answer")
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.case_id != case.id or invitation.staff_id != current_user.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return case_page(case, answer_form=form)
    invitation.answer = form.answer.data.strip()
    invitation.answered_at = utcnow()
    audit("conciliator.case.answered", case, summary=case.reference, invitation_id=invitation.id)
    reference = case.reference
    notify(conciliators(), "conciliator.answer",
           lambda: _("A service answered your question about the case %(reference)s.", reference=reference),
           url=url_for("conciliator.case", id=case.id), actor=current_user)
    db.session.commit()
    flash(_("Your answer has been sent to the mediator."), "success")
    return redirect(url_for("conciliator.case", id=case.id, _anchor="questions"))


# --- The dashboard and the services ------------------------------------------------------------


@bp.get("/dashboard")
@permission_required(HANDLE)
def dashboard():
    """Every case by status, the nearest deadline first, overdue ones flagged."""
    status = request.args.get("status", "open")
    query = select(Case).where(Case.anonymised_at.is_(None))
    if status == "open":
        query = query.where(Case.state.in_(OPEN_STATES))
    elif status in STATUS_ORDER:
        query = query.where(Case.state == status)
    else:
        status = "all"
    cases = db.session.scalars(query.order_by(Case.created_at)).all()
    rows = [(c, next_deadline(c)) for c in cases]
    far = utcnow().replace(year=9999)
    rows.sort(key=lambda row: (STATUS_ORDER.index(row[0].state), row[1].due if row[1] else far))
    counts = dict(db.session.execute(
        select(Case.state, func.count()).where(Case.anonymised_at.is_(None)).group_by(Case.state)).all())
    audit("conciliator.dashboard.viewed", summary=_l("%(count)d cases listed", count=len(rows)))
    db.session.commit()
    return render_template("conciliator/dashboard.html", rows=rows, status=status, counts=counts,
                           states=STATUS_ORDER,
                           state_labels={s.name: str(s.label) for s in WORKFLOW.states},
                           overdue=sum(1 for _c, d in rows if d and d.overdue))


@bp.route("/services", methods=["GET", "POST"])
@permission_required(MANAGE_SERVICES)
def services():
    """The list of services a case may be about: add, rename, retire."""
    form = ServiceForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = db.session.scalar(select(Service).where(func.lower(Service.name) == name.lower()))
        if exists is not None:
            form.name.errors = [_("This service is already in the list.")]
        else:
            service = Service(name=name, active=True)
            db.session.add(service)
            db.session.flush()
            audit("conciliator.service.added", service, summary=name)
            db.session.commit()
            flash(_("The service “%(name)s” has been added.", name=name), "success")
            return redirect(url_for("conciliator_staff.services"))
    rows = db.session.scalars(select(Service).order_by(Service.name)).all()
    return render_template("conciliator/services.html", form=form, services=rows), 400 if form.errors else 200


@bp.post("/services/<int:service_id>/toggle")
@permission_required(MANAGE_SERVICES)
def toggle_service(service_id: int):
    service = db.session.get(Service, service_id) or abort(404)
    service.active = not service.active
    audit("conciliator.service.toggled", service, summary=service.name, active=service.active)
    db.session.commit()
    flash(_("“%(name)s” is offered again.", name=service.name) if service.active
          else _("“%(name)s” is no longer offered for new cases.", name=service.name), "success")
    return redirect(url_for("conciliator_staff.services"))
