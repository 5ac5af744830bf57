"""The plugin's forms: importing a year, comparable cities' averages, questions, answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


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
        places=2, validators=[Optional(), NumberRange(0, message=_l("The debt cannot be negative."))])
    file = FileField(
        _l("Accounts file (CSV)"),
        description=_l("The SCDL budget file the city publishes, or the simple format described below."),
        validators=[FileRequired(message=_l("Choose the CSV file of the accounts."))])


class ComparisonForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(message=_l("Give the year.")), NumberRange(1990, 2100)])
    indicator = SelectField(_l("Indicator"), validators=[DataRequired()])
    value = FloatField(_l("Average of comparable cities"),
                       validators=[DataRequired(message=_l("Give the average value."))])
    source = StringField(_l("Source"), description=_l("For example: DGCL, communes of 100,000 inhabitants and more."),
                         validators=[Optional(), Length(max=250)])


class QuestionForm(FlaskForm):
    title = StringField(_l("Your question"), validators=[DataRequired(message=_l("Write your question.")),
                                                         Length(min=10, max=200, message=_l("Between 10 and 200 characters."))])
    body = TextAreaField(_l("Details (optional)"), description=_l("Markdown is accepted."),
                         validators=[Optional(), Length(max=5000)])


class CommissionAnswerForm(FlaskForm):
    body = TextAreaField(_l("The commission's answer"), description=_l("Published at once; Markdown is accepted."),
                         validators=[DataRequired(message=_l("Write the answer.")), Length(max=20000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason, told to the author"),
                           validators=[DataRequired(message=_l("Explain why the question is not published.")),
                                       Length(max=2000)])
