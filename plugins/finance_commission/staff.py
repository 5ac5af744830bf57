"""The city's pages: importing a year's accounts, the comparable cities' averages, moderating
the residents' questions, and the commission's answers (blueprint ``finance_commission_staff``,
under the same ``/finances/`` addresses as the public pages).

Moderating a question is a declared transition of its workflow (``apply``); answering it is
publishing the commission's official answer (the core's answers service), which moves it to
"answered". The core's notifications service then tells its author and followers.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.services.answers import publish, save_answer
from core.services.audit import record as audit
from core.database import db
from core.permissions import get_or_404, login_required, permission_required
from core.workflows import TransitionRefused, apply

from .forms import CommissionAnswerForm, ComparisonForm, DeclineForm, ImportForm
from .importer import parse, save_year
from .indicators import INDICATORS
from .ledger import comparisons, years
from .models import Comparison, Question
from .workflow import MANAGE, MODERATE, WORKFLOW

bp = Blueprint("finance_commission_staff", __name__, url_prefix="/finances", template_folder="templates")


def _comparison_form(formdata=None) -> ComparisonForm:
    form = ComparisonForm(formdata=formdata, prefix="comparison")
    form.indicator.choices = [(i.key, str(i.label)) for i in INDICATORS]
    return form


def _render_import(form: ImportForm, errors=(), comparison_form=None, status: int = 200):
    return render_template("finance_commission/import.html", form=form, errors=errors, years=years(),
                           comparison_form=comparison_form or _comparison_form(),
                           comparisons=sorted(comparisons().values(), key=lambda c: (c.year, c.indicator)),
                           labels={i.key: i.label for i in INDICATORS}), status


@bp.route("/admin/import", methods=["GET", "POST"])
@permission_required(MANAGE)
def import_accounts():
    """Import (or replace) a year's accounts: all the file or nothing, every bad line reported."""
    form = ImportForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _render_import(form, status=200 if request.method == "GET" else 422)
    parsed = parse(form.file.data.read(), form.year.data)
    if parsed.errors:
        flash(_("Nothing was imported: correct the lines listed below and import the file again."), "error")
        return _render_import(form, errors=parsed.errors, status=422)
    replaced = any(y.year == form.year.data for y in years())
    save_year(form.year.data, form.population.data, form.outstanding_debt.data, parsed, current_user)
    db.session.commit()
    if replaced:
        flash(_("The accounts of %(year)s are replaced: %(num)s lines imported.", year=form.year.data,
                num=len(parsed.lines)), "success")
    else:
        flash(_("The accounts of %(year)s are imported: %(num)s lines.", year=form.year.data,
                num=len(parsed.lines)), "success")
    return redirect(url_for("finance_commission.index"))


@bp.post("/admin/comparisons")
@permission_required(MANAGE)
def save_comparison():
    """Record the average of comparable cities for an indicator and a year."""
    form = _comparison_form(request.form)
    if not form.validate_on_submit():
        return _render_import(ImportForm(formdata=None), comparison_form=form, status=422)
    row = db.session.scalar(select(Comparison).where(Comparison.year == form.year.data,
                                                     Comparison.indicator == form.indicator.data))
    if row is None:
        row = Comparison(year=form.year.data, indicator=form.indicator.data, value=form.value.data)
        db.session.add(row)
    row.value, row.source = form.value.data, (form.source.data or "").strip()
    db.session.flush()
    audit("finance_commission.comparison_saved", row, summary=f"{row.year} {row.indicator}", value=row.value)
    db.session.commit()
    flash(_("The average of comparable cities is saved."), "success")
    return redirect(url_for("finance_commission_staff.import_accounts") + "#comparisons")


@bp.get("/admin/questions")
@permission_required(MODERATE)
def moderation_queue():
    pending = db.session.scalars(select(Question).where(Question.state == "pending")
                                 .order_by(Question.created_at, Question.id)).all()
    return render_template("finance_commission/moderation_queue.html", questions=pending)


@bp.post("/questions/<int:id>/moderate")
@login_required
def moderate(id: int):
    """Publish a question, or decline it with a reason told to its author."""
    question = get_or_404(Question, id, "moderate")
    decision = request.form.get("decision")
    if decision == "approve":
        comment = ""
    elif decision == "decline":
        form = DeclineForm()
        if not form.validate_on_submit():
            for errors in form.errors.values():
                flash(" ".join(map(str, errors)), "error")
            return redirect(url_for("finance_commission.question", id=id) + "#moderation")
        comment = form.reason.data
    else:  # not one of the page's two buttons
        flash(_("Choose to publish the question or to decline it."), "error")
        return redirect(url_for("finance_commission.question", id=id) + "#moderation")
    try:
        apply(question, decision, current_user, comment)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("finance_commission.question", id=id))
    db.session.commit()
    flash(_("The question is published.") if decision == "approve" else _("The question is not published; "
          "its author is told why."), "success")
    return redirect(url_for("finance_commission_staff.moderation_queue"))


@bp.post("/questions/<int:id>/answer")
@login_required
def answer(id: int):
    """The commission answers a question publicly; followers and the author are notified."""
    question = get_or_404(Question, id, "answer")
    form = CommissionAnswerForm()
    if not form.validate_on_submit():
        return render_template("finance_commission/question.html", question=question, workflow=WORKFLOW,
                               answer_form=form, decline_form=DeclineForm(formdata=None)), 422
    publish(save_answer(question, current_user, "answered", form.body.data), current_user)
    db.session.commit()
    flash(_("The commission's answer is published; the author and followers are notified."), "success")
    return redirect(url_for("finance_commission.question", id=id) + "#answer")
