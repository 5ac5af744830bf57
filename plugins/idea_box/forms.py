"""Forms of the idea box: the residents' idea form, and the staff's study, decision,
implementation step, department and campaign forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, IntegerField, RadioField, SelectField, StringField,
    TextAreaField,
)
from wtforms.validators import (InputRequired, Length, NumberRange, Optional, StopValidation,
                                ValidationError)

from core.services.maps.forms import PlaceForm
from core.web import MAX_ID

TITLE_MAX = 150
BODY_MIN, BODY_MAX = 20, 5000
MAX_EUROS = 100_000_000
IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class _Required(InputRequired):
    """``InputRequired`` that also refuses a text of spaces only (saved stripped, it would be
    empty)."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def _required(message=None):
    return _Required(message or _l("This field is required."))


def _euros(label, description=""):
    return IntegerField(
        label, description=description,
        validators=[Optional(), NumberRange(0, MAX_EUROS, _l("Enter a whole number of euros, from 0 to 100,000,000."))],
    )


class IdeaForm(PlaceForm):
    """Submit an idea, or save it as a draft to finish later (a draft needs only a title)."""

    title = StringField(
        _l("Title of your idea"),
        description=_l("A short sentence: what should be done, and where (150 characters at most)."),
        validators=[_required(_l("Give your idea a title.")),
                    Length(min=5, max=TITLE_MAX, message=_l("The title must have between 5 and 150 characters."))],
    )
    body = TextAreaField(
        _l("Describe your idea"),
        description=_l("What is the problem, what do you propose, who would benefit? Markdown is accepted."),
        validators=[_required(_l("Describe your idea.")),
                    Length(min=BODY_MIN, max=BODY_MAX, message=_l("The description must have between 20 and 5,000 characters."))],
    )
    neighbourhood = SelectField(
        _l("Neighbourhood"), validators=[_required(_l("Choose a neighbourhood, or “The whole city”."))],
        description=_l("Left to choose, with a point placed below: the neighbourhood around the point."),
    )
    category = SelectField(_l("Theme"), validators=[Optional()])
    estimated_cost = _euros(_l("Estimated cost in euros"),
                            _l("Optional: your own estimate, if you have one."))
    image = FileField(_l("An image"), description=_l("Optional: JPEG, PNG, WebP or GIF."),
                      render_kw={"accept": IMAGE_TYPES})
    image_description = StringField(
        _l("What the image shows"),
        description=_l("Required with an image, for people who cannot see it."),
        validators=[Length(max=300, message=_l("300 characters at most."))],
    )

    def relax_for_draft(self) -> None:
        """A draft needs only its title: the other fields may stay empty for now."""
        self.body.validators = [Optional(), Length(max=BODY_MAX, message=_l("5,000 characters at most."))]
        self.neighbourhood.validators = [Optional()]

    def validate_image_description(self, field):
        upload = self.image.data
        if upload is not None and getattr(upload, "filename", "") and not (field.data or "").strip():
            raise ValidationError(_l("Describe the image in a few words, for people who cannot see it."))


class StudyForm(FlaskForm):
    """The feasibility study of an idea."""

    department = SelectField(_l("Department in charge"), validators=[_required(_l("Choose the department in charge."))])
    technical = TextAreaField(_l("Technical feasibility"), validators=[
        Optional(), Length(max=5000, message=_l("5,000 characters at most."))])
    legal = TextAreaField(_l("Legal feasibility"), validators=[
        Optional(), Length(max=5000, message=_l("5,000 characters at most."))])
    within_competence = BooleanField(_l("Within the city's competence"), default=True)
    estimated_cost = _euros(_l("Estimated cost in euros"))
    estimated_delay_months = IntegerField(
        _l("Estimated delay in months"),
        validators=[Optional(), NumberRange(0, 240, _l("Enter a number of months, from 0 to 240."))],
    )


class DecisionForm(FlaskForm):
    """The city's decision, published as its official answer."""

    decision = RadioField(
        _l("Decision"),
        choices=[("accepted", _l("Accept")), ("rejected", _l("Do not retain")),
                 ("merged", _l("Merge into another idea"))],
        validators=[_required(_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Public answer"),
        description=_l("Shown on the idea's page and sent to its author and followers. Required to not "
                       "retain an idea or to merge it. Markdown is accepted."),
        validators=[Length(max=20000, message=_l("20,000 characters at most."))],
    )
    merge_into = IntegerField(
        _l("Number of the idea to merge into"),
        description=_l("The number in the idea's address, for example 12 for /ideas/12."),
        validators=[Optional(), NumberRange(1, MAX_ID, _l("There is no published idea with this number."))],
    )
    publish_now = BooleanField(
        _l("Publish the answer now"),
        description=_l("Leave unticked to hold it and publish it later with others, from “Answers waiting”."),
        default=True,
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.decision.data in ("rejected", "merged") and not (self.reason.data or "").strip():
            self.reason.errors.append(_l("Explain this decision: the explanation is published."))
            valid = False
        if self.decision.data == "merged" and self.merge_into.data is None and not self.merge_into.errors:
            self.merge_into.errors.append(_l("Give the number of the idea to merge into."))
            valid = False
        return valid


class StepForm(FlaskForm):
    """A dated step of an accepted idea's implementation."""

    happened_on = DateField(_l("Date"), validators=[_required(_l("Give the date of the step."))])
    title = StringField(_l("Step"), validators=[
        _required(_l("Name the step.")), Length(max=150, message=_l("150 characters at most."))])
    description = TextAreaField(_l("Details"), validators=[
        Optional(), Length(max=5000, message=_l("5,000 characters at most."))])
    progress = IntegerField(
        _l("Progress of the whole work (%)"),
        validators=[_required(_l("Give the progress, from 0 to 100.")),
                    NumberRange(0, 100, _l("A percentage is between 0 and 100."))],
    )
    budget_spent = _euros(_l("Budget spent so far, in euros"))
    photo = FileField(_l("A photo"), description=_l("Optional: JPEG, PNG, WebP or GIF."),
                      render_kw={"accept": IMAGE_TYPES})
    photo_description = StringField(
        _l("What the photo shows"), description=_l("Required with a photo, for people who cannot see it."),
        validators=[Length(max=300, message=_l("300 characters at most."))],
    )
    completes = BooleanField(_l("This step completes the work (the idea is marked as done)"))

    def validate_photo_description(self, field):
        upload = self.photo.data
        if upload is not None and getattr(upload, "filename", "") and not (field.data or "").strip():
            raise ValidationError(_l("Describe the photo in a few words, for people who cannot see it."))


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name of the department"),
                       validators=[_required(_l("Give the department a name.")),
                                   Length(max=120, message=_l("120 characters at most."))])


class CampaignForm(FlaskForm):
    """A campaign and its dates, which must follow each other."""

    name = StringField(_l("Name of the campaign"),
                       validators=[_required(_l("Give the campaign a name.")),
                                   Length(max=150, message=_l("150 characters at most."))])
    submission_start = DateField(_l("Ideas accepted from"), validators=[_required()])
    submission_end = DateField(_l("Ideas accepted until"), validators=[_required()])
    support_end = DateField(_l("Supports accepted until"), validators=[_required()])
    study_end = DateField(_l("Studies finished by"), validators=[_required()])
    results_date = DateField(_l("Results published on"), validators=[_required()])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        dates = [self.submission_start, self.submission_end, self.support_end, self.study_end,
                 self.results_date]
        for earlier, later in zip(dates, dates[1:]):
            if later.data < earlier.data:
                later.errors.append(_l("This date must not be before “%(label)s”.", label=earlier.label.text))
                return False
        return True
