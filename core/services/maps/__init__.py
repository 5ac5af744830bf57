"""Core service: the city's maps.

A form's place picker (``place_picker`` in ``maps/_macros.html``) puts a point on a map over the
address, latitude and longitude fields that work without JavaScript; a map of points
(``map_of``) draws the GeoJSON a plugin serves (:func:`feature_collection` of
:class:`MapPoint`), beside the list of the same items. Staff upload the neighbourhoods'
outlines as GeoJSON (``/admin/taxonomy/boundaries``): every map draws them, and
:func:`neighbourhood_at` tells the neighbourhood of a point, to suggest it in a form;
:func:`territory` draws them as a small picture, some filled (a council's, a project's). Leaflet
(BSD-2-Clause) is shipped in ``core/static/vendor/leaflet``; the tiles come from the
``MAP_TILES_URL`` server (OpenStreetMap's by default), whose origin the
Content-Security-Policy allows.
"""

from flask_babel import lazy_gettext as _l

from core.declarations import AdminPage, PersonalData
from core.hookspecs import hookimpl

from .drawing import territory
from .places import MapPoint, feature_collection, map_options, neighbourhood_at

__all__ = ["MapPoint", "feature_collection", "map_options", "neighbourhood_at", "territory"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def plugin_title():
    return _l("Maps")


@hookimpl
def template_variables():
    return {"map_options": map_options, "map_point": MapPoint, "map_features": feature_collection,
            "territory": territory}


@hookimpl
def admin_pages(user):
    return [AdminPage(_l("Neighbourhood outlines"), "maps.manage", "admin.taxonomy",
                      _l("The neighbourhoods drawn on the maps (a GeoJSON file)."), order=31)]


@hookimpl
def audit_actions():
    return {"maps.boundaries_uploaded": _l("Neighbourhood outlines uploaded"),
            "maps.boundary_removed": _l("Neighbourhood outline removed")}


@hookimpl
def personal_data():
    return [PersonalData(
        _l("When a map is shown: your network address, seen by the map tile server "
           "(OpenStreetMap unless the city chose another)"),
        _l("Sending you the pieces of the map"),
        _l("As the tile server's own policy says; the site keeps nothing of it"), order=90)]
