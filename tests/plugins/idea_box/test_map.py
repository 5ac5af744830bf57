"""The ideas on a map: a point placed in the form, the neighbourhood found from it, the map of
the ideas with their status, and the list that says the same without JavaScript."""

from __future__ import annotations

import json

from core.database import db
from plugins.idea_box.models import Idea

from .test_submission import idea_form

REBBERG = {"type": "Polygon",
           "coordinates": [[[7.33, 47.73], [7.35, 47.73], [7.35, 47.745], [7.33, 47.745], [7.33, 47.73]]]}


def test_a_point_with_no_neighbourhood_chosen_files_the_idea_in_the_neighbourhood_around_it(
        client, users, login, places):
    places["rebberg"].boundary = json.dumps(REBBERG)
    db.session.commit()
    login(client, users["resident"])
    response = client.post("/ideas/new", data=idea_form(places, neighbourhood="", latitude="47.7366",
                                                       longitude="7.3421"), follow_redirects=True)
    assert "Thank you! Your idea is published" in response.text
    idea = db.session.scalar(db.select(Idea))
    assert idea.neighbourhood_id == places["rebberg"].id
    assert (idea.latitude, idea.longitude) == (47.7366, 7.3421)
    # Outside every outline, the neighbourhood must still be chosen, and nothing typed is lost.
    refused = client.post("/ideas/new", data=idea_form(places, title="A bench by the river Ill",
                                                      neighbourhood="", latitude="48.5", longitude="7.7"))
    assert refused.status_code == 422
    assert "Choose a neighbourhood, or “The whole city”." in refused.text
    assert 'value="A bench by the river Ill"' in refused.text and 'value="48.5"' in refused.text


def test_half_a_point_is_refused_with_a_clear_message(client, users, login, places):
    login(client, users["resident"])
    refused = client.post("/ideas/new", data=idea_form(places, latitude="47.74", longitude=""))
    assert refused.status_code == 422
    assert "Give both the latitude and the longitude, or neither." in refused.text
    assert db.session.scalar(db.select(Idea)) is None


def test_the_map_of_the_ideas_shows_the_public_ones_with_a_point_and_their_status(
        client, users, make_idea, places):
    author = users["resident"]
    placed = make_idea(author, title="Shade on the Rebberg square", latitude=47.737, longitude=7.342,
                       place_address="Place du Rebberg")
    make_idea(author, title="A crossing near the Dornach school", state="accepted",
              neighbourhood="dornach", latitude=47.748, longitude=7.304)
    make_idea(author, title="A hidden idea with a point", latitude=47.74, longitude=7.34, is_hidden=True)
    make_idea(author, title="A draft with a point", state="draft", latitude=47.74, longitude=7.34)
    make_idea(author, title="An idea for the whole town, without a point")

    page = client.get("/ideas/map")
    assert page.status_code == 200
    assert "2 ideas on the map" in page.text
    assert "1 idea of this selection gives no point" in page.text
    assert "Shade on the Rebberg square" in page.text and "Place du Rebberg" in page.text
    assert "hidden idea" not in page.text and "draft with a point" not in page.text
    assert "Map of the ideas" in client.get("/ideas/").text

    data = client.get("/ideas/map.geojson").json
    by_title = {f["properties"]["title"]: f for f in data["features"]}
    assert set(by_title) == {"Shade on the Rebberg square", "A crossing near the Dornach school"}
    shade = by_title["Shade on the Rebberg square"]
    assert shade["geometry"]["coordinates"] == [7.342, 47.737]
    assert shade["properties"]["url"] == f"/ideas/{placed.id}"
    assert shade["properties"]["status"] == "Open for support" and shade["properties"]["tone"] == "info"
    assert by_title["A crossing near the Dornach school"]["properties"]["status"] == "Accepted"

    # Filtered as the list is.
    only_accepted = client.get("/ideas/map.geojson?status=accepted").json["features"]
    assert [f["properties"]["title"] for f in only_accepted] == ["A crossing near the Dornach school"]
    in_dornach = client.get(f"/ideas/map?neighbourhood={places['dornach'].id}").text
    assert "1 idea on the map" in in_dornach and "Shade on the Rebberg square" not in in_dornach


def test_an_idea_shows_its_point_in_the_readers_language(client, users, make_idea):
    idea = make_idea(users["resident"], latitude=47.73672, longitude=7.34215)
    page = client.get(f"/ideas/{idea.id}", headers={"Accept-Language": "fr"})
    assert "latitude 47,73672, longitude 7,34215" in page.text
    assert 'id="idea-map"' in page.text
