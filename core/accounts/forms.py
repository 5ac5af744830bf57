"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from .passwords import password_problems

REQUIRED = _l("This field is required.")


class PolicyPassword:
    """Validator: the password follows the policy (length, not common, not the person's name)."""

    def __init__(self, email_field: str | None = "email", name_field: str | None = "display_name"):
        self.email_field, self.name_field = email_field, name_field

    def __call__(self, form, field):
        email = form[self.email_field].data if self.email_field in form else ""
        name = form[self.name_field].data if self.name_field in form else ""
        problems = password_problems(field.data or "", email or "", name or "")
        if problems:
            raise ValidationError(" ".join(problems))


def email_field(label=_l("E-mail address")):
    return EmailField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Enter an e-mail address such as name@example.fr.")),
            Length(max=254),
        ],
    )


class SignupForm(FlaskForm):
    display_name = StringField(
        _l("Name shown publicly"),
        description=_l("Your first name, a pseudonym or your full name: it will be shown next to what you write."),
        validators=[DataRequired(REQUIRED), Length(min=2, max=80, message=_l("Between 2 and 80 characters."))],
    )
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), PolicyPassword()],
    )
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )
    neighbourhood = SelectField(_l("Your neighbourhood"), validators=[Optional()])
    accept_terms = BooleanField(
        _l("I accept the terms of use and the processing of my data described in the privacy notice."),
        validators=[DataRequired(_l("You must accept the terms of use to create an account."))],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Stay logged in on this device"))


class EmailOnlyForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), PolicyPassword(None, None)]
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown publicly"),
        validators=[DataRequired(REQUIRED), Length(min=2, max=80, message=_l("Between 2 and 80 characters."))],
    )
    neighbourhood = SelectField(_l("Your neighbourhood"), validators=[Optional()])
    locale = SelectField(_l("Language"))
    notification_frequency = RadioField(
        _l("E-mail notifications"),
        choices=[
            ("each", _l("One e-mail for each notification")),
            ("daily", _l("One summary a day")),
            ("none", _l("No e-mail (notifications stay on the site)")),
        ],
        validators=[DataRequired(REQUIRED)],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(REQUIRED)])
    confirm = BooleanField(
        _l("I understand that my account and personal data will be erased for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
