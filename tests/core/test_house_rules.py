"""The rules of the house (docs/DESIGN.md): arrows point to the core; a plugin is removable.

Both are checked for whatever plugins exist: the import rules by reading every module's syntax
tree, the removal rule for every built-in plugin registered in the ``civique.plugins`` group.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from flask import Flask

from core.plugins import discover

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
PLUGINS = ROOT / "plugins"


# --- Arrows point to the core ---------------------------------------------------------------


def module_name(path: Path) -> str:
    """The dotted name of the module at ``path`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in the module at ``path``.

    Relative imports are resolved; ``importlib.import_module("...")`` and ``__import__("...")``
    with a literal name count too. ``source`` replaces the file's text (to test the checker).
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if source is None:
        source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # "from plugins import idea_box" imports the module plugins.idea_box.
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def plugin_of(module: str) -> str | None:
    """``idea_box`` for ``plugins.idea_box.views``; ``None`` for what is not a built-in plugin."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "plugins" else None


def test_the_core_never_imports_a_plugin():
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in python_files(CORE)
        for line, target in imported_modules(path)
        if target == "plugins" or target.startswith("plugins.")
    ]
    assert not offences, "The core must not import plugins:\n" + "\n".join(offences)


def test_no_plugin_imports_another_plugin():
    offences = []
    for path in python_files(PLUGINS):
        own = plugin_of(module_name(path))
        for line, target in imported_modules(path):
            other = plugin_of(target)
            if other is not None and other != own:
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not offences, (
        "A plugin must not import another plugin (use hooks or core events):\n"
        + "\n".join(offences)
    )


def test_the_import_check_sees_relative_and_dynamic_imports():
    """The checker itself: what it must catch, and what it must not mistake for a plugin."""
    source = (
        "from ..other_plugin import models\n"
        "from . import forms\n"
        "from plugins import third\n"
        "import importlib\n"
        "importlib.import_module('plugins.fourth.views')\n"
    )
    found = [t for _, t in imported_modules(PLUGINS / "a_plugin" / "views.py", source)]
    assert "plugins.other_plugin" in found
    assert "plugins.a_plugin.forms" in found
    assert "plugins.third" in found
    assert "plugins.fourth.views" in found
    in_core = imported_modules(CORE / "accounts" / "views.py", "from ..plugins import manager\n")
    assert in_core[0][1] == "core.plugins"
    assert plugin_of("core.plugins") is None and plugin_of("plugins.idea_box.views") == "idea_box"


# --- A plugin is removable ------------------------------------------------------------------


def builtin_plugins() -> dict[str, str]:
    """Built-in plugins: name -> module, from the ``civique.plugins`` entry points."""
    found = {}
    for name, candidates in discover().items():
        for candidate in candidates:
            module = candidate.entry_point.value.split(":")[0] if candidate.entry_point else ""
            if candidate.builtin and (module.startswith("plugins.") or module == "core.welcome"):
                found[name] = module
    return found


BUILTINS = builtin_plugins()


def url_prefixes(app: Flask, module: str) -> list[str]:
    """The URL prefixes of the blueprints that ``module`` (or its submodules) registered."""
    prefixes = set()
    for blueprint in app.blueprints.values():
        if blueprint.import_name == module or blueprint.import_name.startswith(module + "."):
            if blueprint.url_prefix and blueprint.url_prefix.strip("/"):
                prefixes.add(blueprint.url_prefix.rstrip("/"))
    return sorted(prefixes)


def plain_get_rules(app: Flask, prefix: str) -> list[str]:
    """The URLs without arguments under ``prefix`` that answer GET."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if (rule.rule == prefix or rule.rule.startswith(prefix + "/"))
        and not rule.arguments
        and "GET" in (rule.methods or ())
    )


@pytest.fixture
def app_config(plugin):
    """Every built-in plugin but ``plugin``."""
    return {"PLUGINS": [name for name in sorted(BUILTINS) if name != plugin]}


@pytest.fixture
def full_app(database_url, tmp_path, monkeypatch):
    """An app with every built-in plugin enabled (only its URL map is read).

    Created before ``app``, so that the tables of every plugin's models exist in its database.
    """
    from core import create_app
    from core.testing import DEFAULT_TEST_CONFIG

    instance = os.environ.get("CIVIQUE_INSTANCE_PATH", str(tmp_path.parent / "instance"))
    monkeypatch.setenv("CIVIQUE_INSTANCE_PATH", instance)
    return create_app({**DEFAULT_TEST_CONFIG, "DATABASE_URL": database_url,
                       "STORAGE_PATH": str(tmp_path / "storage"), "PLUGINS": sorted(BUILTINS)})


def test_welcome_is_among_the_built_in_plugins():
    assert BUILTINS.get("welcome") == "core.welcome"


@pytest.mark.parametrize("plugin", sorted(BUILTINS))
def test_a_built_in_plugin_can_be_removed_and_its_pages_are_gone(plugin, full_app, app, client):
    from core.plugins import manager

    assert plugin not in {p.name for p in manager().enabled}
    assert client.get("/").status_code == 200

    prefixes = url_prefixes(full_app, BUILTINS[plugin])
    for prefix in prefixes:
        enabled_urls = plain_get_rules(full_app, prefix)
        assert enabled_urls or any(
            r.rule.startswith(prefix + "/") for r in full_app.url_map.iter_rules()
        ), f"{plugin}: no page under {prefix} even when enabled"
        assert not plain_get_rules(app, prefix) and not any(
            r.rule.startswith(prefix + "/") for r in app.url_map.iter_rules()
        ), f"{plugin}: pages under {prefix} remain when it is removed"
        for url in {prefix + "/", *enabled_urls}:
            assert client.get(url).status_code == 404, f"{url} still answers without {plugin}"
    # Its navigation entries are gone too.
    if prefixes:
        home = client.get("/").text
        for prefix in prefixes:
            assert f'href="{prefix}/"' not in home and f'href="{prefix}"' not in home


# --- Every plugin has the same rooms ---------------------------------------------------------

# The files and folders every plugin folder holds (docs/plugins.md, "The rooms of a plugin").
ROOMS = ("__init__.py", "workflow.py", "models.py", "forms.py", "views.py", "staff.py", "cli.py",
         "data.py", "demo.py")


def missing_rooms(folder: Path) -> list[str]:
    """What ``folder`` (a plugin's package) lacks of the rooms every plugin has."""
    missing = [room for room in ROOMS if not (folder / room).is_file()]
    for room in (f"templates/{folder.name}", "migrations/versions", "translations"):
        if not (folder / room).is_dir():
            missing.append(room + "/")
    if (folder / "templates" / "mail").exists():
        missing.append(f"templates/{folder.name}/mail/ (mail templates under the plugin's name)")
    return missing


def plugin_folders() -> list[Path]:
    return sorted(p for p in PLUGINS.iterdir() if (p / "__init__.py").is_file())


@pytest.mark.parametrize("folder", plugin_folders(), ids=lambda folder: folder.name)
def test_every_plugin_folder_has_the_same_rooms(folder):
    assert not missing_rooms(folder), f"plugins/{folder.name} lacks: {', '.join(missing_rooms(folder))}"


def test_the_rooms_check_sees_a_missing_room(tmp_path):
    folder = tmp_path / "bike_racks"
    for room in ROOMS:
        if room != "staff.py":
            (folder / room).parent.mkdir(parents=True, exist_ok=True)
            (folder / room).write_text("")
    for room in ("templates/bike_racks", "migrations/versions", "translations", "templates/mail"):
        (folder / room).mkdir(parents=True)
    assert missing_rooms(folder) == ["staff.py", "templates/bike_racks/mail/ (mail templates under "
                                                 "the plugin's name)"]


def imports_of_the_package_face(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """``(line, name)`` of what a plugin's room imports from its own ``__init__`` (``from . import
    X`` where ``X`` is no module of the package): rooms import from ``workflow.py`` and others."""
    source = path.read_text(encoding="utf-8") if source is None else source
    package = path.parent
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            for alias in node.names:
                if not ((package / f"{alias.name}.py").is_file() or (package / alias.name).is_dir()):
                    found.append((node.lineno, alias.name))
    return found


def test_no_room_of_a_plugin_imports_its_manifest():
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name} from the plugin's __init__.py"
        for folder in plugin_folders()
        for path in python_files(folder) if path.name != "__init__.py" and path.parent == folder
        for line, name in imports_of_the_package_face(path)
    ]
    assert not offences, "Rooms import what they share from workflow.py, never from __init__.py:\n" + \
        "\n".join(offences)
    example = PLUGINS / "idea_box" / "views.py"
    assert imports_of_the_package_face(example, "from . import WORKFLOW, rules\n") == [(1, "WORKFLOW")]


# --- One way for things to happen: no hidden listener ------------------------------------------

# SQLAlchemy session events, and Flask hooks that run on every request of the whole site.
SESSION_EVENTS = frozenset({
    "after_flush", "after_flush_postexec", "before_flush", "before_commit", "after_commit",
    "after_rollback", "after_soft_rollback", "after_begin", "after_transaction_create",
    "after_transaction_end", "after_attach", "before_attach", "after_bulk_update",
    "after_bulk_delete", "pending_to_persistent", "persistent_to_deleted", "do_orm_execute",
})
APP_WIDE_HOOKS = frozenset({
    "after_app_request", "before_app_request", "teardown_app_request", "app_context_processor",
    "before_request", "after_request", "teardown_request", "record_once",
})


def hidden_listeners(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """``(line, what)`` of every session listener and app-wide request hook a module registers:
    ``event.listen(..., "after_flush", ...)``, ``@event.listens_for(Session, "before_commit")``,
    ``@bp.after_app_request``, ``app.after_request(...)``, ``bp.record_once(...)``."""
    source = path.read_text(encoding="utf-8") if source is None else source
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, (ast.Call, ast.Attribute)):
            continue
        if isinstance(node, ast.Call):
            called = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if called in ("listen", "listens_for"):
                names = [a.value for a in node.args if isinstance(a, ast.Constant)]
                for name in names:
                    if name in SESSION_EVENTS:
                        found.append((node.lineno, f"a session listener ({name})"))
        elif node.attr in APP_WIDE_HOOKS:
            found.append((node.lineno, f"an app-wide hook ({node.attr})"))
    return found


def test_no_plugin_registers_a_session_listener_or_an_app_wide_request_hook():
    offences = [
        f"{path.relative_to(ROOT)}:{line} registers {what}"
        for path in python_files(PLUGINS) for line, what in hidden_listeners(path)
    ]
    assert not offences, ("Plugins react to events in their track_event hook, and give templates "
                          "their names through template_variables:\n" + "\n".join(offences))


def test_the_core_keeps_its_session_listeners_in_one_place():
    offences = [
        f"{path.relative_to(ROOT)}:{line} registers {what}"
        for path in python_files(CORE) if path != CORE / "events.py"
        for line, what in hidden_listeners(path) if what.startswith("a session listener")
    ]
    assert not offences, "The only session listeners are core/events.py's:\n" + "\n".join(offences)
    assert any(what.startswith("a session listener") for _, what in hidden_listeners(CORE / "events.py"))


def test_the_listener_check_sees_what_it_must():
    source = (
        "from sqlalchemy import event\n"
        "@event.listens_for(Session, 'after_flush')\n"
        "def noticed(session, context): pass\n"
        "event.listen(db.session, 'before_commit', noticed)\n"
        "event.listen(table, 'after_create', ddl)\n"
        "@bp.after_app_request\n"
        "def everywhere(response): return response\n"
        "bp.record_once(register)\n"
    )
    found = hidden_listeners(PLUGINS / "a_plugin" / "rules.py", source)
    assert [line for line, _ in found] == [2, 4, 6, 8]


def _templates():
    for top in ("core", "plugins"):
        yield from sorted((ROOT / top).rglob("*.html"))


def test_no_template_carries_an_inline_style_the_csp_would_block():
    """The Content-Security-Policy forbids inline styles: a ``style`` attribute or element in a
    template is drawn wrong in every browser (bars at full width, say)."""
    import re

    offending = [
        str(path.relative_to(ROOT)) for path in _templates()
        if re.search(r"<style\b|\sstyle=", path.read_text(encoding="utf-8"))
    ]
    assert not offending, f"inline styles: {offending}"


def test_every_table_can_scroll_sideways_on_a_phone():
    """A table wider than a 320 px screen scrolls inside its ``table-scroll`` wrapper, never the
    whole page (WCAG 1.4.10)."""
    unwrapped = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if text.count("<table") > text.count('class="table-scroll"'):
            unwrapped.append(str(path.relative_to(ROOT)))
    assert not unwrapped, f"tables outside a table-scroll wrapper: {unwrapped}"


# A tag, read to its ">" past the Jinja expressions and statements within it ("{{ a > b }}").
_IN_TAG = r"(?:[^>{]|\{\{(?:[^}]|\}(?!\}))*\}\}|\{%(?:[^%]|%(?!\}))*%\}|\{(?![{%]))"
SCROLL_WRAPPER = rf'<div\b{_IN_TAG}*?\sclass="table-scroll"{_IN_TAG}*>'


def unnamed_scroll_regions(text: str) -> list[tuple[int, str]]:
    """``(line, what is missing)`` of every ``table-scroll`` wrapper in a template's ``text`` that
    is not a named region reachable with the keyboard: ``role="region"``, ``tabindex="0"``, and
    an ``aria-labelledby`` (naming an ``id`` the template gives) or ``aria-label``."""
    import re

    found = []
    for match in re.finditer(SCROLL_WRAPPER, text, re.DOTALL):
        tag, line = match.group(0), text.count("\n", 0, match.start()) + 1
        missing = [attribute for attribute in ('role="region"', 'tabindex="0"')
                   if not re.search(rf"\s{attribute}", tag)]
        labelledby = re.search(r'\saria-labelledby="([^"]+)"', tag)
        if labelledby:
            if f'id="{labelledby.group(1)}"' not in text:
                missing.append(f'an element with id="{labelledby.group(1)}"')
        elif not re.search(r'\saria-label="[^"]+"', tag):
            missing.append("aria-labelledby or aria-label")
        if missing:
            found.append((line, ", ".join(missing)))
    return found


def test_every_table_scroll_wrapper_is_a_named_region():
    """A wrapper focusable to be scrolled with the keyboard is announced by screen readers: it is
    a region named by its table's caption or heading, not an anonymous focusable block
    (RGAA 4.1 criterion 7.1, WCAG 4.1.2)."""
    offences = [
        f"{path.relative_to(ROOT)}:{line} lacks {what}"
        for path in _templates()
        for line, what in unnamed_scroll_regions(path.read_text(encoding="utf-8"))
    ]
    assert not offences, "table-scroll wrappers that are not named regions:\n" + "\n".join(offences)


def test_the_scroll_region_check_sees_what_it_must():
    source = (
        '<div class="table-scroll" role="region" aria-labelledby="a-caption" tabindex="0">\n'
        '<table><caption id="a-caption">A</caption></table></div>\n'
        '<div class="table-scroll" tabindex="0">\n'
        '<div class="table-scroll" role="region" tabindex="0">\n'
        '<div class="table-scroll" role="region" aria-labelledby="nowhere" tabindex="0">\n'
        '<div class="table-scroll" role="region"\n'
        '     aria-label="{{ _(\'%(title)s\', title=x) if n > 1 }}">\n'
        '<div id="b" class="table-scroll" tabindex="0" role="region" aria-label="{{ title }}">\n'
    )
    assert [line for line, _ in unnamed_scroll_regions(source)] == [3, 4, 5, 6]
    found = dict(unnamed_scroll_regions(source))
    assert "role" in found[3] and "aria-labelledby or aria-label" in found[3]
    assert found[6] == 'tabindex="0"'
