"""Languages: choosing the locale, compiling catalogs, formatting for the locale.

French is the default. The locale comes from the person's choice (their account, or the language
switcher for visitors), then the browser's ``Accept-Language``, then the default.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
from .database import UNAVAILABLE_MARK
from flask_babel import format_currency, format_date, format_time, get_locale, gettext
from flask_login import current_user

log = logging.getLogger(__name__)

CORE_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "de": "Deutsch"}


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    languages = current_app.config["LANGUAGES"]
    if request and request.environ.get(UNAVAILABLE_MARK):
        # The database just failed this request: the account is not read again (its rows were
        # rolled back); the error page speaks the language of the visitor's choice or browser.
        return visitor_locale()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return visitor_locale()


def visitor_locale() -> str:
    """The language of someone not signed in: chosen in the switcher, else their browser's."""
    languages = current_app.config["LANGUAGES"]
    if request and session.get("lang") in languages:
        return session["lang"]
    if request:
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(source_dirs: list[str], target_root: str) -> list[str]:
    """Compile each folder's ``.po`` files into ``target_root/<n>/`` when missing or stale.

    Returns the compiled folders, in the order given (Flask-Babel merges them). Compiled
    catalogs are build output: they are never committed.
    """
    compiled = []
    for source in source_dirs:
        source_path = Path(source)
        if not source_path.is_dir():
            log.warning("Translation folder %s does not exist", source)
            continue
        # One folder per source folder, whatever the order or set of enabled plugins.
        key = hashlib.sha256(str(source_path.resolve()).encode()).hexdigest()[:16]
        target = Path(target_root) / key
        for po_path in source_path.glob("*/LC_MESSAGES/*.po"):
            mo_path = target / po_path.relative_to(source_path).with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            temporary = mo_path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            os.replace(temporary, mo_path)
        compiled.append(str(target))
    return compiled


def euros(amount) -> str:
    """An amount in euros for the current locale (``1 234,50 €`` in French)."""
    if amount is None:
        return ""
    return format_currency(amount, "EUR")


_FIRST_OF_THE_MONTH = re.compile(r"(?<!\d)1 (?=[^\W\d])")


def coordinate(value) -> str:
    """A latitude or a longitude in the reader's language (47,74667 in French)."""
    from flask_babel import format_decimal

    return format_decimal(value, format="#0.#####")


def date_text(value, style: str = "medium") -> str:
    """A date in the reader's language (Babel), the French way for the first of a month:
    ``1er mars 2030``, not ``1 mars 2030``."""
    if value is None:
        return ""
    written = format_date(value, style)
    if getattr(value, "day", None) == 1 and str(get_locale() or "").startswith("fr"):
        written = _FIRST_OF_THE_MONTH.sub("1er ", written, count=1)
    return written


def moment(value, style: str = "long") -> str:
    """A date and time as people write it, in the reader's language and the city's time zone,
    to the minute: ``mardi 4 août 2026 à 18:30`` (``long``, for a page about one thing) or
    ``4 août 2026 à 18:30`` (``short``, for lists and tables). Never seconds nor a zone name."""
    if value is None:
        return ""
    day = date_text(value, "full" if style == "long" else "medium")
    return gettext("%(date)s at %(time)s", date=day, time=format_time(value, "short"))


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
