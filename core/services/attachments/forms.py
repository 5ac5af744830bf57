"""The upload form: a file and, for an image, what it shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional


class UploadForm(FlaskForm):
    file = FileField(_l("File (image or PDF)"), validators=[FileRequired(_l("Choose a file."))])
    description = StringField(
        _l("Description"),
        description=_l("Required for an image: what it shows, for people who cannot see it."),
        validators=[Optional(), Length(max=300)],
    )
