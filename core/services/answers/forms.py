"""The answer form: the decision (a state the answer may give), the public text, now or held."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class AnswerForm(FlaskForm):
    state = SelectField(_l("Decision"), validators=[DataRequired()])
    body = TextAreaField(
        _l("Public answer"),
        description=_l("Explain the decision in plain words; Markdown is accepted."),
        validators=[DataRequired(message=_l("Write the answer.")), Length(max=20000)],
    )
    publish_now = BooleanField(
        _l("Publish now"),
        description=_l("Leave unticked to hold the answer and publish it later with others."),
        default=True,
    )
