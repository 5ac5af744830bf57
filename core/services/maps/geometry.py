"""Boundaries as GeoJSON: reading what staff upload, and telling which one holds a point.

Only what a neighbourhood's outline needs: ``Polygon`` and ``MultiPolygon`` geometries in
longitude/latitude (WGS 84, as GeoJSON requires), holes included. A point on the edge of a
polygon may fall on either side; neighbourhoods share their edges, so one of them is right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Ring = list[tuple[float, float]]  # (longitude, latitude) pairs
Polygon = list[Ring]  # the outer ring, then the holes

NAME_PROPERTIES = ("name", "nom", "NOM", "Name", "NAME", "libelle", "LIBELLE", "nom_quartier",
                   "NOM_QUARTIER", "quartier", "QUARTIER", "l_qu")


class BoundaryError(ValueError):
    """An upload that is not a usable GeoJSON file; ``message`` says why, for the person."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Boundary:
    """One outline read from an uploaded file: its name and its geometry (GeoJSON dict)."""

    name: str
    geometry: dict


def polygons(geometry: dict) -> list[Polygon]:
    """The polygons of a ``Polygon`` or ``MultiPolygon`` geometry, as lists of rings."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        parts = [coordinates]
    elif kind == "MultiPolygon":
        parts = coordinates
    else:
        raise ValueError(f"not a polygon: {kind!r}")
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in part] for part in parts]


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    """Ray casting: an odd number of edges crossed on the way to the east means inside."""
    inside = False
    previous_x, previous_y = ring[-1]
    for current_x, current_y in ring:
        if (current_y > y) != (previous_y > y):
            crossing = previous_x + (y - previous_y) * (current_x - previous_x) / (current_y - previous_y)
            if x < crossing:
                inside = not inside
        previous_x, previous_y = current_x, current_y
    return inside


def contains(geometry: dict, latitude: float, longitude: float) -> bool:
    """Whether the point lies inside the geometry (inside an outer ring, outside its holes)."""
    for polygon in polygons(geometry):
        outer, holes = polygon[0], polygon[1:]
        if _in_ring(outer, longitude, latitude) and not any(
                _in_ring(hole, longitude, latitude) for hole in holes):
            return True
    return False


def bounds(geometries: list[dict]) -> tuple[float, float, float, float] | None:
    """``(south, west, north, east)`` around every geometry, or None when there is none."""
    points = [point for geometry in geometries for polygon in polygons(geometry)
              for ring in polygon for point in ring]
    if not points:
        return None
    longitudes = [x for x, _y in points]
    latitudes = [y for _x, y in points]
    return min(latitudes), min(longitudes), max(latitudes), max(longitudes)


def _valid_geometry(geometry: Any) -> bool:
    try:
        found = polygons(geometry)
    except (AttributeError, TypeError, ValueError):
        return False
    for polygon in found:
        if not polygon:
            return False
        for ring in polygon:
            if len(ring) < 4 or any(not (-180 <= x <= 180 and -90 <= y <= 90) for x, y in ring):
                return False
    return bool(found)


def _feature_name(properties: dict, name_property: str | None) -> str:
    keys = (name_property,) if name_property else NAME_PROPERTIES
    for key in keys:
        value = properties.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def read_boundaries(raw: bytes, name_property: str | None = None) -> list[Boundary]:
    """The named outlines of a GeoJSON ``FeatureCollection`` (or of one ``Feature``).

    Each feature needs a polygon and a name, read from ``name_property`` or, when it is empty,
    from the first of the usual properties (``name``, ``nom``, ``libelle``, ``quartier``…).
    Raises :class:`BoundaryError` with a message for the person when the file cannot be used.
    """
    from flask_babel import lazy_gettext as _l

    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BoundaryError(_l("This file is not GeoJSON: it could not be read as JSON text."))
    if not isinstance(document, dict):
        raise BoundaryError(_l("This file is not GeoJSON: it holds no feature."))
    if document.get("type") == "Feature":
        features = [document]
    elif document.get("type") == "FeatureCollection" and isinstance(document.get("features"), list):
        features = document["features"]
    else:
        raise BoundaryError(_l("This file is not a GeoJSON collection of features."))
    found: list[Boundary] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise BoundaryError(_l("Feature %(number)s is not a GeoJSON feature.", number=number))
        geometry = feature.get("geometry")
        if not _valid_geometry(geometry):
            raise BoundaryError(_l(
                "Feature %(number)s has no polygon in longitude and latitude (WGS 84): "
                "export the file in EPSG:4326.", number=number))
        name = _feature_name(feature.get("properties") or {}, name_property)
        if not name:
            raise BoundaryError(_l(
                "Feature %(number)s has no name: say which property holds the neighbourhood's name.",
                number=number))
        found.append(Boundary(name, {"type": geometry["type"], "coordinates": geometry["coordinates"]}))
    if not found:
        raise BoundaryError(_l("This file holds no feature."))
    return found
