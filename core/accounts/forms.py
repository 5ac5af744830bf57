"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
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


def _strip(value):
    """Spaces around an address (pasted from a mail) are not part of it."""
    return value.strip() if isinstance(value, str) else value


def email_field(label=_l("E-mail address")):
    """An e-mail address field, required and checked."""
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Enter an e-mail address such as name@example.fr.")),
            Length(max=254),
        ],
    )


class SignupForm(FlaskForm):
    """Create an account: name, address, password (twice), neighbourhood, terms."""

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
    """Log in with the e-mail address and password."""

    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Stay logged in on this device"))


class EmailOnlyForm(FlaskForm):
    """Ask for a link (new confirmation, forgotten password) by giving the address."""

    email = email_field()


class ResetPasswordForm(FlaskForm):
    """Choose a new password (from the mailed link)."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), PolicyPassword(None, None)]
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    """Change the password when logged in: the current one is asked first."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])


class ProfileForm(FlaskForm):
    """The account page: public name, neighbourhood, language and e-mail notifications."""

    display_name = StringField(
        _l("Name shown publicly"),
        validators=[DataRequired(REQUIRED), Length(min=2, max=80, message=_l("Between 2 and 80 characters."))],
    )
    neighbourhood = SelectField(_l("Your neighbourhood"), validators=[Optional()])
    locale = SelectField(_l("Language"))
    notification_frequency = SelectField(
        _l("E-mail notifications"),
        description=_l("Notifications always appear on the site; choose what reaches your inbox."),
        choices=[
            ("each", _l("For each notification")),
            ("daily", _l("A daily digest")),
            ("none", _l("No e-mail")),
        ],
        validators=[DataRequired(REQUIRED)],
    )


class DeleteAccountForm(FlaskForm):
    """Delete the account: the password and an explicit tick confirm it."""

    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(REQUIRED)])
    confirm = BooleanField(
        _l("I understand that my account and personal data will be erased for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
