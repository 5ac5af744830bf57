"""The plugin's forms: importing a year, comparable cities' averages, questions, answers."""

from __future__ import annotations

import math
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                StopValidation)


def _finite(message):
    """Refuses what Python reads as a number but is none: "NaN", "Infinity", "1e400"."""

    def check(form, field):
        data = field.data
        if data is not None and not (data.is_finite() if isinstance(data, Decimal)
                                     else math.isfinite(data)):
            raise StopValidation(message)

    return check


class ImportForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(message=_l("Give the year of the accounts.")),
                                                NumberRange(1990, 2100, message=_l("Give a year between 1990 and 2100."))])
    population = IntegerField(
        _l("Population of the year"),
        description=_l("The legal population (INSEE) used for the amounts per inhabitant."),
        validators=[DataRequired(message=_l("Give the population of the year.")),
                    NumberRange(1, 100_000_000, message=_l("Give the number of inhabitants."))])
    outstanding_debt = DecimalField(
        _l("Outstanding debt on 31 December, in euros"),
        description=_l("From the annex on debt of the administrative account. Leave empty if unknown."),
        places=2, validators=[
            Optional(), _finite(_l("Enter the debt in euros, for example 36000000.")),
            NumberRange(0, message=_l("The debt cannot be negative.")),
            NumberRange(max=10**12, message=_l("Enter the debt in euros, for example 36000000."))])
    file = FileField(
        _l("Accounts file (CSV)"),
        description=_l("The SCDL budget file the city publishes, or the simple format described below."),
        validators=[FileRequired(message=_l("Choose the CSV file of the accounts."))])


class ComparisonForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[
        DataRequired(message=_l("Give the year.")),
        NumberRange(1990, 2100, message=_l("Give a year between 1990 and 2100."))])
    indicator = SelectField(_l("Indicator"), validators=[DataRequired()])
    # 0 is an average like any other; "NaN" or "inf" is none.
    value = FloatField(_l("Average of comparable cities"), validators=[
        InputRequired(message=_l("Give the average value.")),
        _finite(_l("Enter a number between -1,000,000,000 and 1,000,000,000.")),
        NumberRange(-10**9, 10**9, _l("Enter a number between -1,000,000,000 and 1,000,000,000."))])
    source = StringField(_l("Source"), description=_l("For example: DGCL, communes of 100,000 inhabitants and more."),
                         validators=[Optional(), Length(max=250, message=_l("250 characters at most."))])


class QuestionForm(FlaskForm):
    title = StringField(_l("Your question"), validators=[DataRequired(message=_l("Write your question.")),
                                                         Length(min=10, max=200, message=_l("Between 10 and 200 characters."))])
    body = TextAreaField(_l("Details (optional)"), description=_l("Markdown is accepted."),
                         validators=[Optional(), Length(max=5000)])


class CommissionAnswerForm(FlaskForm):
    body = TextAreaField(_l("The commission's answer"), description=_l("Published at once; Markdown is accepted."),
                         validators=[DataRequired(message=_l("Write the answer.")),
                                     Length(max=20000, message=_l("20,000 characters at most."))])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason, told to the author"),
                           validators=[DataRequired(message=_l("Explain why the question is not published.")),
                                       Length(max=2000, message=_l("2,000 characters at most."))])
