"""The demo city's neighbourhood outlines, and points inside them for the demo's content.

Mulhouse's real outlines belong to its geographic service; the demo draws its own, close enough
to read: each neighbourhood is the part of a rough city outline nearer to its centre than to any
other (a Voronoi partition, cut half-plane by half-plane), so that they share their edges and
cover the city without overlapping.
"""

from __future__ import annotations

import json
import random

from core.database import db
from core.hookspecs import hookimpl
from core.taxonomy import Neighbourhood

from .geometry import contains

# (latitude, longitude) of each demo neighbourhood's heart, roughly where it is in Mulhouse.
CENTRES = {
    "Centre historique": (47.7466, 7.3385),
    "Fonderie": (47.7402, 7.3265),
    "Rebberg": (47.7355, 7.3440),
    "Dornach": (47.7480, 7.3040),
    "Bourtzwiller": (47.7715, 7.3235),
    "Coteaux": (47.7370, 7.3085),
    "Drouot-Barbanègre": (47.7570, 7.3580),
    "Franklin-Fridolin": (47.7540, 7.3290),
    "Nordfeld": (47.7410, 7.3520),
    "Vauban-Neppert": (47.7530, 7.3440),
    "Wolf-Wagner": (47.7610, 7.3395),
    "Haut-Poirier": (47.7300, 7.3235),
    "Brustlein": (47.7490, 7.3165),
    "Daguerre": (47.7620, 7.3130),
    "Doller": (47.7645, 7.3290),
    "Briand": (47.7500, 7.3345),
}

# A rough outline of the city, (longitude, latitude) as GeoJSON writes it, closed.
CITY = [(7.2900, 47.7420), (7.2960, 47.7330), (7.3100, 47.7240), (7.3300, 47.7220),
        (7.3500, 47.7290), (7.3660, 47.7400), (7.3700, 47.7560), (7.3560, 47.7680),
        (7.3360, 47.7790), (7.3150, 47.7800), (7.2980, 47.7690), (7.2900, 47.7550)]


LONGITUDE_SCALE = 0.672  # cos(47.75°)


def _clip(polygon, keep):
    """Sutherland–Hodgman: the part of ``polygon`` where ``keep(point)`` is >= 0 (a half-plane)."""
    result = []
    for index, current in enumerate(polygon):
        previous = polygon[index - 1]
        current_side, previous_side = keep(current), keep(previous)
        if current_side >= 0:
            if previous_side < 0:
                result.append(_crossing(previous, current, previous_side, current_side))
            result.append(current)
        elif previous_side >= 0:
            result.append(_crossing(previous, current, previous_side, current_side))
    return result


def _crossing(a, b, side_a, side_b):
    ratio = side_a / (side_a - side_b)
    return (a[0] + ratio * (b[0] - a[0]), a[1] + ratio * (b[1] - a[1]))


def cell(name: str) -> list[tuple[float, float]]:
    """The outline of one demo neighbourhood, (longitude, latitude) pairs, not closed."""
    here_lat, here_lon = CENTRES[name]
    polygon = list(CITY)
    for other, (lat, lon) in CENTRES.items():
        if other == name:
            continue
        # Keep the points nearer to here than to the other centre (degrees of longitude shrunk
        # by the cosine of the latitude, so that distances are fair).
        def keep(point, lat=lat, lon=lon):
            x, y = point
            return (((x - lon) * LONGITUDE_SCALE) ** 2 + (y - lat) ** 2
                    - ((x - here_lon) * LONGITUDE_SCALE) ** 2 - (y - here_lat) ** 2)

        polygon = _clip(polygon, keep)
    return polygon


def outline(name: str) -> dict:
    """The GeoJSON polygon of a demo neighbourhood."""
    ring = [(round(x, 5), round(y, 5)) for x, y in cell(name)]
    return {"type": "Polygon", "coordinates": [[list(point) for point in ring + ring[:1]]]}


def point_in(name: str, rng: random.Random) -> tuple[float, float]:
    """A (latitude, longitude) inside the demo neighbourhood, near its heart."""
    lat, lon = CENTRES[name]
    shape = outline(name)
    for _attempt in range(20):
        candidate = (lat + rng.uniform(-0.003, 0.003), lon + rng.uniform(-0.004, 0.004))
        if contains(shape, *candidate):
            return round(candidate[0], 6), round(candidate[1], 6)
    return lat, lon


@hookimpl
def load_demo_data(demo):
    """Draw the demo neighbourhoods that have no outline yet."""
    for neighbourhood in db.session.scalars(db.select(Neighbourhood)):
        if neighbourhood.boundary is None and neighbourhood.name in CENTRES:
            neighbourhood.boundary = json.dumps(outline(neighbourhood.name), separators=(",", ":"))
