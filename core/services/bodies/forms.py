"""The forms of a body's pages: a member, a meeting, a document, the minutes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, Length, Optional

from .models import MEMBER_KINDS


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the member's name.")),
                                               Length(max=150)])
    kind = SelectField(_l("Kind of member"), choices=MEMBER_KINDS)
    role = StringField(_l("Role in the body"), description=_l("For example: Chair, Secretary."),
                       validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail address of their account (optional)"),
                        description=_l("Links the member to their account on this site."),
                        validators=[Optional(), Length(max=254)])
    since = DateField(_l("Member since"), validators=[Optional()])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the meeting a title.")),
                                                 Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Give the date of the meeting."))])
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
