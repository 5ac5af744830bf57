"""The city's maps: neighbourhood outlines uploaded by staff, the neighbourhood of a point, and
the tile server allowed by the Content-Security-Policy."""

from __future__ import annotations

import io
import json

import pytest

from core.database import db
from core.services.audit import AuditEntry
from core.services.maps.geometry import BoundaryError, contains, read_boundaries
from core.services.maps.places import neighbourhood_at, tiles_origin
from core.taxonomy import Neighbourhood

from ..admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)

# Two neighbourhoods side by side (longitude 7.30–7.32 and 7.32–7.34); the first with a hole.
WEST = [[7.30, 47.74], [7.32, 47.74], [7.32, 47.76], [7.30, 47.76], [7.30, 47.74]]
HOLE = [[7.305, 47.745], [7.31, 47.745], [7.31, 47.75], [7.305, 47.75], [7.305, 47.745]]
EAST = [[7.32, 47.74], [7.34, 47.74], [7.34, 47.76], [7.32, 47.76], [7.32, 47.74]]


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(name, *rings, key="nom", kind="Polygon"):
    coordinates = [list(rings)] if kind == "MultiPolygon" else list(rings)
    return {"type": "Feature", "properties": {key: name},
            "geometry": {"type": kind, "coordinates": coordinates}}


def upload(client, raw: bytes, **fields):
    data = {"geojson": (io.BytesIO(raw), "quartiers.geojson"), "name_property": "", **fields}
    return client.post("/admin/taxonomy/boundaries", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def test_a_point_is_inside_its_polygon_and_not_in_its_hole_nor_outside():
    west = {"type": "Polygon", "coordinates": [WEST, HOLE]}
    assert contains(west, 47.742, 7.301)
    assert not contains(west, 47.747, 7.307)  # in the hole
    assert not contains(west, 47.75, 7.33)  # east of it
    both = {"type": "MultiPolygon", "coordinates": [[WEST], [EAST]]}
    assert contains(both, 47.75, 7.33) and contains(both, 47.75, 7.31)


@pytest.mark.parametrize("raw, said", [
    (b"not json", "could not be read as JSON"),
    (b'{"type": "Topology"}', "not a GeoJSON collection"),
    # Lambert-93 coordinates, not longitude and latitude.
    (collection(feature("Rebberg", [[1024000, 6750000], [1025000, 6750000], [1025000, 6751000],
                                    [1024000, 6750000]])), "EPSG:4326"),
    (collection(feature("", WEST)), "has no name"),
    (collection({"type": "Feature", "properties": {"nom": "Gare"},
                 "geometry": {"type": "Point", "coordinates": [7.3, 47.7]}}), "has no polygon"),
])
def test_a_file_that_cannot_be_used_is_refused_with_the_reason(app, raw, said):
    with pytest.raises(BoundaryError) as refused:
        read_boundaries(raw)
    assert said in str(refused.value.message)


def test_staff_upload_outlines_and_a_point_finds_its_neighbourhood(app, admin_client):
    db.session.add_all([Neighbourhood(name="Dornach", slug="dornach", position=1),
                        Neighbourhood(name="Rebberg", slug="rebberg", position=2)])
    db.session.commit()
    page = upload(admin_client, collection(feature("DORNACH", WEST, HOLE),
                                           feature("Rebberg", EAST, kind="MultiPolygon")))
    assert "2 outlines are saved." in page.text
    assert neighbourhood_at(47.742, 7.301).name == "Dornach"
    assert neighbourhood_at(47.75, 7.33).name == "Rebberg"
    assert neighbourhood_at(47.747, 7.307) is None  # the hole
    assert neighbourhood_at(47.80, 7.33) is None
    # The maps and the forms read them from the site.
    drawn = admin_client.get("/maps/neighbourhoods.geojson").json
    assert sorted(f["properties"]["name"] for f in drawn["features"]) == ["Dornach", "Rebberg"]
    assert admin_client.get("/maps/neighbourhood?latitude=47.75&longitude=7.33").json["name"] == "Rebberg"
    assert admin_client.get("/maps/neighbourhood?latitude=north&longitude=7.33").json == {"id": None, "name": None}
    [entry] = db.session.scalars(db.select(AuditEntry).filter_by(action="maps.boundaries_uploaded")).all()
    assert entry.details["names"] == ["DORNACH", "Rebberg"]
    assert "Neighbourhood outlines uploaded" in admin_client.get("/admin/audit").text


def test_names_of_the_file_missing_from_the_list_are_refused_unless_staff_add_them(app, admin_client):
    db.session.add(Neighbourhood(name="Dornach", slug="dornach", position=1))
    db.session.commit()
    raw = collection(feature("Dornach", WEST), feature("Nordfeld", EAST))
    refused = upload(admin_client, raw)
    assert refused.status_code == 422
    assert "These names match no neighbourhood of the list: Nordfeld." in refused.text
    assert db.session.scalar(db.select(Neighbourhood).filter_by(name="Dornach")).boundary is None

    added = upload(admin_client, raw, create_missing="y")
    assert "2 outlines are saved." in added.text
    db.session.expire_all()
    nordfeld = db.session.scalar(db.select(Neighbourhood).filter_by(name="Nordfeld"))
    assert nordfeld is not None and nordfeld.slug == "nordfeld" and nordfeld.boundary


def test_a_property_named_by_staff_holds_the_names(app, admin_client):
    db.session.add(Neighbourhood(name="Dornach", slug="dornach", position=1))
    db.session.commit()
    raw = collection(feature("Dornach", WEST, key="l_quartier"))
    assert "has no name" in upload(admin_client, raw).text
    assert "1 outline is saved." in upload(admin_client, raw, name_property="l_quartier").text


def test_an_outline_is_removed_and_the_neighbourhood_stays(app, admin_client):
    dornach = Neighbourhood(name="Dornach", slug="dornach", position=1,
                            boundary=json.dumps({"type": "Polygon", "coordinates": [WEST]}))
    db.session.add(dornach)
    db.session.commit()
    page = admin_client.post(f"/admin/taxonomy/boundaries/{dornach.id}/remove", follow_redirects=True)
    assert "The outline of “Dornach” is removed." in page.text
    db.session.expire_all()
    assert db.session.get(Neighbourhood, dornach.id).boundary is None
    assert admin_client.post("/admin/taxonomy/boundaries/999/remove").status_code == 404


def test_only_people_who_manage_the_neighbourhoods_upload_outlines(app, people, signed_in):
    for role in ("resident", "moderator"):
        client = signed_in(people[role])
        assert client.get("/admin/taxonomy/boundaries").status_code == 403
        assert upload(client, collection(feature("Dornach", WEST))).status_code == 403
    assert app.test_client().get("/admin/taxonomy/boundaries").status_code in (302, 401)


def test_the_tile_server_is_the_only_other_origin_images_may_come_from(app, client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert "style-src 'self';" in policy and "script-src 'self';" in policy
    assert tiles_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tiles_origin("data:image/png;base64,AAAA") is None


def test_a_territory_is_drawn_with_its_neighbourhoods_filled_and_named(app):
    from core.services.maps import territory
    from core.services.maps.places import forget_drawn

    assert str(territory([])) == ""  # nothing drawn yet: no picture
    west = Neighbourhood(name="Dornach", slug="dornach", boundary=json.dumps({"type": "Polygon", "coordinates": [WEST]}))
    east = Neighbourhood(name="Rebberg", slug="rebberg", boundary=json.dumps({"type": "Polygon", "coordinates": [EAST]}))
    db.session.add_all([west, east])
    db.session.commit()
    forget_drawn()  # as staff's upload does
    with app.test_request_context():
        drawing = str(territory([east]))
    assert drawing.count("<path") == 2 and drawing.count("territory-chosen") == 1
    assert 'role="img" aria-label="Territory: Rebberg"' in drawing
    # Side by side, the west one is drawn left of the east one, each half of the 304 px drawn.
    paths = drawing.split("<path")[1:]
    assert 'd="M8.0,234.1 L160.0,234.1' in paths[0] and 'd="M160.0,234.1 L312.0,234.1' in paths[1]
    assert "style=" not in drawing
    with app.test_request_context():
        assert "Territory: the whole city" in str(territory([]))
