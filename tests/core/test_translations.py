"""Every user-facing string is translated: French (default), English and German are complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("fr", "en", "de")


def catalog(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """The messages of the source code and templates, extracted now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "--no-location",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entry(locale):
    problems = []
    for message in catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert not problems, f"{locale}: {len(problems)} entries to translate:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_of_the_source_is_in_the_catalog(locale, source_messages):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale) if m.id}
    missing = sorted(source_messages - known)
    assert not missing, (
        f"{locale}: {len(missing)} strings are not in the catalog; run `make translations` and "
        "translate them:\n" + "\n".join(missing[:50])
    )


def test_placeholders_are_kept_in_translations():
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    problems = []
    for locale in LOCALES:
        for message in catalog(locale):
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = set(placeholder.findall(ids[-1]))
            for string in strings:
                if string and set(placeholder.findall(string)) - expected:
                    problems.append(f"{locale}: {message.id!r} -> {string!r}")
    assert not problems, "\n".join(problems)
