"""The conciliator's forms. Every field says what it expects; every error is a sentence."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField, EmailField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError


def _not_in_future(form, field) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_l("This date is in the future."))


class ReferralForm(FlaskForm):
    """A resident refers a case to the mediator (saisine)."""

    service_id = SelectField(_l("Municipal service concerned"), coerce=int,
                             validators=[InputRequired(_l("Choose the service concerned."))])
    category_id = SelectField(_l("Domain"), validators=[Optional()])
    title = StringField(_l("Subject"), validators=[
        DataRequired(_l("Give your case a subject.")),
        Length(max=200, message=_l("200 characters at most."))])
    body = TextAreaField(_l("Describe your dispute"), validators=[
        DataRequired(_l("Describe what happened.")),
        Length(max=20000, message=_l("20,000 characters at most."))],
        description=_l("What happened, when, and with whom. Do not send us medical details."))
    prior_complaint_date = DateField(
        _l("Date of your complaint to the service"),
        validators=[Optional(), _not_in_future],
        description=_l("A prior complaint to the service concerned is required for the mediator "
                       "to take up your case."))
    prior_steps = TextAreaField(_l("Steps already taken with the service"), validators=[
        Length(max=10000, message=_l("10,000 characters at most."))],
        description=_l("Your complaint, the answers you received, the people you met."))
    hoped_outcome = TextAreaField(_l("What do you hope for?"), validators=[
        DataRequired(_l("Tell us what you hope for.")),
        Length(max=5000, message=_l("5,000 characters at most."))])
    file = FileField(_l("A document (PDF or image, optional)"))
    file_description = StringField(
        _l("Description of the document"),
        validators=[Optional(), Length(max=300, message=_l("300 characters at most."))],
        description=_l("Required for an image: what it shows, for people who cannot see it."))

    def validate_service_id(self, field) -> None:
        if field.data is None or field.data <= 0:
            raise ValidationError(_l("Choose the service concerned."))

    def validate_prior_steps(self, field) -> None:
        if self.prior_complaint_date.data and not (field.data or "").strip():
            raise ValidationError(_l("Describe the complaint you made to the service."))


class MessageForm(FlaskForm):
    """A message in a case's private thread, or an internal note."""

    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Write a message.")),
        Length(max=10000, message=_l("10,000 characters at most."))])
    internal = BooleanField(_l("Internal note (the resident does not see it)"))


class UploadForm(FlaskForm):
    """A new document for a case."""

    file = FileField(_l("Document (PDF or image)"))
    description = StringField(
        _l("Description of the document"),
        validators=[Optional(), Length(max=300, message=_l("300 characters at most."))],
        description=_l("Required for an image: what it shows, for people who cannot see it."))


class DecisionForm(FlaskForm):
    """A decision on a case; the comment is required for some decisions."""

    comment = TextAreaField(
        _l("Explanation"),
        validators=[Length(max=10000, message=_l("10,000 characters at most."))],
        description=_l("Required for an inadmissibility (sent to the resident with where else to "
                       "turn) and when closing a case."))


class InvitationForm(FlaskForm):
    """A question to a staff member of the service concerned."""

    email = EmailField(_l("E-mail address of the staff member"), validators=[
        DataRequired(_l("Enter the staff member's e-mail address.")),
        Email(_l("Enter a valid e-mail address.")),
        Length(max=254, message=_l("254 characters at most."))])
    question = TextAreaField(_l("Your question"), validators=[
        DataRequired(_l("Write your question.")),
        Length(max=10000, message=_l("10,000 characters at most."))])


class AnswerForm(FlaskForm):
    """A staff member's answer to the conciliator's question."""

    answer = TextAreaField(_l("Your answer"), validators=[
        DataRequired(_l("Write your answer.")),
        Length(max=10000, message=_l("10,000 characters at most."))])


class ServiceForm(FlaskForm):
    """A municipal service of the list."""

    name = StringField(_l("Name of the service"), validators=[
        DataRequired(_l("Enter the name of the service.")),
        Length(max=120, message=_l("120 characters at most."))])
