"""Plugin settings: declared by plugins, set by configuration, changed by admins.

A value is resolved in this order: what an admin saved on the settings page, then the
configuration (``app.config["<PLUGIN>"]["<NAME>"]`` from the instance file, or the environment
variable ``CIVIQUE_<PLUGIN>__<NAME>``), then the declared default.

What plugins declare is read once per app (it cannot change while the app runs). What admins
saved is read from the database once per request (one query of a few rows, about 0.1 ms), never
kept longer: a value an admin saves is seen at once by every instance, with no cache to invalidate.
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import current_app, g
from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .database import db
from .declarations import SettingSpec
from .pagecache import expire_visitor_pages, process_copy


class SettingValue(db.Model):
    """A setting saved by an admin (JSON-encoded value)."""

    __tablename__ = "setting_value"
    __table_args__ = (UniqueConstraint("plugin", "name", name="uq_setting_value_plugin_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)


def declared_settings() -> dict[str, list[SettingSpec]]:
    """Plugin name -> its declared settings, for the enabled plugins that declare some."""
    return {plugin: list(specs) for plugin, specs in _declarations()[0].items()}


def _declarations() -> tuple[dict[str, list[SettingSpec]], dict[tuple[str, str], SettingSpec]]:
    """The declared settings, by plugin and by (plugin, name): asked of the plugins once per app."""
    cached = current_app.extensions.get("civique.settings")
    if cached is None:
        from .plugins import manager

        by_plugin: dict[str, list[SettingSpec]] = {}
        for plugin, specs in manager().each("register_settings"):
            by_plugin.setdefault(plugin, []).extend(specs)
        by_name: dict[tuple[str, str], SettingSpec] = {}
        for plugin, specs in by_plugin.items():
            for spec in specs:
                by_name.setdefault((plugin, spec.name), spec)
        cached = current_app.extensions["civique.settings"] = (by_plugin, by_name)
    return cached


def find_spec(plugin: str, name: str) -> SettingSpec:
    spec = _declarations()[1].get((plugin, name))
    if spec is None:
        raise KeyError(f"Plugin '{plugin}' declares no setting '{name}'.")
    return spec


def coerce(spec: SettingSpec, raw: Any) -> Any:
    """Turn a configured value (often a string from the environment) into the setting's type."""
    if spec.type == "int":
        return int(raw)
    if spec.type == "bool":
        if isinstance(raw, str):
            return raw.strip().lower() in {"1", "true", "yes", "on", "oui"}
        return bool(raw)
    return raw if raw is None else str(raw)


def configured_value(spec: SettingSpec, plugin: str) -> Any:
    section = current_app.config.get(plugin.upper())
    if isinstance(section, dict) and spec.name.upper() in section:
        return coerce(spec, section[spec.name.upper()])
    env = os.environ.get(f"CIVIQUE_{plugin.upper()}__{spec.name.upper()}")
    if env is not None:
        try:
            return coerce(spec, json.loads(env) if spec.type in {"int", "bool"} else env)
        except ValueError:
            return coerce(spec, env)
    return spec.default


def saved_values() -> dict[tuple[str, str], Any]:
    """The admins' saved values, once per request (kept by each process while the kept pages
    are: saving one expires them, :class:`core.pagecache.ProcessCopy`)."""
    cached = g.get("_civique_settings")
    if cached is None:
        cached = dict(process_copy("setting_values", _load_saved_values).get())
        g._civique_settings = cached
    return cached


def _load_saved_values() -> dict[tuple[str, str], Any]:
    return {
        (row.plugin, row.name): json.loads(row.value)
        for row in db.session.scalars(db.select(SettingValue))
    }


def get_setting(plugin: str, name: str) -> Any:
    """The current value of a plugin's setting."""
    spec = find_spec(plugin, name)
    saved = saved_values()
    if (plugin, name) in saved:
        return saved[(plugin, name)]
    return configured_value(spec, plugin)


def save_setting(plugin: str, name: str, value: Any) -> None:
    """Store an admin's value (the caller audits and commits)."""
    find_spec(plugin, name)
    row = db.session.scalar(
        db.select(SettingValue).filter_by(plugin=plugin, name=name)
    ) or SettingValue(plugin=plugin, name=name)
    row.value = json.dumps(value)
    db.session.add(row)
    expire_visitor_pages()
    g.pop("_civique_settings", None)
    process_copy("setting_values", _load_saved_values).forget()
