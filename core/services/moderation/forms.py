"""The report form and the moderator's "hide" form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import REASONS


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=list(REASONS),
        validators=[DataRequired(_l("Choose a reason."))],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l("Optional, except for “Something else”. Only moderators read it."),
        validators=[Optional(), Length(max=1000)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.reason.data == "other" and not (self.details.data or "").strip():
            self.details.errors = [*self.details.errors, _("Say in a few words what is wrong.")]
            valid = False
        return valid


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason shown to everyone"),
        validators=[DataRequired(_l("Give the reason shown in place of the content.")), Length(max=500)],
    )
