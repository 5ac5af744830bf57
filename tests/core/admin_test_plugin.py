"""``parish_notes``: a tiny plugin for the administration tests.

It declares one setting of each type, and listens to events so that tests can see what the
administration pages emitted.
"""

from __future__ import annotations

from core.declarations import SettingSpec
from core.hookspecs import hookimpl

NAME = "parish_notes"

# Events heard by this plugin, in order (tests clear it).
HEARD: list = []


@hookimpl
def register_settings():
    return [
        SettingSpec("title", "Title of the notes", "Our notes"),
        SettingSpec("intro", "Introduction", "", type="text", help="Shown above the notes."),
        SettingSpec("per_page", "Notes per page", 10, type="int", minimum=1, maximum=50),
        SettingSpec("open", "Open to residents", True, type="bool"),
        SettingSpec("order", "Order of the notes", "newest", type="choice",
                    choices=(("newest", "Newest first"), ("oldest", "Oldest first"))),
    ]


@hookimpl
def track_event(event):
    HEARD.append(event)
