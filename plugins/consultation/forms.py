"""Forms of the consultation: the staff's consultation, question, outcome forms, and the
residents' proposal form. The questionnaire itself is built from the questions (``rules.py``
checks it), since its fields are the staff's to choose."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import (InputRequired, Length, NumberRange, Optional, StopValidation,
                                ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from core.services.maps.forms import PlaceForm

from .models import EVERYONE, OUTCOMES, QUESTION_KINDS, RESIDENTS

# A scale left empty by the staff runs from 1 to 5.
SCALE_DEFAULTS = (1, 5)


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


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes (a ``fieldset`` in the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


KIND_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "ranking": _l("Ranking"),
    "scale": _l("Scale"),
    "short_text": _l("Short free text"),
    "long_text": _l("Long free text"),
}

OUTCOME_LABELS = {
    "taken": _l("Taken"),
    "partly_taken": _l("Partly taken"),
    "not_taken": _l("Not taken"),
}


class ConsultationForm(PlaceForm):
    """Prepare a consultation: what it is about, when, who takes part, and its parts."""

    title = StringField(
        _l("Title"), validators=[_required(_l("Give the consultation a title.")),
                                 Length(min=5, max=200, message=_l("The title must have between 5 and 200 characters."))],
    )
    summary = TextAreaField(
        _l("Summary"), description=_l("Two or three sentences shown in the list of consultations."),
        validators=[_required(_l("Write a short summary.")),
                    Length(max=1000, message=_l("1,000 characters at most."))],
    )
    body = TextAreaField(
        _l("Context of the project"),
        description=_l("What the project is, what is already decided and what is open to discussion. Markdown is accepted."),
        validators=[Optional(), Length(max=20000, message=_l("20,000 characters at most."))],
    )
    opens_on = DateField(_l("Opening day"), validators=[_required(_l("Give the opening day."))])
    closes_on = DateField(
        _l("Closing day"), description=_l("The last day answers are accepted."),
        validators=[_required(_l("Give the closing day."))],
    )
    eligibility = RadioField(
        _l("Who may take part"), default=EVERYONE,
        choices=((EVERYONE, _l("Anyone with a confirmed account")),
                 (RESIDENTS, _l("Only the residents of the neighbourhoods concerned"))),
        validators=[_required()],
    )
    neighbourhoods = MultiCheckboxField(
        _l("Neighbourhoods concerned"), coerce=int,
        description=_l("Leave empty when the project concerns the whole city."),
    )
    has_questionnaire = BooleanField(_l("A questionnaire"), default=True)
    has_proposals = BooleanField(_l("Proposals that participants submit and support"))
    has_arguments = BooleanField(_l("Arguments for and against the project"))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing day cannot come before the opening day."))

    def validate_neighbourhoods(self, field):
        if self.eligibility.data == RESIDENTS and not field.data:
            raise ValidationError(_l("Choose the neighbourhoods whose residents may take part."))

    def validate_has_questionnaire(self, field):
        if not (field.data or self.has_proposals.data or self.has_arguments.data):
            raise ValidationError(_l("Choose at least one part: a questionnaire, proposals or arguments."))


class QuestionForm(FlaskForm):
    """A question of the questionnaire."""

    label = StringField(
        _l("Question"), validators=[_required(_l("Write the question.")),
                                    Length(max=300, message=_l("300 characters at most."))],
    )
    help = TextAreaField(_l("Explanation (optional)"),
                         validators=[Optional(), Length(max=2000, message=_l("2,000 characters at most."))])
    kind = SelectField(_l("Kind of question"), choices=[(k, KIND_LABELS[k]) for k in QUESTION_KINDS],
                       validators=[_required()])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Answers offered"),
        description=_l("For single choice, multiple choice and ranking: one answer per line, two at least."),
        validators=[Optional(), Length(max=5000, message=_l("5,000 characters at most."))],
    )
    max_choices = IntegerField(
        _l("Multiple choice: answers one may tick at most"),
        description=_l("Leave empty for no limit."),
        validators=[Optional(), NumberRange(1, 50, _l("Enter a number from 1 to 50."))],
    )
    scale_min = IntegerField(_l("Scale: lowest value"), default=1,
                             validators=[Optional(), NumberRange(0, 10, _l("Enter a number from 0 to 10."))])
    scale_max = IntegerField(_l("Scale: highest value"), default=5,
                             validators=[Optional(), NumberRange(1, 10, _l("Enter a number from 1 to 10."))])
    scale_min_label = StringField(_l("Scale: meaning of the lowest value"),
                                  validators=[Optional(), Length(max=100, message=_l("100 characters at most."))])
    scale_max_label = StringField(_l("Scale: meaning of the highest value"),
                                  validators=[Optional(), Length(max=100, message=_l("100 characters at most."))])

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        if self.kind.data in ("single", "multiple", "ranking"):
            lines = self.option_lines()
            if len(lines) < 2:
                raise ValidationError(_l("Give at least two answers, one per line."))
            if any(len(line) > 200 for line in lines):
                raise ValidationError(_l("Each answer has 200 characters at most."))
            if len(set(lines)) != len(lines):
                raise ValidationError(_l("Each answer must be different."))

    def validate_max_choices(self, field):
        lines = self.option_lines()
        if self.kind.data == "multiple" and field.data and len(lines) >= 2 and field.data > len(lines):
            raise ValidationError(_l("At most the number of answers offered (%(count)s).", count=len(lines)))

    def scale_bounds(self) -> tuple[int, int]:
        """The lowest and highest values of a scale; an empty one takes its default."""
        low, high = self.scale_min.data, self.scale_max.data
        return (SCALE_DEFAULTS[0] if low is None else low, SCALE_DEFAULTS[1] if high is None else high)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.kind.data == "scale" and not (self.scale_min.errors or self.scale_max.errors):
            low, high = self.scale_bounds()
            if high <= low:
                self.scale_max.errors.append(_l("The highest value must be above the lowest value."))
                return False
        return valid


class ProposalForm(FlaskForm):
    """A participant's proposal."""

    title = StringField(
        _l("Title of your proposal"),
        validators=[_required(_l("Give your proposal a title.")),
                    Length(min=5, max=150, message=_l("The title must have between 5 and 150 characters."))],
    )
    body = TextAreaField(
        _l("Your proposal"), description=_l("What do you propose, and why?"),
        validators=[_required(_l("Describe your proposal.")),
                    Length(min=20, max=5000, message=_l("The description must have between 20 and 5,000 characters."))],
    )


class OutcomeForm(FlaskForm):
    """What we heard and what we decided (the proposals' outcomes are read from the page)."""

    synthesis = TextAreaField(
        _l("What we heard"),
        description=_l("The synthesis of the answers, proposals and arguments. Markdown is accepted."),
        validators=[Optional(), Length(max=20000, message=_l("20,000 characters at most."))],
    )
    decision = TextAreaField(
        _l("What we decided and why"),
        description=_l("The decision taken and its reasons. Markdown is accepted."),
        validators=[Optional(), Length(max=20000, message=_l("20,000 characters at most."))],
    )


def outcome_choices():
    return [("", _l("Not marked yet"))] + [(value, OUTCOME_LABELS[value]) for value in OUTCOMES]
