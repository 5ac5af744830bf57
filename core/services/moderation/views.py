"""The moderation's pages: the report form, the moderators' queue, a target's review, decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.database import db
from core.permissions import authorize, login_required, permission_required
from core.web import safe_next, whole_number

from .forms import HideForm, ReportForm
from .models import PERMISSION, Decision, Report
from .queue import queue
from .rules import ReportRefused, has_reported, hide, keep, report
from .targets import Target, load_target

bp = Blueprint("moderation", __name__, template_folder="templates")


def _target_or_404(target_type: str, target_id: int) -> Target:
    target = load_target(target_type, target_id)
    if target is None:
        abort(404)
    authorize(target.obj, "view")
    return target


def _next(target: Target) -> str:
    return safe_next(request.values.get("next"), target.url)


@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
def report_page(target_type: str, target_id: int):
    """The report form: a reason from a list, and optional details for the moderators."""
    target = _target_or_404(target_type, target_id)
    if target.obj.author_id == current_user.id:
        flash(_("You cannot report what you wrote yourself."), "error")
        return redirect(target.url)
    if has_reported(current_user, target):
        flash(_("You have already reported this. A moderator will look at it."), "info")
        return redirect(target.url)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            report(target, current_user, form.reason.data, form.details.data or "")
        except ReportRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you. A moderator will look at your report."), "success")
        return redirect(target.url)
    return render_template("moderation/report.html", target=target, form=form)


@bp.get("/moderation/")
@permission_required(PERMISSION)
def queue_page():
    """The moderators' queue."""
    page = queue(whole_number(request.args.get("page"), 0) or 1)
    return render_template("moderation/queue.html", page=page)


@bp.get("/moderation/<target_type>/<int:target_id>")
@permission_required(PERMISSION)
def review(target_type: str, target_id: int):
    """One target: its text, every report and every decision, and the two actions."""
    target = _target_or_404(target_type, target_id)
    reports = db.session.scalars(
        select(Report).where(target._where(Report)).order_by(Report.created_at, Report.id)
    ).all()
    decisions = db.session.scalars(
        select(Decision).where(target._where(Decision)).order_by(Decision.id)
    ).all()
    return render_template("moderation/review.html", target=target, reports=reports, decisions=decisions)


@bp.post("/moderation/<target_type>/<int:target_id>/hide")
@permission_required(PERMISSION)
def hide_view(target_type: str, target_id: int):
    target = _target_or_404(target_type, target_id)
    form = HideForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(_next(target))
    hide(target, current_user, form.reason.data)
    db.session.commit()
    flash(_("Hidden. Its author has been told why."), "success")
    return redirect(_next(target))


@bp.post("/moderation/<target_type>/<int:target_id>/keep")
@permission_required(PERMISSION)
def keep_view(target_type: str, target_id: int):
    target = _target_or_404(target_type, target_id)
    was_hidden = target.is_hidden
    keep(target, current_user)
    db.session.commit()
    flash(_("Visible again; its reports are dismissed.") if was_hidden else _("Kept online; its reports are dismissed."),
          "success")
    return redirect(_next(target))
