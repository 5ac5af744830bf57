"""Forms of the administration pages.

Some forms are built per request because their fields come from declarations: the roles a
person can be given, the permission matrix and the plugins' settings.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, Field, IntegerField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..declarations import SettingSpec

REQUIRED = _l("This field is required.")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (a select-multiple is hard to use)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    """The roles given to one person; ``roles`` choices are set from the declared roles."""

    roles = MultiCheckboxField(_l("Roles"), choices=[], validate_choice=True)


class PermissionMatrixForm(FlaskForm):
    """Every ``role:permission`` pair that should hold; choices are set from the declarations."""

    grants = SelectMultipleField(_l("Grants"), choices=[], validate_choice=True)


def grant_key(role: str, permission: str) -> str:
    """The value of one checkbox of the permission matrix."""
    return f"{role}:{permission}"


class LenientDateField(DateField):
    """A date typed as ``2025-03-31`` (what date pickers send) or ``31/03/2025``.

    The error says which form is expected, in the person's language.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for pattern in self.format:
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Enter a date such as 2025-03-31 or 31/03/2025."))


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(
        _l("Who"), description=_l("Part of a name or e-mail address."),
        validators=[Optional(), Length(max=200)],
    )
    action = SelectField(_l("Action"), choices=[], validators=[Optional()], validate_choice=False)
    date_from = LenientDateField(_l("From"), validators=[Optional()])
    date_to = LenientDateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field: Field) -> None:
        start: date | None = self.date_from.data
        if start and field.data and field.data < start:
            raise ValidationError(_l("The end date is before the start date."))


class AccountSearchForm(FlaskForm):
    """Search of the account list, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail address"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[], validators=[Optional()], validate_choice=False)


class TaxonomyForm(FlaskForm):
    """A neighbourhood or a category."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(REQUIRED),
                    Length(max=120, message=_l("At most %(max)d characters."))],
    )
    slug = StringField(
        _l("Short name for web addresses"),
        description=_l("Lower-case letters, digits and hyphens, such as “old-town”. "
                       "Left empty, it is made from the name."),
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    position = IntegerField(
        _l("Position in lists"),
        description=_l("Lists are sorted by this number, then by name."),
        default=0,
        validators=[Optional(),
                    NumberRange(min=0, max=10000, message=_l("Enter a number from 0 to 10000."))],
    )

    def validate_slug(self, field: Field) -> None:
        if field.data and not SLUG_PATTERN.match(field.data.strip()):
            raise ValidationError(
                _l("Use only lower-case letters without accents, digits and single hyphens.")
            )


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: the confirmation of a deletion."""


# --- Settings ---------------------------------------------------------------------------------


def setting_field_name(spec: SettingSpec) -> str:
    """The form field of a setting (prefixed: a setting may be named like a form's attribute)."""
    return f"setting_{spec.name}"


def setting_field(spec: SettingSpec, value: Any) -> Field:
    """The form field for one declared setting, holding ``value`` until the form is sent."""
    label, help_text = spec.label, spec.help or ""
    if spec.type == "bool":
        return BooleanField(label, description=help_text, default=bool(value))
    if spec.type == "int":
        return IntegerField(
            label,
            description=help_text,
            default=value,
            validators=[InputRequired(_l("Enter a whole number.")), _int_range(spec)],
            render_kw={key: bound for key, bound in (("min", spec.minimum), ("max", spec.maximum))
                       if bound is not None},
        )
    if spec.type == "choice":
        return SelectField(
            label,
            description=help_text,
            default=value,
            choices=[(str(choice), choice_label) for choice, choice_label in spec.choices],
            validators=[InputRequired(REQUIRED)],
        )
    if spec.type == "text":
        return TextAreaField(
            label, description=help_text, default=value or "",
            validators=[Length(max=20000, message=_l("At most %(max)d characters."))],
        )
    return StringField(label, description=help_text, default=value or "",
                       validators=[Length(max=2000, message=_l("At most %(max)d characters."))])


def _int_range(spec: SettingSpec) -> NumberRange:
    """The bounds of an integer setting, with a message that states them."""
    if spec.minimum is not None and spec.maximum is not None:
        message = _l("Enter a number from %(min)s to %(max)s.")
    elif spec.minimum is not None:
        message = _l("Enter a number of at least %(min)s.")
    elif spec.maximum is not None:
        message = _l("Enter a number of at most %(max)s.")
    else:
        message = None
    return NumberRange(min=spec.minimum, max=spec.maximum, message=message)


def settings_form(
    plugin: str, specs: list[SettingSpec], values: dict[str, Any], bound: bool
) -> FlaskForm:
    """A form for the editable ``specs`` of ``plugin``, filled with ``values`` (by name).

    Its fields are named ``<plugin>-setting_<name>``, so that several plugins' forms share a page.
    When ``bound``, the form reads what was sent; otherwise it shows the current values.
    """

    class SettingsForm(FlaskForm):
        pass

    for spec in specs:
        setattr(SettingsForm, setting_field_name(spec), setting_field(spec, values.get(spec.name)))
    return SettingsForm(prefix=plugin) if bound else SettingsForm(formdata=None, prefix=plugin)


def submitted_value(spec: SettingSpec, form: FlaskForm) -> Any:
    """The value an admin entered for ``spec``, in the setting's type."""
    data = form[setting_field_name(spec)].data
    if spec.type == "bool":
        return bool(data)
    if spec.type == "int":
        return int(data)
    if spec.type in {"str", "choice"}:
        return (data or "").strip()
    return (data or "").replace("\r\n", "\n")
