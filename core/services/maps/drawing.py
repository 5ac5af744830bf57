"""A picture of a territory: the city's drawn neighbourhoods as a small SVG, those of a council
or a project filled, for a card's cover or a page's side (no script, no inline style)."""

from __future__ import annotations

import json
import math

from flask_babel import gettext as _
from markupsafe import Markup, escape

from .geometry import bounds, polygons
from .places import drawn_neighbourhoods

WIDTH = 320
PADDING = 8


def territory(neighbourhoods) -> Markup:
    """The city's outlines, ``neighbourhoods`` filled (all of them when it is empty: the whole
    city), named in the picture's text alternative; empty when no outline is drawn."""
    drawn = drawn_neighbourhoods()
    if not drawn:
        return Markup("")
    shapes = [(n, json.loads(n.boundary)) for n in drawn]
    south, west, north, east = bounds([shape for _n, shape in shapes])
    shrink = math.cos(math.radians((south + north) / 2))  # degrees of longitude are shorter
    scale = (WIDTH - 2 * PADDING) / max((east - west) * shrink, 1e-9)
    height = round((north - south) * scale + 2 * PADDING)

    def point(x: float, y: float) -> str:
        return f"{PADDING + (x - west) * shrink * scale:.1f},{PADDING + (north - y) * scale:.1f}"

    chosen = {n.id for n in neighbourhoods}
    paths = []
    for neighbourhood, shape in shapes:
        d = " ".join("M" + " L".join(point(x, y) for x, y in ring) + " Z"
                     for polygon in polygons(shape) for ring in polygon)
        filled = not chosen or neighbourhood.id in chosen
        paths.append(f'<path class="territory-area{" territory-chosen" if filled else ""}" d="{d}"/>')
    label = (_("Territory: %(names)s", names=", ".join(n.name for n in neighbourhoods))
             if neighbourhoods else _("Territory: the whole city"))
    return Markup(f'<svg class="territory" viewBox="0 0 {WIDTH} {height}" role="img" '
                  f'aria-label="{escape(label)}" focusable="false">{"".join(paths)}</svg>')
