"""Forms of citizens' councils: the public call form (built for each council), and the staff's
council, college, feature, import, draw and ceremony forms."""

from __future__ import annotations

from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, HiddenField,
                     IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import (Email, InputRequired, Length, NumberRange, Optional,
                                StopValidation, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from core.database import utcnow

from .models import Council


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


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CouncilForm(FlaskForm):
    name = StringField(_l("Name of the council"),
                       validators=[_required(), Length(max=150, message=_l("150 characters at most."))])
    description = TextAreaField(_l("Presentation"), description=_l("Markdown is accepted."),
                                validators=[Length(max=10000, message=_l("10,000 characters at most."))])
    neighbourhoods = CheckboxesField(_l("Territory (neighbourhoods)"), coerce=int,
                                     validators=[Optional()])
    term_start = DateField(_l("Start of the term"), validators=[_required()])
    term_end = DateField(_l("End of the term"), validators=[_required()])
    minimum_age = IntegerField(_l("Minimum age"), default=16,
                               description=_l("On the first day of the term."),
                               validators=[_required(), NumberRange(0, 120, _l("Between 0 and 120."))])
    call_opens_on = DateField(_l("Call for candidates opens on"), validators=[Optional()])
    call_closes_on = DateField(_l("Call for candidates closes on"), validators=[Optional()])
    call_text = TextAreaField(_l("Text of the call"), description=_l("Markdown is accepted."),
                              validators=[Length(max=10000, message=_l("10,000 characters at most."))])
    is_published = BooleanField(_l("Show this council on the public pages"))

    def validate_term_end(self, field):
        if self.term_start.data and field.data and field.data < self.term_start.data:
            raise ValidationError(_l("The term must end after it starts."))

    def validate_call_closes_on(self, field):
        if field.data and self.call_opens_on.data and field.data < self.call_opens_on.data:
            raise ValidationError(_l("The call must close after it opens."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Here, not on a field: an empty date stops its own validators (``Optional``).
        opens, closes = self.call_opens_on, self.call_closes_on
        if bool(opens.data) != bool(closes.data) and not (opens.errors or closes.errors):
            (closes if opens.data else opens).errors.append(
                _l("Give both dates of the call, or neither."))
            valid = False
        return valid


class CollegeForm(FlaskForm):
    name = StringField(_l("Name of the college"),
                       validators=[_required(), Length(max=120, message=_l("120 characters at most."))])
    kind = SelectField(_l("Who may apply"), choices=[
        ("residents", _l("Residents: people living in the territory")),
        ("local_actors", _l("Local actors: associations, shopkeepers, professionals working in the territory")),
    ])
    seats = IntegerField(_l("Seats"), validators=[_required(), NumberRange(1, 500, _l("Between 1 and 500."))])


class FeatureForm(FlaskForm):
    name = StringField(_l("Name of the feature"),
                       validators=[_required(), Length(max=120, message=_l("120 characters at most."))])
    values = TextAreaField(
        _l("Values, one per line"),
        description=_l("For age bands, write the ages of each band: “16-29”, or “60+” for the last one."),
        validators=[_required(), Length(max=10000, message=_l("10,000 characters at most."))],
    )


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})
    csv_text = HiddenField()


class PrepareForm(FlaskForm):
    algorithm = RadioField(_l("Algorithm"), default="leximin", choices=[
        ("leximin", _l("LEXIMIN (fairest: equal chances as far as the quotas allow)")),
        ("greedy", _l("Greedy (classic, simpler; chances are estimated)")),
    ], validators=[_required()])


class PublishForm(FlaskForm):
    place = StringField(_l("Place of the public ceremony"),
                        validators=[_required(), Length(max=200, message=_l("200 characters at most."))])
    planned_at = DateTimeLocalField(_l("Date and time of the ceremony"), format="%Y-%m-%dT%H:%M",
                                    validators=[Optional()])

    def validate_planned_at(self, field):
        if field.data is None:  # not a date and time: said already
            return
        now = to_user_timezone(utcnow()).replace(tzinfo=None)  # as typed: the city's time
        if field.data < now:
            raise ValidationError(_l("The ceremony cannot be planned in the past."))
        if field.data.year > now.year + 5:
            raise ValidationError(_l("Plan the ceremony within the next five years."))

    def planned_at_utc(self):
        """The time typed (the city's time zone) as stored, in UTC; ``None`` when not given."""
        if self.planned_at.data is None:
            return None
        return to_utc(self.planned_at.data).replace(tzinfo=timezone.utc)


class CeremonyForm(FlaskForm):
    seed = StringField(
        _l("Seed"),
        description=_l("For example the numbers shown by dice rolled in front of the witnesses, "
                       "separated by spaces: “4 1 6 6 2 3 5 1 2 4”."),
        validators=[_required(), Length(min=1, max=200, message=_l("200 characters at most."))],
    )
    witnesses = TextAreaField(_l("Witnesses, one name per line"),
                              description=_l("Their names are published with the result."),
                              validators=[_required(_l("Name at least one witness."))])

    def witness_names(self) -> list[str]:
        return [line.strip()[:150] for line in (self.witnesses.data or "").splitlines() if line.strip()]

    def validate_witnesses(self, field):
        if not self.witness_names():
            raise ValidationError(_l("Name at least one witness."))


class RespondForm(FlaskForm):
    name_shown = RadioField(_l("On the council's public page, show"), default="initials", choices=[
        ("full", _l("My full name")), ("initials", _l("My initials only")),
    ])


def application_form(council: Council, retention_text: str):
    """The public call form of ``council``: its colleges, gender values, territory and the
    city's own features become choices."""

    class ApplicationForm(FlaskForm):
        first_name = StringField(_l("First name"), validators=[
            _required(), Length(max=100, message=_l("100 characters at most."))])
        last_name = StringField(_l("Last name"), validators=[
            _required(), Length(max=100, message=_l("100 characters at most."))])
        email = EmailField(_l("E-mail address"), description=_l("We write to you here if you are drawn."),
                           validators=[_required(), Email(_l("Enter a valid e-mail address.")),
                                       Length(max=254)])
        phone = StringField(_l("Phone number"), description=_l("Optional."),
                            validators=[Optional(), Length(max=40, message=_l("40 characters at most."))])
        birth_date = DateField(_l("Date of birth"), validators=[_required(_l("Enter your date of birth."))])
        address = StringField(_l("Address"), validators=[
            _required(), Length(max=250, message=_l("250 characters at most."))])
        neighbourhood = SelectField(
            _l("Neighbourhood"),
            description=_l("Where you live; for local actors, where you work."),
            coerce=int, validators=[_required(_l("Choose your neighbourhood."))],
            choices=[(n.id, n.name) for n in council.neighbourhoods],
        )
        college = SelectField(_l("College"), coerce=int,
                              choices=[(c.id, c.name) for c in council.colleges],
                              validators=[_required(_l("Choose a college."))])
        motivation = TextAreaField(_l("Why you would like to take part"), description=_l("Optional."),
                                   validators=[Optional(), Length(max=3000, message=_l("3,000 characters at most."))])
        consent = BooleanField(
            _l("I agree that the city processes these data to run the draw of the council."),
            description=retention_text,
            validators=[InputRequired(_l("Your consent is needed to take part in the draw."))],
        )

    for feature in council.features:
        if feature.kind in ("gender", "custom") and feature.values:
            field = RadioField(
                feature.name, choices=[(v.key, v.label) for v in feature.values],
                validators=[_required(_l("Choose an answer."))],
            )
            setattr(ApplicationForm, f"feature_{feature.key}", field)
    return ApplicationForm
