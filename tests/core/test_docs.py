"""The hook contract is the API (house rule 4): every hook is documented, here and in the guide."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from core import declarations, hookspecs

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hookspec_functions() -> dict[str, object]:
    """Every function of core.hookspecs marked with the ``civique`` HookspecMarker."""
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return {
        name: function
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    }


HOOKS = hookspec_functions()


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    """The text of the ``## title`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/plugins.md has no '## {title}' section"
    return match.group(1)


def headings(text: str, level: int = 3) -> list[str]:
    return re.findall(rf"^{'#' * level} (\S+)\s*$", text, re.M)


def test_the_hook_contract_is_found():
    # A safeguard for the tests below: they must see the hooks the core calls.
    assert {"register_blueprints", "nav_items", "migration_dirs", "translation_dirs"} <= set(HOOKS)


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_docstring_saying_when_it_is_called(name):
    docstring = inspect.getdoc(HOOKS[name])
    assert docstring and docstring.strip(), f"hookspec {name} has no docstring"
    assert "called" in docstring.lower(), f"hookspec {name}: say when the core calls it"


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_section_in_the_plugin_authors_guide(name):
    assert name in headings(guide()), f"docs/plugins.md has no '### {name}' section"


def test_the_hook_reference_documents_no_hook_that_does_not_exist():
    documented = headings(section(guide(), "Hook reference"))
    unknown = sorted(set(documented) - set(HOOKS))
    assert not unknown, f"docs/plugins.md documents hooks that core.hookspecs lacks: {unknown}"
    assert len(documented) == len(set(documented)), "a hook is documented twice"


def test_each_hook_section_says_when_it_is_called_and_shows_an_example():
    reference = section(guide(), "Hook reference")
    parts = re.split(r"^### (\S+)\s*$", reference, flags=re.M)[1:]
    for name, body in zip(parts[::2], parts[1::2]):
        assert "**When**" in body, f"'### {name}' does not say when it is called"
        assert "**Returns**" in body, f"'### {name}' does not say what it returns"
        assert "```python" in body, f"'### {name}' has no example"
        assert f"def {name}(" in body, f"'### {name}': the example does not implement the hook"


def test_every_declaration_is_documented():
    classes = [
        name for name, obj in inspect.getmembers(declarations, inspect.isclass)
        if dataclasses.is_dataclass(obj) and obj.__module__ == declarations.__name__
    ]
    assert classes
    documented = headings(section(guide(), "Declarations"))
    missing = sorted(set(classes) - set(documented))
    assert not missing, f"docs/plugins.md does not document the declarations {missing}"


def test_the_python_examples_of_the_guide_are_valid_python():
    blocks = re.findall(r"```python\n(.*?)```", guide(), re.S)
    assert len(blocks) >= len(HOOKS)
    for number, block in enumerate(blocks, start=1):
        try:
            ast.parse(block)
        except SyntaxError as error:
            pytest.fail(f"python example #{number} of docs/plugins.md: {error}\n{block}")


def test_the_guide_names_the_entry_point_group_the_core_reads():
    from core.plugins import ENTRY_POINT_GROUP

    text = guide()
    assert f"`{ENTRY_POINT_GROUP}`" in text
    assert f'[project.entry-points."{ENTRY_POINT_GROUP}"]' in text
    for key in ("CIVIQUE_PLUGINS", "CIVIQUE_PLUGIN_PROVIDERS", "flask --app core scaffold"):
        assert key in text
