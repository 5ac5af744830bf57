"""``welcome``, as provided by civique-example: another home-page block for the municipality.

It has the name of Civique's built-in ``welcome`` plugin and reads the same settings, so a site
can switch from one to the other with ``CIVIQUE_PLUGIN_PROVIDERS=welcome=civique-example``.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.declarations import HomeBlock, SettingSpec
from core.hookspecs import hookimpl
from core.settings import get_setting

# No pages: the blueprint only makes this package's templates visible to Flask.
templates = Blueprint("example_welcome", __name__, template_folder="templates")


@hookimpl
def register_blueprints(app):
    return [templates]


@hookimpl
def register_settings():
    return [
        SettingSpec("title", _l("Title of the welcome block"), ""),
        SettingSpec("text", _l("Text of the welcome block (Markdown)"), "", type="text"),
    ]


@hookimpl
def home_blocks(user):
    title, text = get_setting("welcome", "title"), get_setting("welcome", "text")
    html = render_template("civique_example/welcome_block.html", title=title, text=text)
    return [HomeBlock(Markup(html), order=10)]
