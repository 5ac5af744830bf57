"""Staff import a year's accounts; the public reads the indicators, their trend and the budget."""

import csv
import io

from core.services.audit import AuditEntry
from core.database import db
from plugins.finance_commission.models import AccountLine, FinanceYear


def test_staff_import_the_simple_format_and_the_public_reads_the_indicators(app, client, login, users, upload, sample):
    login(client, users["staff"])
    response = upload(client, sample("simple.csv"))
    assert response.status_code == 302
    client = app.test_client()
    page = client.get("/finances/indicators/operating_expenditure_per_inhabitant").get_data(as_text=True)
    assert "€460.00" in page
    assert "Real operating expenditure divided by the population." in page
    assert "<svg" in page and "<table" in page
    assert "€6.0" not in page
    capacity = client.get("/finances/indicators/debt_capacity").get_data(as_text=True)
    assert "6.0 years" in capacity and "Below 8 years: comfortable." in capacity
    budget = client.get("/finances/budget").get_data(as_text=True)
    assert "Schools and education" in budget


def test_an_scdl_file_is_imported_as_published(client, login, users, upload, sample):
    login(client, users["staff"])
    assert upload(client, sample("scdl.csv"), year=2023).status_code == 302
    year = db.session.scalar(db.select(FinanceYear))
    assert year.stage == "compte administratif" and year.siret == "21000000000000"
    assert len(year.lines) == 15


def test_bad_lines_are_reported_and_nothing_is_imported(client, login, users, upload, sample):
    login(client, users["staff"])
    data = sample("simple.csv").replace(b"2024,F,D,real,011", b"2024,X,D,real,011").replace(
        b"8000000.00", b"eight")
    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 2: Unknown section" in page and "Line 9: The amount" in page
    assert db.session.scalar(db.select(db.func.count(AccountLine.id))) == 0


def test_another_year_in_the_file_is_refused(client, login, users, upload, sample):
    login(client, users["staff"])
    response = upload(client, sample("simple.csv"), year=2025)
    assert "The year is 2024, not 2025." in response.get_data(as_text=True)


def test_reimporting_a_year_replaces_it_and_is_audited(client, login, users, upload, sample):
    login(client, users["staff"])
    upload(client, sample("simple.csv"))
    upload(client, sample("simple.csv"), population=200000)
    assert db.session.scalar(db.select(db.func.count(FinanceYear.id))) == 1
    assert db.session.scalar(db.select(FinanceYear.population)) == 200000
    assert db.session.scalar(db.select(db.func.count(AccountLine.id))) == 15
    actions = list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "finance_commission.accounts_replaced" in actions


def test_residents_cannot_import(client, login, users, upload, sample):
    login(client, users["resident"])
    assert upload(client, sample("simple.csv")).status_code == 403


def test_open_data_exports_the_accounts_in_the_scdl_format(client, login, users, upload, sample):
    login(client, users["staff"])
    upload(client, sample("simple.csv"))
    csv_text = client.get("/open-data/city-accounts.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    # The columns and allowed values of the SCDL "budget" schema (schema.data.gouv.fr).
    assert list(rows[0]) == [
        "BGT_NATDEC", "BGT_ANNEE", "BGT_SIRET", "BGT_NOM", "BGT_CONTNAT", "BGT_CONTNAT_LABEL",
        "BGT_NATURE", "BGT_NATURE_LABEL", "BGT_FONCTION", "BGT_FONCTION_LABEL", "BGT_OPERATION",
        "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "BGT_MTREAL", "BGT_MTBUDGPREC", "BGT_MTRARPREC",
        "BGT_MTPROPNOUV", "BGT_MTPREV", "BGT_CREDOUV", "BGT_MTRAR3112", "BGT_ARTSPE",
    ]
    assert {row["BGT_SECTION"] for row in rows} <= {"fonctionnement", "investissement"}
    assert {row["BGT_OPBUDG"] for row in rows} <= {"réel", "ordre"}
    assert {row["BGT_CODRD"] for row in rows} == {"dépense", "recette"}
    # ...so that the file the plugin publishes imports back unchanged.
    assert upload(client, csv_text.encode(), year=2024).status_code in (200, 302)
    assert client.get("/open-data/city-accounts.csv").get_data(as_text=True) == csv_text
    indicators = client.get("/open-data/finance-indicators.json").get_json()
    assert "460.0" in str(indicators)


def test_the_finances_page_shows_the_latest_year_in_the_same_queries_whatever_the_years(
        app, client, login, users, upload, sample):
    from core.testing import count_queries

    login(client, users["staff"])
    upload(client, sample("simple.csv").replace(b"2024,", b"2020,"), year=2020)
    visitor = app.test_client()
    count_queries(visitor, "/finances/")  # the first visit creates the commission
    few, _page = count_queries(visitor, "/finances/")
    for year in (2021, 2022, 2023, 2024):
        population = 100000 + year
        upload(client, sample("simple.csv").replace(b"2024,", f"{year},".encode()), year=year,
               population=population)
    many, page = count_queries(visitor, "/finances/")
    assert many == few
    assert "The indicators of 2024" in page.text and "102,024" in page.text


def test_a_file_that_is_not_csv_is_refused_with_a_reason(client, login, users, upload):
    login(client, users["staff"])
    response = upload(client, b"PK\x03\x04\x14\x00\r\x00\x08\x00" + bytes(range(256)) * 8, name="accounts.xlsx")
    assert response.status_code == 422
    assert "is the file really a CSV file?" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(FinanceYear.id))) == 0
