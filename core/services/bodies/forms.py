"""The forms of a body's pages: a member, a meeting, a document, the minutes."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from .models import MEMBER_KINDS


# The dates a body's meeting or membership may have: its archives go back decades, its calendar
# a few years ahead; beyond, a date is a typing mistake (and 0001 or 9999 breaks time zones).
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def plausible_date(form, field) -> None:
    """A validator: the date lies between :data:`EARLIEST` and :data:`LATEST`."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Give a date between %(first)s and %(last)s.",
                                 first=EARLIEST.year, last=LATEST.year))


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the member's name.")),
                                               Length(max=150)])
    kind = SelectField(_l("Kind of member"), choices=MEMBER_KINDS)
    role = StringField(_l("Role in the body"), description=_l("For example: Chair, Secretary."),
                       validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail address of their account (optional)"),
                        description=_l("Links the member to their account on this site."),
                        validators=[Optional(), Length(max=254)])
    since = DateField(_l("Member since"), validators=[Optional(), plausible_date])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the meeting a title.")),
                                                 Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Give the date of the meeting.")),
                                            plausible_date])
    hour = TimeField(_l("Time"), validators=[DataRequired(message=_l("Give the time of the meeting."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=250)])
    agenda = TextAreaField(_l("Agenda"), description=_l("Markdown is accepted."),
                           validators=[Optional(), Length(max=20000)])


class DocumentForm(FlaskForm):
    title = StringField(_l("Document title"), validators=[DataRequired(message=_l("Give the document a title.")),
                                                          Length(max=200)])
    url = StringField(_l("Web address of the document"),
                      validators=[DataRequired(message=_l("Give the document's web address.")),
                                  URL(message=_l("Give a full web address, starting with https://.")),
                                  Length(max=500)])


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), description=_l("Markdown is accepted. Published at once."),
                            validators=[DataRequired(message=_l("Write the minutes.")), Length(max=100000)])
