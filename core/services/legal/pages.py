"""The legal and help pages: which exist, what they say, and what the plugins keep.

Each page has a default text per language (``legal/defaults/<slug>.html``, written from the
site's settings: who publishes it, who hosts it, how to reach the city) that an admin may
replace, language by language, with their own (Markdown, :class:`LegalText`). The privacy
policy always ends with the table of what every enabled plugin keeps about people and for how
long, from the plugins' ``personal_data`` declarations; the accessibility statement starts with
the conformity status set in the settings, which the footer also shows, as the law requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import db
from core.plugins import collect
from core.settings import get_setting

from .models import LegalText

SERVICE = "core.services.legal"


@dataclass(frozen=True)
class LegalPage:
    """One of the pages: its address (``slug``), its title, and its footer's order."""

    slug: str
    title: Any
    order: int


PAGES = (
    LegalPage("notice", _l("Legal notice"), 10),
    LegalPage("privacy", _l("Personal data"), 20),
    LegalPage("accessibility", _l("Accessibility"), 30),
    LegalPage("terms", _l("Terms of use"), 40),
    LegalPage("contact", _l("Contact"), 50),
)

ACCESSIBILITY_STATUSES = (
    ("none", _l("not compliant")),
    ("partial", _l("partially compliant")),
    ("full", _l("fully compliant")),
)


def page(slug: str) -> LegalPage | None:
    return next((p for p in PAGES if p.slug == slug), None)


def setting(name: str) -> Any:
    return get_setting(SERVICE, name)


def publisher() -> str:
    """Who publishes the site: the setting, else the city."""
    return setting("publisher") or str(_l("City of %(city)s", city=current_app.config["CITY_NAME"]))


def written_text(slug: str, locale: str | None = None) -> LegalText | None:
    """The admin's text of page ``slug`` in ``locale`` (default: the reader's), if any."""
    locale = locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return db.session.scalar(select(LegalText).where(LegalText.slug == slug,
                                                     LegalText.locale == locale))


def accessibility_status() -> str:
    """The conformity status, in words (``partiellement conforme``)."""
    chosen = setting("accessibility_status")
    return str(dict(ACCESSIBILITY_STATUSES).get(chosen, ACCESSIBILITY_STATUSES[0][1]))


def personal_data() -> list:
    """What every enabled plugin keeps about people (:class:`core.declarations.PersonalData`),
    in order."""
    return sorted(collect("personal_data"), key=lambda kept: (kept.order, str(kept.what)))
