"""The small value objects that plugins return from their hooks.

Each is a frozen dataclass: a plugin builds them, the core reads them. They are documented in
``docs/plugins.md`` next to the hooks that return them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from markupsafe import Markup


@dataclass(frozen=True)
class NavItem:
    """An entry of the site's main navigation.

    ``label`` is a lazy-translated string, ``endpoint`` a Flask endpoint; ``order`` sorts entries
    (lower first); ``permission``, when set, hides the entry from people who lack it; ``icon``
    names an icon of the core's set (``core/static/icons.svg``) shown before the label;
    ``description``, a short sentence, goes under it where the home page lists the site's parts.
    """

    label: Any
    endpoint: str
    order: int = 100
    permission: str | None = None
    icon: str = ""
    description: Any = ""


@dataclass(frozen=True)
class FooterLink:
    """A link of the site's footer: ``group`` is ``"about"`` (the legal and help pages: legal
    notice, personal data, accessibility, contact...) or ``"explore"`` (the site's other ways in);
    ``label`` may be a function called when the footer is drawn (a status that admins change);
    ``values`` are the endpoint's arguments (``{"slug": "privacy"}``)."""

    label: Any
    endpoint: str
    group: str = "about"
    order: int = 100
    values: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class PersonalData:
    """Something a plugin keeps about people, for the site's privacy policy: ``what`` (the
    data), ``why`` (what it is for) and ``kept`` (for how long). Each may be a lazy string, or
    a function called when the policy is read (a duration that is a setting)."""

    what: Any
    why: Any
    kept: Any
    order: int = 100

    def read(self, name: str) -> str:
        value = getattr(self, name)
        return str(value() if callable(value) else value)


@dataclass(frozen=True)
class RoleSpec:
    """A role people can be given, such as ``conciliator`` or ``commission_member``."""

    name: str
    label: Any
    description: Any = ""


@dataclass(frozen=True)
class PermissionSpec:
    """A permission and the roles that hold it unless an admin changes the grants."""

    name: str
    label: Any
    default_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdminPage:
    """A page listed on the administration home, shown to people holding ``permission``."""

    label: Any
    endpoint: str
    permission: str
    description: Any = ""
    order: int = 100


@dataclass(frozen=True)
class SettingSpec:
    """A setting of a plugin that staff can change from the administration pages.

    ``type`` is one of ``str``, ``text`` (several lines, Markdown), ``int``, ``bool``, ``choice``.
    The value comes from the administration page when an admin saved one, else from the
    configuration key ``<PLUGIN>`` (a dict) or the variable ``CIVIQUE_<PLUGIN>__<NAME>``, else
    ``default``. ``minimum``/``maximum`` bound integers; ``choices`` is a list of
    ``(value, label)`` pairs.
    """

    name: str
    label: Any
    default: Any
    type: str = "str"
    help: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class HomeBlock:
    """A fragment of the home page: ``html`` is rendered by the plugin (usually with
    ``render_template``); ``order`` places it (lower first)."""

    html: Markup
    order: int = 100


@dataclass(frozen=True)
class Statistic:
    """A public figure, optionally with a series over time.

    ``series`` is a list of ``(label, value)`` pairs shown as a chart and a table; its labels are
    periods unless ``series_label`` names what they are (for example "Neighbourhood").
    """

    key: str
    label: Any
    value: int | float
    series: tuple[tuple[str, int | float], ...] = ()
    unit: str = ""
    series_label: Any = ""


@dataclass(frozen=True)
class Dataset:
    """A public open-data dataset.

    ``rows`` is a callable returning an iterable of dicts whose keys are ``columns``; it must
    never return personal data.
    """

    name: str
    title: Any
    description: Any
    columns: tuple[str, ...]
    rows: Callable[[], Any]
    licence: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SearchSource:
    """Records a plugin shows in public that are not content, for the site's search.

    ``name`` is unique (``"<plugin>.<kind>"``) and is the value of the model's class attribute
    ``search_source_name``; ``label`` and ``label_plural`` name the kind in the results and the
    search's filter. Callables receive a record: ``url`` (its page), ``title``, ``text`` (what
    is indexed besides the title), ``is_public`` (findable at all) and, optionally,
    ``neighbourhood_id`` (for the search's neighbourhood filter). A result is shown only when
    ``record.allows(user, "view")`` is true, if the model has ``allows``.
    """

    name: str
    label: Any
    label_plural: Any
    model: type
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    text: Callable[[Any], str]
    is_public: Callable[[Any], bool]
    neighbourhood_id: Callable[[Any], int | None] | None = None
