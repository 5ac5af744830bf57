"""The idea box's tests: Civique's own fixtures (``core.testing``) with the plugin enabled.

``app_config`` enables ``idea_box`` next to whatever ``CIVIQUE_PLUGINS`` enables
(``core.testing.enable_plugin``), so that the tests also run inside a municipality's set of
plugins. Helpers below create ideas in any state
and take the actions residents and staff take, through the real pages.
"""

from __future__ import annotations

import pytest

import plugins.idea_box
from core.testing import add_places, enable_plugin, setting_fixture

PLUGIN = "idea_box"

app_config = enable_plugin(PLUGIN, plugins.idea_box)


@pytest.fixture
def places(app):
    """Two neighbourhoods and two themes."""
    return add_places({"rebberg": "Rebberg", "dornach": "Dornach"},
                      {"mobility": "Mobility", "nature": "Nature in the city"})


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


set_setting = setting_fixture(PLUGIN)


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
