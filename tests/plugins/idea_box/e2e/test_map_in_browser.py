"""The map in a real browser, under the site's strict Content-Security-Policy: a resident places
their idea with a click, the neighbourhood around the point is chosen for them, and the map of
the ideas draws it, coloured, with a popup that leads to it."""

from __future__ import annotations

import json

import pytest

from core.testing.browser import log_in, ui_text

pytestmark = pytest.mark.e2e

# The Rebberg, as staff would upload it: the only outline, so every map opens on it.
REBBERG = {"type": "Polygon",
           "coordinates": [[[7.33, 47.73], [7.35, 47.73], [7.35, 47.745], [7.33, 47.745], [7.33, 47.73]]]}
TITLE = "De l'ombre sur la place du Rebberg"


@pytest.fixture
def strict_page(browser, live_server):
    """A tab that keeps the site's Content-Security-Policy (no axe-core injected), and the
    errors its console reports."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def test_a_click_on_the_map_places_the_idea_and_chooses_its_neighbourhood(
        app, strict_page, page, users, places, axe_check):
    from core.database import db
    from plugins.idea_box.models import Idea

    places["rebberg"].boundary = json.dumps(REBBERG)
    db.session.commit()
    log_in(strict_page, users["resident"].email)
    strict_page.goto("/ideas/new")
    picker = strict_page.locator(".map-picker.leaflet-container")
    picker.wait_for()
    # The outline is drawn, then a click in its middle places the point.
    strict_page.locator(".map-picker path.map-boundary").wait_for()
    picker.click()
    suggestion = ui_text(strict_page, "Neighbourhood chosen from the point: %(name)s.", name="Rebberg")
    strict_page.get_by_text(suggestion).wait_for()
    latitude = float(strict_page.get_by_label(ui_text(strict_page, "Latitude"), exact=True).input_value())
    longitude = float(strict_page.get_by_label(ui_text(strict_page, "Longitude"), exact=True).input_value())
    assert 47.73 < latitude < 47.745 and 7.33 < longitude < 7.35
    neighbourhood = strict_page.get_by_label(ui_text(strict_page, "Neighbourhood"), exact=True)
    assert neighbourhood.input_value() == str(places["rebberg"].id)

    strict_page.get_by_label(ui_text(strict_page, "Title of your idea"), exact=True).fill(TITLE)
    strict_page.get_by_label(ui_text(strict_page, "Describe your idea"), exact=True).fill(
        "La place n'a aucun arbre : six tilleuls donneraient de l'ombre aux familles.")
    publish = strict_page.get_by_role("main").get_by_role(
        "button", name=ui_text(strict_page, "Publish my idea"), exact=True)
    with strict_page.expect_navigation():
        publish.click()
    db.session.expire_all()
    idea = db.session.scalar(db.select(Idea))
    assert idea.title == TITLE and idea.neighbourhood_id == places["rebberg"].id
    assert (round(idea.latitude, 5), round(idea.longitude, 5)) == (round(latitude, 5), round(longitude, 5))

    # The map of the ideas draws it in the colour of its status; its popup leads to it.
    strict_page.goto("/ideas/map")
    mark = strict_page.locator("path.map-mark.map-mark-info")
    mark.wait_for()
    assert strict_page.locator("path.map-mark").count() == 1
    mark.click()
    link = strict_page.locator(".leaflet-popup-content a")
    assert link.inner_text() == TITLE
    assert link.get_attribute("href") == f"/ideas/{idea.id}"
    assert strict_page.errors == []

    # Both pages pass axe-core with their map drawn.
    log_in(page, users["resident"].email)
    for path in ("/ideas/new", "/ideas/map"):
        page.goto(path)
        page.locator(".map.leaflet-container").wait_for()
        axe_check(page)
