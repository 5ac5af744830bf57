"""``example_poll``: a one-question poll, to show a third-party plugin adding a page.

The answer is kept in the visitor's session (no table, no migration): enough for an example.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from core.declarations import NavItem
from core.hookspecs import hookimpl

SESSION_KEY = "example_poll.answer"
CHOICES = (
    SelectChoice("saturday", _l("Saturday morning")),
    SelectChoice("sunday", _l("Sunday morning")),
    SelectChoice("wednesday", _l("Wednesday evening")),
)

bp = Blueprint("example_poll", __name__, url_prefix="/example-poll", template_folder="templates")


class AnswerForm(FlaskForm):
    """The poll's single question."""

    answer = RadioField(
        _l("Which day suits you best for the neighbourhood clean-up?"),
        choices=list(CHOICES),
        validators=[InputRequired(_l("Please choose an answer."))],
    )


@bp.route("/", methods=["GET", "POST"])
def index():
    """The question, and the visitor's answer once given."""
    form = AnswerForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.answer.data
        flash(_("Thank you: your answer is recorded."), "success")
        return redirect(url_for("example_poll.index"))
    labels = {choice.value: choice.label for choice in CHOICES}
    answer = labels.get(session.get(SESSION_KEY, ""))
    return render_template("example_poll/index.html", form=form, answer=answer)


@hookimpl
def register_blueprints(app):
    return [bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("Quick poll"), "example_poll.index", order=90)]
