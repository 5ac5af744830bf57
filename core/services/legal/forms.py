"""The form admins write a legal page's text with."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class LegalTextForm(FlaskForm):
    body = TextAreaField(
        _l("Text of the page (Markdown)"),
        validators=[Optional(), Length(max=50_000, message=_l("50,000 characters at most."))],
        description=_l("Leave empty to show the default text again."),
        render_kw={"rows": 18},
    )
