"""The reader's own parts of a page that every reader shares.

A page marked with :func:`core.pagecache.kept_for_readers` is rendered once, as for a visitor,
and kept (:mod:`core.pagecache`); signed-in readers are then served that kept page too, with
what is theirs filled in: their account in the header, their support, what they may do with a
comment. Each such piece is a *part*: where a template would write it, it calls::

    {{ own_part("supports/_macros.html", "support_control", item=idea, next=request.path) }}

``own_part`` calls the macro ``support_control`` of ``supports/_macros.html`` with those arguments,
for the person reading. When the page is rendered to be kept, it writes a marker instead and
notes the call; the kept page is then filled in for each reader, the visitor who made it
included, by calling the same macros for them (:func:`fill`). Rendered for someone directly
(a page that is not kept, or with the page cache off), ``own_part`` renders the macro in place:
the page is the same either way.

The arguments are what a kept page can hold: numbers, strings (``Markup`` stays ``Markup``),
``None``, booleans, lists of those, and content items (anything with ``content_type_name`` and ``id``), which are kept as
their type and id and loaded again, one query per content type, when the page is filled in
(with the reader's supports on them, one query per type that uses supports: a list of twenty
support buttons asks two questions, not forty).
A part's macro must not rely on the page's variables: it gets only its arguments and the
templates' globals (``current_user``, ``csrf_token``, the services' functions).

Everything outside the parts is the visitor's page: a template that shows something of the
reader's own outside a part would show the visitor's version to every reader. The tests of
shared pages (``tests/core/test_query_budget_shared.py`` on the demo city,
``tests/plugins/idea_box/test_shared_pages.py``) render such pages both ways for several kinds
of readers and check that they are the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import current_app, g, get_template_attribute
from markupsafe import Markup

EXTENSION = "civique.pageparts"
# What a content item, and text already safe to show (Markup: a translated label, say), become
# in a kept part's arguments.
ITEM = "$item"
SAFE = "$markup"


def marker_prefix() -> bytes:
    """The start of a part's marker: unguessable (derived from the secret key), so that nothing
    a person writes on the site can pass for one."""
    prefix = current_app.extensions.get(EXTENSION)
    if prefix is None:
        secret = str(current_app.config["SECRET_KEY"]).encode()
        token = hmac.new(secret, b"civique.pageparts", hashlib.sha256).hexdigest()[:20]
        prefix = current_app.extensions[EXTENSION] = f"<!--part-{token}-".encode()
    return prefix


def begin_shared_render() -> None:
    """From now on, the page being rendered is the shared one: parts become markers."""
    g.page_parts = []


def end_shared_render() -> list | None:
    """The parts noted since :func:`begin_shared_render` (``None`` when it was not called)."""
    return g.pop("page_parts", None)


def own_part(template: str, macro: str, **arguments) -> Markup:
    """Template global: the reader's own part of a page (see the module's documentation)."""
    parts = g.get("page_parts")
    if parts is None:
        return Markup(_call(template, macro, arguments))
    parts.append([template, macro, {name: _keep(value) for name, value in arguments.items()}])
    return Markup(marker_prefix().decode() + f"{len(parts) - 1}-->")


def fill(body: bytes, parts: list) -> bytes:
    """``body`` with each part's marker replaced by that part rendered for the current reader."""
    if not parts:
        return body
    items = _load_items(parts)
    pieces = []
    rendered: dict[str, str] = {}  # a part shown twice (the header's, the menu's) is made once
    for template, macro, arguments in parts:
        same = dumps([template, macro, arguments])
        if same not in rendered:
            rendered[same] = _call(template, macro,
                                   {name: _restore(value, items) for name, value in arguments.items()})
        pieces.append(rendered[same])
    chunks = body.split(marker_prefix())
    filled = [chunks[0]]
    for chunk in chunks[1:]:
        index, _, rest = chunk.partition(b"-->")
        filled.append(pieces[int(index)].encode())
        filled.append(rest)
    return b"".join(filled)


def dumps(parts: list) -> str:
    """The parts of a kept page as one line of JSON."""
    return json.dumps(parts, separators=(",", ":"))


def loads(text: str) -> list:
    return json.loads(text)


def _call(template: str, macro: str, arguments: dict) -> str:
    return str(get_template_attribute(template, macro)(**arguments))


def _keep(value):
    if hasattr(value, "content_type_name") and hasattr(value, "id"):
        return {ITEM: [value.content_type_name, value.id]}
    if isinstance(value, Markup):
        return {SAFE: str(value)}
    if isinstance(value, (list, tuple)):
        return [_keep(each) for each in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"A page part cannot keep {type(value).__name__} arguments: {value!r}")


def _restore(value, items: dict):
    if isinstance(value, dict) and ITEM in value:
        return items.get(tuple(value[ITEM]))
    if isinstance(value, dict) and SAFE in value:
        return Markup(value[SAFE])
    if isinstance(value, list):
        return [_restore(each, items) for each in value]
    return value


def _item_keys(value, found: set) -> None:
    if isinstance(value, dict) and ITEM in value:
        found.add(tuple(value[ITEM]))
    elif isinstance(value, list):
        for each in value:
            _item_keys(each, found)


def _load_items(parts: list) -> dict:
    """The content items the parts name, one query per content type (none for the items the
    request has already loaded)."""
    from sqlalchemy import select
    from sqlalchemy.orm import lazyload
    from sqlalchemy.orm.util import identity_key

    from flask_login import current_user

    from .content import get_type
    from .extensions import db
    from .services.supports.rules import preload_supports

    keys: set = set()
    for _template, _macro, arguments in parts:
        for value in arguments.values():
            _item_keys(value, keys)
    by_type: dict[str, list[int]] = {}
    for type_name, item_id in keys:
        by_type.setdefault(type_name, []).append(item_id)
    items = {}
    for type_name, ids in by_type.items():
        model = get_type(type_name).model
        missing = []
        for item_id in ids:
            loaded = db.session.identity_map.get(identity_key(model, item_id))
            if loaded is None:
                missing.append(item_id)
            else:
                items[(type_name, item_id)] = loaded
        if missing:
            # The item's own columns: the parts ask for its state, author and counters, rarely
            # for a related row (loaded then, when asked for).
            query = select(model).where(model.id.in_(missing)).options(lazyload("*"))
            for item in db.session.scalars(query):
                items[(type_name, item.id)] = item
        loaded = [items[(type_name, item_id)] for item_id in ids if (type_name, item_id) in items]
        if loaded and loaded[0].content_type.uses("supports"):
            preload_supports(current_user, loaded)
    return items
