"""The idea box's tests: Civique's own fixtures (``core.testing``) with the plugin enabled.

``app_config`` enables ``idea_box`` next to whatever ``CIVIQUE_PLUGINS`` enables, so that the
tests also run inside a municipality's set of plugins. Helpers below create ideas in any state
and take the actions residents and staff take, through the real pages.
"""

from __future__ import annotations

import json
import os

import pytest

from core.config import as_list

PLUGIN = "idea_box"


def plugins_from_environment() -> list[str]:
    """The plugins named in ``CIVIQUE_PLUGINS`` (a comma-separated list or a JSON list)."""
    raw = os.environ.get("CIVIQUE_PLUGINS", "")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return as_list(value) or []


@pytest.fixture
def app_config() -> dict:
    import plugins.idea_box

    enabled = plugins_from_environment()
    if PLUGIN not in enabled:
        enabled.append(PLUGIN)
    # Handed over directly too, so the tests do not depend on the installed entry points.
    return {"PLUGINS": enabled, "EXTRA_PLUGINS": {PLUGIN: plugins.idea_box}}


@pytest.fixture
def places(app):
    """Two neighbourhoods and two themes."""
    from core.database import db
    from core.taxonomy import Category, Neighbourhood

    rows = {
        "rebberg": Neighbourhood(name="Rebberg", slug="rebberg", position=1),
        "dornach": Neighbourhood(name="Dornach", slug="dornach", position=2),
        "mobility": Category(name="Mobility", slug="mobility", position=1),
        "nature": Category(name="Nature in the city", slug="nature", position=2),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


@pytest.fixture
def make_idea(app, places):
    """Create an idea directly: ``make_idea(author, title="...", state="published", **fields)``."""
    from core.database import db, utcnow
    from plugins.idea_box.models import Idea

    def factory(author, title="Plant trees in Rebberg square",
                body="More shade in summer for the families who use the square.",
                state="published", neighbourhood="rebberg", **fields):
        fields.setdefault("published_at", utcnow() if state not in ("draft", "pending") else None)
        idea = Idea(title=title, body=body, author_id=author.id if author else None, state=state,
                    neighbourhood=places[neighbourhood] if neighbourhood else None, **fields)
        db.session.add(idea)
        db.session.commit()
        return idea

    return factory


@pytest.fixture
def set_setting(app):
    """Save a setting of the plugin as an admin would: ``set_setting("support_threshold", 3)``."""
    from core.database import db
    from core.settings import save_setting

    def setter(name, value):
        save_setting(PLUGIN, name, value)
        db.session.commit()

    return setter


@pytest.fixture
def support(client):
    """``support(idea)`` posts the core's support button for the signed-in person."""

    def do_support(idea, action="support"):
        return client.post(f"/content/idea_box.idea/{idea.id}/support", data={"action": action},
                           follow_redirects=True)

    return do_support


def euros_as_shown(amount: int, response) -> str:
    """``amount`` as Babel writes it in the language of the page ``response`` shows."""
    import re

    from babel.numbers import format_currency

    language = re.search(r'<html lang="([^"]+)"', response.text).group(1)
    return format_currency(amount, "EUR", locale=language)
