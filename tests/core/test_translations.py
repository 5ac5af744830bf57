"""Every user-facing string is translated: French (default), English and German are complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("fr", "en", "de")
PLUGINS = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py"))
# (catalog folder, folder the strings are extracted from, extraction mapping)
CATALOGS = {"core": (ROOT / "translations", ROOT, ROOT / "babel.cfg")} | {
    name: (ROOT / "plugins" / name / "translations", ROOT / "plugins" / name, ROOT / "babel-plugin.cfg")
    for name in PLUGINS
}


def catalog(name, locale):
    folder = CATALOGS[name][0]
    with open(folder / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """The messages of each catalog's source code and templates, extracted now."""
    messages = {}
    for name, (_folder, source, mapping) in CATALOGS.items():
        pot = tmp_path_factory.mktemp("pot") / "messages.pot"
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(mapping),
             "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "lazy_pgettext:1c,2", "--no-location",
             "-o", str(pot), "."],
            cwd=source, check=True, capture_output=True,
        )
        with open(pot, "rb") as handle:
            messages[name] = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    return messages


@pytest.mark.parametrize("name", CATALOGS)
@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entry(name, locale):
    problems = []
    for message in catalog(name, locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert not problems, f"{name}/{locale}: {len(problems)} entries to translate:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("name", CATALOGS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_of_the_source_is_in_the_catalog(name, locale, source_messages):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(name, locale) if m.id}
    missing = sorted(source_messages[name] - known)
    assert not missing, (
        f"{name}/{locale}: {len(missing)} strings are not in the catalog; run `make translations` "
        "and translate them:\n" + "\n".join(missing[:50])
    )


def test_placeholders_are_kept_in_translations():
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    problems = []
    for name in CATALOGS:
        for locale in LOCALES:
            for message in catalog(name, locale):
                if not message.id or not message.string:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                expected = set(placeholder.findall(ids[-1]))
                for string in strings:
                    if string and set(placeholder.findall(string)) - expected:
                        problems.append(f"{name}/{locale}: {message.id!r} -> {string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ("fr", "de"))
def test_no_two_catalogs_translate_one_string_differently(locale):
    """The catalogs are merged into one: a string two of them translate differently is shown in
    one's words on the other's pages ("Accepté" beside "Réalisée" for an idea). Give a string
    whose translation depends on what it speaks of a context (``pgettext("idea", "Accepted")``),
    and say the same thing the same way elsewhere."""
    translations: dict = {}
    for name in CATALOGS:
        for message in catalog(name, locale):
            if message.id and message.string:
                key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                translations.setdefault(key, {})[name] = message.string
    clashes = [
        f"{key[1]!r}{' (context ' + key[0] + ')' if key[0] else ''}: " + "; ".join(f"{n}: {s!r}" for n, s in by.items())
        for key, by in translations.items() if len({str(s) for s in by.values()}) > 1
    ]
    assert not clashes, f"{locale}: {len(clashes)} strings translated differently:\n" + "\n".join(clashes)
