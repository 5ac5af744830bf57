"""Built-in plugin ``welcome``: the municipality's word of welcome on the home page.

A small, ordinary plugin (swappable like any other): it adds a home-page block whose title and
text staff set on the settings page.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .declarations import HomeBlock, SettingSpec
from .hookspecs import hookimpl
from .settings import get_setting


@hookimpl
def plugin_title():
    return _l("Home page welcome")


@hookimpl
def register_settings():
    return [
        SettingSpec("title", _l("Title of the welcome block"), "", help=_l("Leave empty to show no title.")),
        SettingSpec(
            "text", _l("Text of the welcome block (Markdown)"), "", type="text",
            help=_l("A few words from the municipality to residents. Leave empty to hide the block."),
        ),
    ]


@hookimpl
def home_blocks(user):
    title, text = get_setting("welcome", "title"), get_setting("welcome", "text")
    if not title and not text:
        return None
    return [HomeBlock(Markup(render_template("core/welcome_block.html", title=title, text=text)), order=10)]


@hookimpl
def load_demo_data(demo):
    from .settings import SettingValue, save_setting
    from .database import db

    if db.session.scalar(db.select(SettingValue).filter_by(plugin="welcome", name="text")):
        return
    save_setting("welcome", "title", "Mulhouse, territoire hautement citoyen")
    save_setting(
        "welcome", "text",
        "Depuis 2014, la ville associe ses habitants à ses décisions : **boîte à idées**, "
        "**consultations** sur les projets, **conseils citoyens** tirés au sort, "
        "**conciliateur** municipal et **commission des finances** ouverte aux citoyens.\n\n"
        "*Site de démonstration : les données sont fictives.*",
    )
