"""The answers' pages: answering an item, and publishing the answers held, all at once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.content import item_title, load_item, types_using
from core.database import db
from core.permissions import authorize, login_required, permission_required
from core.web import whole_number
from core.workflows import TransitionRefused

from .forms import AnswerForm
from .models import PERMISSION, Answer
from .rules import answerable_states, held_answer, may_answer, publish, save_answer

bp = Blueprint("answers", __name__, template_folder="templates")


def _item_for_answer(type_name: str, id: int):
    item = load_item(type_name, id)
    if item is None or not item.content_type.uses("answers"):
        abort(404)
    authorize(item, "view")
    if not may_answer(current_user, item):
        abort(403)
    return item


def answer_form_for(item) -> AnswerForm:
    held = held_answer(item)
    form = AnswerForm(
        formdata=None, state=held.state if held else item.state, body=held.body if held else ""
    )
    form.state.choices = answerable_states(item)
    return form


@bp.post("/content/<type_name>/<int:id>/answer")
@login_required
def answer_item(type_name: str, id: int):
    """Save the answer to an item, and publish it at once or hold it."""
    item = _item_for_answer(type_name, id)
    form = AnswerForm()
    form.state.choices = answerable_states(item)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(item.url + "#answer-form")
    answer = save_answer(item, current_user, form.state.data, form.body.data)
    if form.publish_now.data:
        try:
            publish(answer, current_user)
        except TransitionRefused as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
            return redirect(item.url + "#answer-form")
    db.session.commit()
    if form.publish_now.data:
        flash(_("The answer is published; followers are notified."), "success")
    else:
        flash(_("The answer is held: publish it from the list of answers waiting."), "success")
    return redirect(item.url + "#answer")


@bp.route("/admin/answers", methods=["GET", "POST"])
@permission_required(PERMISSION)
def held():
    """Answers waiting: publish the ones ticked, all at once."""
    answers = db.session.scalars(
        select(Answer).where(Answer.status == "held").order_by(Answer.created_at, Answer.id)
    ).all()
    # Only items the person may answer (and that still exist).
    rows = [(a, a.item) for a in answers]
    rows = [(a, item) for a, item in rows if item is not None and may_answer(current_user, item)]
    if request.method == "POST":
        chosen = {whole_number(v) for v in request.form.getlist("answer")} - {None}
        selected = [(a, item) for a, item in rows if a.id in chosen]
        if not selected:
            flash(_("Tick at least one answer to publish."), "error")
            return redirect(url_for("answers.held"))
        published, refused = 0, []
        for answer, item in selected:
            try:
                with db.session.begin_nested():  # one that is no longer possible stays held
                    publish(answer, current_user)
                published += 1
            except TransitionRefused as refusal:
                refused.append(_("“%(title)s”: %(reason)s", title=item_title(item), reason=refusal.message))
        db.session.commit()
        if published:
            flash(_("%(num)s answer(s) published; followers are notified.", num=published), "success")
        for message in refused:
            flash(_("Not published, still held: %(why)s", why=message), "error")
        return redirect(url_for("answers.held"))
    return render_template("answers/held.html", rows=rows,
                           types={t.name: t for t in types_using("answers")})
