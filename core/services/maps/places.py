"""Places on the city's maps: the neighbourhood a point lies in, the maps' options, and the
GeoJSON that plugins give their maps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g

from core.database import db
from core.taxonomy import Neighbourhood

from .geometry import bounds, contains

# Where a map opens when the city has drawn no neighbourhood and named no centre: France.
FALLBACK_CENTRE = (46.6, 2.4)
FALLBACK_ZOOM = 5


@dataclass(frozen=True)
class MapPoint:
    """One mark on a map: where, what it is called, where it leads, and its status.

    ``url`` makes the title a link;
    ``tone`` colours the mark (``info``, ``success``, ``warning``, ``error`` or ``neutral``, as
    the badges of the design system); ``status`` says the same in words, in the popup and in
    the list that goes with every map.
    """

    latitude: float
    longitude: float
    title: str
    url: str = ""
    status: str = ""
    tone: str = "neutral"
    place: str = ""


def drawn_neighbourhoods() -> list[Neighbourhood]:
    """The neighbourhoods whose outline staff uploaded, once per request."""
    if "_civique_drawn" not in g:
        g._civique_drawn = list(db.session.scalars(
            db.select(Neighbourhood).where(Neighbourhood.boundary.is_not(None))
            .order_by(Neighbourhood.position, Neighbourhood.name)))
    return g._civique_drawn


def forget_drawn() -> None:
    """Read the outlines again at the next call (after they changed)."""
    g.pop("_civique_drawn", None)


def neighbourhood_at(latitude: float | None, longitude: float | None) -> Neighbourhood | None:
    """The neighbourhood whose outline holds the point, or None (no point, or outside them all)."""
    if latitude is None or longitude is None:
        return None
    for neighbourhood in drawn_neighbourhoods():
        if contains(json.loads(neighbourhood.boundary), latitude, longitude):
            return neighbourhood
    return None


def tiles_origin(url: str) -> str | None:
    """The origin (``https://host``) of a tile server's address, for the Content-Security-Policy."""
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme in {"http", "https"} and parts.netloc:
        host = parts.netloc
        if "{s}." in url:  # a, b and c subdomains
            host = "*." + parts.netloc.split(".", 1)[1]
        return f"{parts.scheme}://{host}"
    return None


def _configured_centre() -> tuple[float, float] | None:
    raw = current_app.config.get("MAP_CENTRE")
    if not raw:
        return None
    try:
        latitude, longitude = (float(part) for part in
                               (raw if isinstance(raw, (list, tuple)) else str(raw).split(",")))
    except ValueError:
        return None
    return latitude, longitude


def map_options() -> dict[str, Any]:
    """What every map of the site starts from: the tiles, their credit, and where it opens.

    A map opens on the neighbourhoods drawn by staff, else on ``MAP_CENTRE`` at ``MAP_ZOOM``.
    """
    config = current_app.config
    drawn = bounds([json.loads(n.boundary) for n in drawn_neighbourhoods()])
    centre = _configured_centre()
    return {
        "tiles": config["MAP_TILES_URL"],
        "attribution": config["MAP_TILES_ATTRIBUTION"],
        "bounds": ",".join(f"{value:.5f}" for value in drawn) if drawn else "",
        "centre": "{:.5f},{:.5f}".format(*(centre or FALLBACK_CENTRE)),
        "zoom": int(config["MAP_ZOOM"]) if centre else FALLBACK_ZOOM,
    }


def feature_collection(points: Iterable[MapPoint]) -> dict:
    """A GeoJSON ``FeatureCollection`` of the points, as the site's maps draw them."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {"title": point.title, "url": point.url, "status": point.status,
                               "tone": point.tone, "place": point.place},
            }
            for point in points
        ],
    }


def boundaries_collection() -> dict:
    """The drawn neighbourhoods as a GeoJSON ``FeatureCollection`` (name and outline)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(n.boundary),
             "properties": {"name": n.name, "id": n.id}}
            for n in drawn_neighbourhoods()
        ],
    }
