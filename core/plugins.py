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
import importlib
import importlib.util
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import pluggy
from flask import current_app

from . import hookspecs
from .config import ConfigurationError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "civique.plugins"
BUILTIN_DISTRIBUTION = "civique"
# The "distribution" of a plugin handed over in the app's configuration (``EXTRA_PLUGINS``).
CONFIGURATION = "(configuration)"

# The core services (core/services/<name>/), in the order their hooks are registered.
SERVICES = (
    "answers", "attachments", "audit", "bodies", "comments", "follows", "moderation",
    "legal", "maps", "notifications", "opendata", "search", "stats", "supports",
)

# Parts of the core written as plugins: always registered, never listed in CIVIQUE_PLUGINS.
CORE_PLUGINS = (
    "core.permissions",
    "core.accounts",
    "core.admin",
    "core.workflows",
    *(f"core.services.{name}" for name in SERVICES),
)

# The rooms of a plugin package whose ``@hookimpl`` functions the core registers itself, as part
# of the plugin, when the module exists: personal data, open data and statistics (``data.py``),
# the demo city's content (``demo.py``) and command-line commands (``cli.py``).
HOOK_ROOMS = ("data", "demo", "cli")
# The folders a plugin package ships, found next to its ``__init__.py`` (unless the plugin
# implements the ``migration_dirs`` or ``translation_dirs`` hook, which then says where they are).
MIGRATIONS_FOLDER = Path("migrations") / "versions"
TRANSLATIONS_FOLDER = Path("translations")


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
        handed_over = [c for c in candidates if c.distribution == CONFIGURATION]
        builtin = [c for c in candidates if c.builtin]
        if handed_over:  # the app's creator handed it over itself (tests, embedding)
            chosen.append(handed_over[0])
        elif builtin:
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
    """The app's pluggy manager, and the plugins registered on it.

    A *plugin* is a name and what is registered under it: the module or object its entry point
    gives and, for a package, its hook rooms (:data:`HOOK_ROOMS`). Hooks are always called
    through pluggy; :meth:`callers` gives one plugin's part of a hook, so that the core can tell
    which plugin gave what, or keep one plugin's failure from silencing the others.
    """

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("civique")
        self.pm.add_hookspecs(hookspecs)
        self.enabled: list[EnabledPlugin] = []
        self.installed: dict[str, list[Candidate]] = {}
        # Plugin name -> the objects registered for it (its module first, then its rooms).
        self.members: dict[str, list[Any]] = {}
        self._callers: dict[tuple[str, str], Any] = {}

    @property
    def hook(self):
        return self.pm.hook

    def load(self, app) -> None:
        """Register the core's own plugins, then the enabled ones."""
        for module_name in CORE_PLUGINS:
            self.register(module_name, importlib.import_module(module_name))
        self.installed = discover()
        for name, obj in (app.config.get("EXTRA_PLUGINS") or {}).items():
            # Plugins handed over directly (tests, embedding): treated as installed.
            self.installed.setdefault(name, []).insert(
                0, Candidate(name=name, distribution=CONFIGURATION, version="", obj=obj)
            )
        enabled_names = app.config["PLUGINS"]
        if enabled_names is None and app.config.get("EXTRA_PLUGINS"):
            enabled_names = sorted(
                {n for n, cs in self.installed.items() if any(c.builtin for c in cs)}
                | set(app.config["EXTRA_PLUGINS"])
            )
        for candidate in choose(self.installed, enabled_names, app.config["PLUGIN_PROVIDERS"]):
            obj = candidate.load()
            self.register(candidate.name, obj)
            self.enabled.append(EnabledPlugin(candidate, obj))

    def register(self, name: str, obj: Any) -> None:
        """Register plugin ``name``: ``obj`` and, if it is a package, its hook rooms."""
        self.pm.register(obj, name=name)
        self.members[name] = [obj]
        for room in HOOK_ROOMS if _package_folder(obj) else ():
            module_name = f"{obj.__name__}.{room}"
            if importlib.util.find_spec(module_name) is not None:
                module = importlib.import_module(module_name)
                self.pm.register(module, name=f"{name}.{room}")
                self.members[name].append(module)

    def is_enabled(self, name: str) -> bool:
        return any(p.name == name for p in self.enabled)

    def callers(self, hook_name: str) -> Iterator[tuple[str, Any]]:
        """``(plugin name, hook caller)`` for each plugin implementing ``hook_name``, in the order
        they were registered; each caller calls that plugin's implementations only."""
        for name, members in self.members.items():
            key = (hook_name, name)
            if key not in self._callers:
                others = [p for p in self.pm.get_plugins() if not any(p is m for m in members)]
                self._callers[key] = self.pm.subset_hook_caller(hook_name, others)
            if self._callers[key].get_hookimpls():
                yield name, self._callers[key]

    def each(self, hook_name: str, **kwargs) -> Iterator[tuple[str, Any]]:
        """Call one hook, yielding ``(plugin name, result)`` for each result that is not None.

        Use it when the caller must know which plugin gave what (CLI groups, data exports).
        """
        for name, caller in self.callers(hook_name):
            for result in caller(**kwargs):
                yield name, result

    def migration_dirs(self) -> list[str]:
        """Every plugin's migration folders: what its ``migration_dirs`` hook returns, else its
        package's ``migrations/versions`` folder when there is one."""
        return self._folders("migration_dirs", MIGRATIONS_FOLDER)

    def translation_dirs(self) -> list[str]:
        """Every plugin's catalog folders: its ``translation_dirs`` hook, else its package's
        ``translations`` folder when there is one."""
        return self._folders("translation_dirs", TRANSLATIONS_FOLDER)

    def _folders(self, hook_name: str, conventional: Path) -> list[str]:
        declared = {}
        for name, caller in self.callers(hook_name):
            declared[name] = [str(folder) for result in caller() for folder in result or []]
        folders = []
        for name, members in self.members.items():
            if name in declared:
                folders.extend(declared[name])
                continue
            package = _package_folder(members[0])
            if package is not None and (package / conventional).is_dir():
                folders.append(str(package / conventional))
        return folders


def _package_folder(obj: Any) -> Path | None:
    """The folder of ``obj`` when it is a package (a plugin with rooms), else ``None``."""
    if not hasattr(obj, "__path__") or not getattr(obj, "__file__", None):
        return None
    return Path(obj.__file__).resolve().parent


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
