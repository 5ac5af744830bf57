"""Finding, choosing and calling plugins.

Plugins are found through the ``civique.plugins`` entry-point group: the entry point's name is
the plugin's name, its value a module (or object) carrying ``@hookimpl`` functions. Built-in
plugins are registered by Civique's own distribution in the same group; third-party packages
add theirs. Configuration decides which are enabled (``CIVIQUE_PLUGINS``) and, when two
packages provide a plugin of the same name, which one runs (``CIVIQUE_PLUGIN_PROVIDERS``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Iterator

import pluggy
from flask import current_app

from . import hookspecs
from .config import ConfigurationError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "civique.plugins"
BUILTIN_DISTRIBUTION = "civique"

# Parts of the core written as plugins: always registered, never listed in CIVIQUE_PLUGINS.
CORE_PLUGINS = (
    "core.permissions",
    "core.accounts",
    "core.admin",
    # The participation services (each may implement hooks: permissions, reactions, GDPR...).
    "core.workflows",
    "core.answers",
    "core.comments",
    "core.supports",
    "core.follows",
    "core.notifications",
    "core.moderation",
    "core.search",
    "core.attachments",
    "core.bodies",
    "core.opendata",
    "core.stats",
    "core.jobs",
)

CORE_SERVICE_MODULES = tuple(name for name in CORE_PLUGINS if name not in ("core.accounts", "core.admin"))


@dataclass(frozen=True)
class Candidate:
    """An installed plugin: one entry point of the ``civique.plugins`` group."""

    name: str
    distribution: str
    version: str
    entry_point: metadata.EntryPoint | None = None
    obj: Any = None

    @property
    def builtin(self) -> bool:
        return self.distribution == BUILTIN_DISTRIBUTION

    def load(self) -> Any:
        return self.obj if self.obj is not None else self.entry_point.load()


@dataclass(frozen=True)
class EnabledPlugin:
    """A plugin chosen to run: its candidate and the loaded module or object."""

    candidate: Candidate
    obj: Any

    @property
    def name(self) -> str:
        return self.candidate.name


def discover() -> dict[str, list[Candidate]]:
    """Every plugin installed, by name (several candidates when packages compete for a name)."""
    found: dict[str, list[Candidate]] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        candidate = Candidate(
            name=ep.name,
            distribution=dist.name if dist else "?",
            version=dist.version if dist else "?",
            entry_point=ep,
        )
        bucket = found.setdefault(ep.name, [])
        if all(c.distribution != candidate.distribution for c in bucket):
            bucket.append(candidate)
    return found


def choose(
    installed: dict[str, list[Candidate]],
    enabled: list[str] | None,
    providers: dict[str, str],
) -> list[Candidate]:
    """Pick the candidate of each enabled plugin, or say clearly why configuration cannot work."""
    if enabled is None:
        enabled = sorted(
            name for name, cands in installed.items() if any(c.builtin for c in cands)
        )
    chosen = []
    for name in enabled:
        candidates = installed.get(name, [])
        if not candidates:
            known = ", ".join(sorted(installed)) or "none"
            raise ConfigurationError(
                f"CIVIQUE_PLUGINS enables '{name}', but no installed package provides it "
                f"(installed plugins: {known})."
            )
        wanted = providers.get(name)
        if wanted:
            matches = [c for c in candidates if _same_dist(c.distribution, wanted)]
            if not matches:
                offered = ", ".join(c.distribution for c in candidates)
                raise ConfigurationError(
                    f"CIVIQUE_PLUGIN_PROVIDERS asks for plugin '{name}' from '{wanted}', "
                    f"but it is provided by: {offered}."
                )
            chosen.append(matches[0])
            continue
        builtin = [c for c in candidates if c.builtin]
        if builtin:
            if len(candidates) > 1:
                log.info(
                    "Plugin '%s' is also provided by %s; the built-in one runs "
                    "(choose with CIVIQUE_PLUGIN_PROVIDERS).",
                    name,
                    ", ".join(c.distribution for c in candidates if not c.builtin),
                )
            chosen.append(builtin[0])
        elif len(candidates) == 1:
            chosen.append(candidates[0])
        else:
            offered = ", ".join(c.distribution for c in candidates)
            raise ConfigurationError(
                f"Several packages provide plugin '{name}' ({offered}); choose one with "
                f"CIVIQUE_PLUGIN_PROVIDERS={name}=<package>."
            )
    return chosen


def _same_dist(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return s.lower().replace("_", "-").replace(".", "-")

    return norm(a) == norm(b)


class PluginManager:
    """The app's pluggy manager and what it knows of each plugin."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("civique")
        self.pm.add_hookspecs(hookspecs)
        self.enabled: list[EnabledPlugin] = []
        self.installed: dict[str, list[Candidate]] = {}

    @property
    def hook(self):
        return self.pm.hook

    def load(self, app) -> None:
        """Register the core's own plugins, then the enabled ones."""
        import importlib

        for module_name in CORE_PLUGINS:
            self.pm.register(importlib.import_module(module_name), name=module_name)
        self.installed = discover()
        for name, obj in (app.config.get("EXTRA_PLUGINS") or {}).items():
            # Plugins handed over directly (tests, embedding): treated as installed.
            self.installed.setdefault(name, []).insert(
                0, Candidate(name=name, distribution="(configuration)", version="", obj=obj)
            )
        enabled_names = app.config["PLUGINS"]
        if enabled_names is None and app.config.get("EXTRA_PLUGINS"):
            enabled_names = sorted(
                {n for n, cs in self.installed.items() if any(c.builtin for c in cs)}
                | set(app.config["EXTRA_PLUGINS"])
            )
        for candidate in choose(self.installed, enabled_names, app.config["PLUGIN_PROVIDERS"]):
            obj = candidate.load()
            self.pm.register(obj, name=candidate.name)
            self.enabled.append(EnabledPlugin(candidate, obj))

    def is_enabled(self, name: str) -> bool:
        return any(p.name == name for p in self.enabled)

    def each(self, hook_name: str, **kwargs) -> Iterator[tuple[str, Any]]:
        """Call one hook on every plugin, yielding ``(plugin name, result)`` for non-None ones.

        Use it when the caller must know which plugin gave what (CLI groups, data exports).
        """
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            result = impl.function(*[kwargs[arg] for arg in impl.argnames])
            if result is not None:
                yield impl.plugin_name, result


def manager() -> PluginManager:
    """The plugin manager of the current app."""
    return current_app.extensions["civique.plugins"]


def hook():
    """Shortcut: ``hook().register_roles()`` calls the hook on the current app's plugins."""
    return manager().hook


def collect(hook_name: str, **kwargs) -> list:
    """Call a hook whose implementations return lists, and flatten the results."""
    items: list = []
    for result in getattr(manager().hook, hook_name)(**kwargs):
        if result:
            items.extend(result)
    return items
