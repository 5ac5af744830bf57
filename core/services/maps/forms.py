"""The form staff upload the neighbourhoods' outlines with."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FloatField, StringField
from wtforms.validators import Length, NumberRange, Optional


class PlaceForm(FlaskForm):
    """The fields of a place, for any form to inherit: an address or a landmark, and a point
    (latitude and longitude, both or neither) that the map picker fills.

    Render them with ``place_picker(form.place_address, form.latitude, form.longitude)`` of
    ``maps/_macros.html``.
    """

    place_address = StringField(
        _l("Place"), description=_l("Optional: an address or a landmark, for example “Place de la Réunion”."),
        validators=[Optional(), Length(max=250, message=_l("250 characters at most."))],
    )
    latitude = FloatField(
        _l("Latitude"), description=_l("Optional, with the longitude: the exact point, for example 47.7467."),
        validators=[Optional(), NumberRange(-90, 90, _l("A latitude is between -90 and 90."))],
    )
    longitude = FloatField(
        _l("Longitude"), description=_l("Optional, with the latitude: for example 7.3389."),
        validators=[Optional(), NumberRange(-180, 180, _l("A longitude is between -180 and 180."))],
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.latitude.errors and not self.longitude.errors \
                and (self.latitude.data is None) != (self.longitude.data is None):
            self.longitude.errors.append(_l("Give both the latitude and the longitude, or neither."))
            valid = False
        return valid

    def copy_place_into(self, item) -> None:
        """Copy the place into ``item`` (its ``place_address``, ``latitude``, ``longitude``)."""
        item.place_address = (self.place_address.data or "").strip() or None
        item.latitude, item.longitude = self.latitude.data, self.longitude.data


class BoundariesForm(FlaskForm):
    """A GeoJSON file of outlines, matched to the neighbourhoods by name."""

    geojson = FileField(
        _l("GeoJSON file of the neighbourhoods"),
        description=_l("A collection of polygons in longitude and latitude (WGS 84, EPSG:4326), "
                       "one per neighbourhood, as the city's geographic information service "
                       "or data.gouv.fr gives them."),
        render_kw={"accept": ".geojson,.json,application/geo+json,application/json"},
    )
    name_property = StringField(
        _l("Property holding the neighbourhood's name"),
        description=_l("Leave empty to look for the usual ones (name, nom, libelle, quartier)."),
        validators=[Optional(), Length(max=80, message=_l("80 characters at most."))],
    )
    create_missing = BooleanField(
        _l("Add the neighbourhoods of the file that are not in the list yet"))
