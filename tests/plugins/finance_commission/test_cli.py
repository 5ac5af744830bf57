"""The city's IT imports a year's accounts from the command line, as the import page does:
``flask --app core finance_commission import FILE --year YEAR --population N --debt AMOUNT``."""

from decimal import Decimal

from core.database import db
from core.services.audit import AuditEntry
from plugins.finance_commission.models import AccountLine, FinanceYear


def run(app, *args):
    return app.test_cli_runner().invoke(args=["finance_commission", "import", *map(str, args)])


def test_the_command_imports_a_year_and_the_public_reads_it(app, client, tmp_path, sample):
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(sample("simple.csv"))
    result = run(app, accounts, "--year", 2024, "--population", 100000, "--debt", 36000000)
    assert result.exit_code == 0, result.output
    assert "The accounts of 2024 are imported: 15 lines" in result.stdout
    year = db.session.scalar(db.select(FinanceYear))
    assert (year.year, year.population, year.outstanding_debt) == (2024, 100000, Decimal("36000000.00"))
    assert "€460.00" in client.get("/finances/indicators/operating_expenditure_per_inhabitant").text
    assert "6.0 years" in client.get("/finances/indicators/debt_capacity").text


def test_the_command_reads_the_scdl_format_and_replaces_a_year(app, tmp_path, sample):
    accounts = tmp_path / "budget.csv"
    accounts.write_bytes(sample("scdl.csv"))
    assert run(app, accounts, "--year", 2023, "--population", 90000).exit_code == 0
    result = run(app, accounts, "--year", 2023, "--population", 91000)
    assert result.exit_code == 0 and "The accounts of 2023 are replaced: 15 lines" in result.stdout
    year = db.session.scalar(db.select(FinanceYear))
    assert year.stage == "compte administratif" and year.population == 91000 and year.outstanding_debt is None
    actions = list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["finance_commission.accounts_imported", "finance_commission.accounts_replaced"]


def test_bad_lines_are_listed_and_nothing_is_imported(app, tmp_path, sample):
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(sample("simple.csv").replace(b"2024,F,D,real,011", b"2024,X,D,real,011")
                         .replace(b"8000000.00", b"eight"))
    result = run(app, accounts, "--year", 2024, "--population", 100000)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Line 2: Unknown section “X” (F or I expected)." in result.stderr
    assert "Line 9: The amount “eight” is not a number." in result.stderr
    assert "Nothing was imported" in result.stderr
    assert db.session.scalar(db.select(db.func.count(AccountLine.id))) == 0


def test_a_file_of_another_kind_is_refused_with_a_reason(app, tmp_path, sample):
    spreadsheet = tmp_path / "accounts.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04\x14\x00\r\x00\x08\x00" + bytes(range(256)) * 8)
    result = run(app, spreadsheet, "--year", 2024, "--population", 100000)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Line 1: This line cannot be read: is the file really a CSV file?" in result.stderr
    broken = tmp_path / "broken.csv"
    broken.write_bytes(sample("simple.csv").replace(b"Rents", b"R" * 200_000))
    result = run(app, broken, "--year", 2024, "--population", 100000)
    assert result.exit_code == 1 and "Line 10: This line cannot be read" in result.stderr
    notes = tmp_path / "notes.csv"
    notes.write_text("Our accounts, as told by the mayor\n")
    result = run(app, notes, "--year", 2024, "--population", 100000)
    assert result.exit_code == 1 and "neither an SCDL budget file nor the simple format" in result.stderr
    assert db.session.scalar(db.select(db.func.count(FinanceYear.id))) == 0


def test_wrong_options_are_explained(app, tmp_path, sample):
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(sample("simple.csv"))
    assert "The year is 2024, not 2025." in run(app, accounts, "--year", 2025, "--population", 100000).stderr
    missing = run(app, tmp_path / "nowhere.csv", "--year", 2024, "--population", 100000)
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    negative = run(app, accounts, "--year", 2024, "--population", 100000, "--debt", "-5")
    assert negative.exit_code == 2 and "not an amount in euros" in negative.stderr
    no_population = run(app, accounts, "--year", 2024)
    assert no_population.exit_code == 2 and "--population" in no_population.stderr
    assert db.session.scalar(db.select(db.func.count(FinanceYear.id))) == 0
