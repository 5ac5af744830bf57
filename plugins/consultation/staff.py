"""The city's pages: the list of consultations, preparing one (its form, documents and
questionnaire), moderating free-text answers, writing what was heard and decided with each
proposal's outcome, and the pseudonymised responses as CSV.

Every page checks the permission on the consultation (``get_or_404(Consultation, id, "manage")``);
every change is written to the audit log. Publishing and each later step are the workflow's
transitions (the core's service), which notify the followers — the participants among them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import Response as HTTPResponse
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from core.services.attachments import attachments_of
from core.services.audit import record as audit
from core.database import db
from core.services.opendata import spreadsheet_safe
from core.pagecache import expire_visitor_pages
from core.web import whole_number
from core.permissions import get_or_404, permission_required
from core.taxonomy import neighbourhood_choices
from core.workflows import start

from .forms import KIND_LABELS, OUTCOME_LABELS, ConsultationForm, OutcomeForm, QuestionForm, outcome_choices
from .models import (
    APPROVED, CHOICE_KINDS, OUTCOMES, PENDING, REJECTED, SCALE, AnswerValue,
    Consultation, Option, Question, Response,
)
from .results import ranked_proposals, response_count
from .rules import calendar_state, has_answers, publication_blockers
from .workflow import MANAGE, PAST_STATES, WORKFLOW

bp = Blueprint("consultation_staff", __name__, url_prefix="/consultations", template_folder="templates")


def locked_message() -> str:
    return _("Participants have already answered: the existing questions can no longer be changed, "
             "so that every answer keeps its meaning. You may still add a new optional question.")


def _manage(id: int) -> Consultation:
    return get_or_404(Consultation, id, "manage")


# --- The list --------------------------------------------------------------------------------


@bp.get("/manage")
@permission_required(MANAGE)
def manage_list():
    """Every consultation, drafts included, newest first, with its number of responses."""
    rows = db.session.scalars(select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())).all()
    counts = dict(db.session.execute(
        select(Response.consultation_id, func.count()).group_by(Response.consultation_id)
    ).all())
    return render_template("consultation/manage_list.html", consultations=rows, counts=counts,
                           workflow=WORKFLOW, admin_section="consultation_staff.manage_list")


# --- Preparing a consultation ----------------------------------------------------------------


def _consultation_form(consultation: Consultation | None) -> ConsultationForm:
    if request.method == "POST":
        form = ConsultationForm()
    else:
        form = ConsultationForm(obj=consultation)
        if consultation is not None:
            form.neighbourhoods.data = [n.id for n in consultation.neighbourhoods]
    form.neighbourhoods.choices = [(int(value), label) for value, label in neighbourhood_choices()]
    return form


@bp.route("/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def create():
    """Prepare a new consultation (saved as a draft, that only the staff see)."""
    return _edit(None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(id: int):
    """Change a consultation's description, dates, participants and parts."""
    return _edit(_manage(id))


def _edit(consultation: Consultation | None):
    form = _consultation_form(consultation)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("consultation/form.html", form=form, consultation=consultation,
                               admin_section="consultation_staff.manage_list"), status
    from core.taxonomy import Neighbourhood

    creating = consultation is None
    chosen = form.neighbourhoods.data or []
    if not creating and has_answers(consultation):
        # People answered under these terms: who may take part and the questionnaire stay.
        if form.eligibility.data != consultation.eligibility \
                or set(chosen) != {n.id for n in consultation.neighbourhoods}:
            form.eligibility.errors = list(form.eligibility.errors) + [
                _("Participants have already answered: who may take part can no longer change.")]
        if not form.has_questionnaire.data:
            form.has_questionnaire.errors = list(form.has_questionnaire.errors) + [
                _("Participants have already answered: the questionnaire can no longer be removed.")]
        if form.eligibility.errors or form.has_questionnaire.errors:
            return render_template("consultation/form.html", form=form, consultation=consultation,
                                   admin_section="consultation_staff.manage_list"), 422
    if creating:
        consultation = Consultation(author_id=current_user.id)
        start(consultation)
        db.session.add(consultation)
    consultation.title = form.title.data.strip()
    consultation.summary = form.summary.data.strip()
    consultation.body = (form.body.data or "").strip()
    form.copy_place_into(consultation)
    consultation.opens_on, consultation.closes_on = form.opens_on.data, form.closes_on.data
    consultation.eligibility = form.eligibility.data
    consultation.neighbourhoods = list(db.session.scalars(
        select(Neighbourhood).where(Neighbourhood.id.in_(chosen)))) if chosen else []
    consultation.has_questionnaire = form.has_questionnaire.data
    consultation.has_proposals = form.has_proposals.data
    consultation.has_arguments = form.has_arguments.data
    db.session.flush()
    audit("consultation.created" if creating else "consultation.edited", consultation,
          summary=consultation.title)
    db.session.commit()
    flash(_("The consultation is saved.") if not creating else
          _("The consultation is saved as a draft: add its documents and questions, preview it, then publish it."),
          "success")
    return redirect(url_for("consultation_staff.manage", id=consultation.id))


@bp.get("/<int:id>/manage")
@permission_required(MANAGE)
def manage(id: int):
    """A consultation's workroom: its state and next steps, documents, questions, exports."""
    consultation = _manage(id)
    waiting = db.session.scalar(
        select(func.count()).select_from(AnswerValue).join(Response)
        .where(Response.consultation_id == consultation.id, AnswerValue.text.is_not(None),
               AnswerValue.text != "", AnswerValue.moderation == PENDING)
    ) or 0
    return render_template(
        "consultation/manage.html", consultation=consultation, files=attachments_of(consultation),
        responses=response_count(consultation), waiting=waiting, kind_labels=KIND_LABELS,
        locked=has_answers(consultation), admin_section="consultation_staff.manage_list",
        blockers=publication_blockers(consultation) if consultation.state == "draft" else [],
    )


# --- The questionnaire -------------------------------------------------------------------------


@bp.route("/<int:id>/questions/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def add_question(id: int):
    """Add a question; once answers exist, only an optional one."""
    consultation = _manage(id)
    if calendar_state(consultation) in PAST_STATES:
        flash(_("This consultation is closed: its questionnaire can no longer change."), "error")
        return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")
    form = QuestionForm()
    locked = has_answers(consultation)
    if request.method == "GET":
        form = QuestionForm(formdata=None)
        return _question_page(consultation, form, None, locked)
    valid = form.validate_on_submit()
    if locked and form.required.data:
        form.required.errors = list(form.required.errors) + [
            _("Participants have already answered: a question added now must be optional.")]
        valid = False
    if not valid:
        return _question_page(consultation, form, None, locked, 422)
    position = max((q.position for q in consultation.questions), default=0) + 1
    question = Question(consultation_id=consultation.id, position=position)
    _copy_question(form, question)
    db.session.add(question)
    db.session.flush()
    audit("consultation.question_added", consultation, summary=question.label)
    db.session.commit()
    flash(_("The question is added."), "success")
    return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")


@bp.route("/<int:id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_question(id: int, question_id: int):
    """Change a question, as long as nobody has answered."""
    consultation = _manage(id)
    question = _question_of(consultation, question_id)
    if has_answers(consultation):
        flash(locked_message(), "error")
        return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")
    if request.method == "GET":
        form = QuestionForm(formdata=None, obj=question)
        form.options.data = "\n".join(o.label for o in question.options)
        return _question_page(consultation, form, question, False)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _question_page(consultation, form, question, False, 422)
    _copy_question(form, question)
    audit("consultation.question_edited", consultation, summary=question.label)
    db.session.commit()
    flash(_("The question is saved."), "success")
    return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")


@bp.post("/<int:id>/questions/<int:question_id>/delete")
@permission_required(MANAGE)
def delete_question(id: int, question_id: int):
    """Remove a question, as long as nobody has answered."""
    consultation = _manage(id)
    question = _question_of(consultation, question_id)
    if has_answers(consultation):
        flash(locked_message(), "error")
        return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")
    audit("consultation.question_deleted", consultation, summary=question.label)
    consultation.questions.remove(question)
    db.session.commit()
    flash(_("The question is removed."), "success")
    return redirect(url_for("consultation_staff.manage", id=consultation.id) + "#questions")


def _question_of(consultation: Consultation, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.consultation_id != consultation.id:
        abort(404)
    return question


def _question_page(consultation, form, question, locked, status=200):
    return render_template("consultation/question_form.html", consultation=consultation, form=form,
                           question=question, locked=locked, admin_section="consultation_staff.manage_list"), status


def _copy_question(form: QuestionForm, question: Question) -> None:
    question.label = form.label.data.strip()
    question.help = (form.help.data or "").strip()
    question.kind = form.kind.data
    question.required = bool(form.required.data)
    question.max_choices = form.max_choices.data if form.kind.data == "multiple" else None
    if form.kind.data == SCALE:
        question.scale_min, question.scale_max = form.scale_bounds()
        question.scale_min_label = (form.scale_min_label.data or "").strip()
        question.scale_max_label = (form.scale_max_label.data or "").strip()
    lines = form.option_lines() if form.kind.data in CHOICE_KINDS else []
    question.options = [Option(label=label, position=index) for index, label in enumerate(lines, 1)]


# --- Moderation of free texts -------------------------------------------------------------------


# Free-text answers on one page of the moderation: a national consultation has thousands.
MODERATION_PER_PAGE = 50


@bp.route("/<int:id>/moderation", methods=["GET", "POST"])
@permission_required(MANAGE)
def moderation(id: int):
    """The free-text answers, those waiting first: approve those to list in the results, set
    aside the others."""
    consultation = _manage(id)
    texts = (select(AnswerValue).join(Response)
             .where(Response.consultation_id == consultation.id, AnswerValue.text.is_not(None),
                    AnswerValue.text != ""))
    page_number = whole_number(request.args.get("page", "")) or 1
    if request.method == "POST":
        sent = {}
        for key, decision in request.form.items():
            name, _sep, value_id = key.partition("-")
            number = whole_number(value_id)
            if name == "answer" and number is not None and decision in (APPROVED, REJECTED, PENDING):
                sent[number] = decision
        changed = 0
        # Only this consultation's answers, and no more than one page of them.
        ids = list(sent)[:MODERATION_PER_PAGE]
        for value in db.session.scalars(texts.where(AnswerValue.id.in_(ids))) if ids else ():
            if value.moderation != sent[value.id]:
                value.moderation = sent[value.id]
                changed += 1
                expire_visitor_pages()
        audit("consultation.answers_moderated", consultation, summary=f"{changed}")
        db.session.commit()
        flash(ngettext("Moderation saved: %(num)s answer changed.", "Moderation saved: %(num)s answers changed.",
                       changed), "success")
        # Back to the first page: the answers just moderated move after those still waiting,
        # so the next ones to read are there (staying on page N would skip some).
        return redirect(url_for("consultation_staff.moderation", id=consultation.id))
    page = db.paginate(texts.order_by(AnswerValue.moderation != PENDING, AnswerValue.question_id, AnswerValue.id),
                       page=page_number, per_page=MODERATION_PER_PAGE, error_out=False)
    questions = {q.id: q for q in consultation.questions}
    return render_template("consultation/moderation.html", consultation=consultation, page=page,
                           questions=questions, admin_section="consultation_staff.manage_list")


# --- What we heard, what we decided -----------------------------------------------------------


@bp.route("/<int:id>/outcome", methods=["GET", "POST"])
@permission_required(MANAGE)
def outcome(id: int):
    """Write the synthesis and the decision, and mark each proposal, once the consultation closed."""
    consultation = _manage(id)
    if calendar_state(consultation) not in PAST_STATES:
        flash(_("The synthesis and the decision are written once the consultation has closed."), "error")
        return redirect(url_for("consultation_staff.manage", id=consultation.id))
    proposals = ranked_proposals(consultation)
    form = OutcomeForm(formdata=None, obj=consultation) if request.method == "GET" else OutcomeForm()
    errors: dict[int, str] = {}
    if request.method == "POST":
        values = {}
        for proposal in proposals:
            chosen = request.form.get(f"outcome-{proposal.id}", "")
            reason = request.form.get(f"reason-{proposal.id}", "").strip()
            if chosen and chosen not in OUTCOMES:
                errors[proposal.id] = _("Choose an outcome from the list.")
            elif chosen and not reason:
                errors[proposal.id] = _("Give the reason for this outcome: it is published.")
            elif len(reason) > 5000:
                errors[proposal.id] = _("5,000 characters at most.")
            values[proposal.id] = (chosen or None, reason)
        if form.validate_on_submit() and not errors:
            consultation.synthesis = (form.synthesis.data or "").strip()
            consultation.decision = (form.decision.data or "").strip()
            for proposal in proposals:
                proposal.outcome, proposal.outcome_reason = values[proposal.id]
            audit("consultation.outcome_saved", consultation, summary=consultation.title)
            db.session.commit()
            flash(_("Saved. Publish the decision from the consultation's page when it is ready."), "success")
            return redirect(url_for("consultation_staff.manage", id=consultation.id))
        return render_template("consultation/outcome.html", consultation=consultation, form=form,
                               proposals=proposals, choices=outcome_choices(), errors=errors,
                               sent=values, admin_section="consultation_staff.manage_list"), 422
    sent = {p.id: (p.outcome, p.outcome_reason) for p in proposals}
    return render_template("consultation/outcome.html", consultation=consultation, form=form,
                           proposals=proposals, choices=outcome_choices(), errors=errors, sent=sent,
                           outcome_labels=OUTCOME_LABELS, admin_section="consultation_staff.manage_list")


# --- Responses as CSV ----------------------------------------------------------------------------


def pseudonym(response: Response) -> str:
    """A stable code for a response that tells nothing of the person (keyed with the app's secret)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"consultation-response-{response.id}".encode(), hashlib.sha256).hexdigest()
    return "P-" + digest[:10].upper()


def _cell(question: Question, values: list[AnswerValue]) -> str:
    options = {o.id: o.label for o in question.options}
    if question.kind == "ranking":
        ordered = sorted((v for v in values if v.option_id), key=lambda v: v.rank or 0)
        return " > ".join(options.get(v.option_id, "") for v in ordered)
    if question.kind in CHOICE_KINDS:
        return " | ".join(options.get(v.option_id, "") for v in values if v.option_id)
    if question.kind == SCALE:
        return "".join(str(v.number) for v in values if v.number is not None)
    return "".join(v.text or "" for v in values)


@bp.get("/<int:id>/responses.csv")
@permission_required(MANAGE)
def responses_csv(id: int):
    """Every response, one line each, under a pseudonym: no name, no e-mail, no account id."""
    consultation = _manage(id)
    questions = list(consultation.questions)
    responses = db.session.scalars(
        select(Response).where(Response.consultation_id == consultation.id).order_by(Response.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Participant"), _("Answered on"), _("Changed on")] + [spreadsheet_safe(q.label) for q in questions])
    for response in responses:
        by_question: dict[int, list[AnswerValue]] = {}
        for value in response.values:
            by_question.setdefault(value.question_id, []).append(value)
        writer.writerow([pseudonym(response), response.created_at.date().isoformat(),
                         response.updated_at.date().isoformat()]
                        + [spreadsheet_safe(_cell(q, by_question.get(q.id, []))) for q in questions])
    audit("consultation.responses_exported", consultation, summary=consultation.title)
    db.session.commit()
    return HTTPResponse(
        "\ufeff" + out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}-responses.csv"'},
    )

