"""Open data and statistics, proved with the core's datasets and the noticeboard plugin."""

import csv
import io

from core.database import db
from core.taxonomy import Neighbourhood


def test_open_data_lists_datasets_with_the_etalab_licence(client, app):
    db.session.add(Neighbourhood(name="Rebberg", slug="rebberg"))
    db.session.commit()
    page = client.get("/open-data/")
    assert page.status_code == 200
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in page.text
    assert "/open-data/neighbourhoods.csv" in page.text
    assert "/open-data/notices.json" in page.text


def test_dataset_is_served_as_csv_and_json_without_personal_data(client, users, make_notice):
    make_notice(users["resident"], title="Bancs au parc Salvator")
    make_notice(users["resident"], title="Brouillon caché", state="draft")
    as_csv = client.get("/open-data/notices.csv")
    assert as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [row["title"] for row in rows] == ["Bancs au parc Salvator"]
    assert "resident@example.org" not in as_csv.text
    assert "Rose Resident" not in as_csv.text
    as_json = client.get("/open-data/notices.json").get_json()
    assert as_json["licence"]["name"].startswith("Licence Ouverte")
    assert [row["title"] for row in as_json["rows"]] == ["Bancs au parc Salvator"]
    assert set(as_json["columns"]) == set(as_json["rows"][0])


def test_a_title_that_a_spreadsheet_would_run_as_a_formula_is_made_harmless(
        client, users, make_notice):
    make_notice(users["resident"], title='=HYPERLINK("http://evil.example","Bancs")')
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/notices.csv").text)))
    assert rows[0]["title"] == """'=HYPERLINK("http://evil.example","Bancs")"""
    as_json = client.get("/open-data/notices.json").get_json()
    assert as_json["rows"][0]["title"] == '=HYPERLINK("http://evil.example","Bancs")', \
        "JSON keeps the text as written"


def test_unknown_dataset_is_a_404(client):
    assert client.get("/open-data/nothing.csv").status_code == 404


def test_open_data_licence_is_configurable(client, app):
    app.config["OPEN_DATA_LICENCE_NAME"] = "ODbL 1.0"
    assert client.get("/open-data/notices.json").get_json()["licence"]["name"] == "ODbL 1.0"


def test_stats_page_counts_participants_and_notices_with_a_table(client, users, make_notice):
    make_notice(users["resident"])
    make_notice(users["staff"], title="Second")
    page = client.get("/stats/")
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text and '<table class="chart-figures">' in text
    # 4 confirmed accounts from the users fixture, 2 published notices.
    assert 'class="stat-value">4<' in text
    assert 'class="stat-value">2<' in text
