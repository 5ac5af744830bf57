"""Importing a year's accounts from CSV: the SCDL budget format, or the plugin's simple format.

**SCDL** ("Budget des collectivités et établissements publics locaux", schema.data.gouv.fr):
the file a city already publishes. Columns read: ``BGT_NATDEC`` (budget stage: "compte
administratif" for the actual accounts, "budget primitif", "budget supplémentaire",
"décision modificative"), ``BGT_ANNEE``, ``BGT_SIRET``, ``BGT_NOM``, ``BGT_CONTNAT`` (chapter),
``BGT_NATURE`` (account), ``BGT_NATURE_LABEL``, ``BGT_FONCTION``, ``BGT_SECTION``
(``fonctionnement`` / ``investissement``), ``BGT_OPBUDG`` (``réel`` / ``ordre``), ``BGT_CODRD``
(``dépense`` / ``recette``), ``BGT_MTREAL`` (amount realised, read for the administrative
account) and ``BGT_MTPREV`` (amount voted, read for the other stages; ``BGT_MTBUDG`` is accepted
in its place). Other columns of the schema are accepted and ignored. Short codes (``F``/``I``,
``0``/``1``, ``D``/``R``) found in some publications are accepted too.

**Simple format**: one header line ``year,section,direction,operation,chapter,account,label,amount``
(an optional ``function`` column may follow), comma or semicolon separated; ``section`` is
``F`` (operating) or ``I`` (investment), ``direction`` ``D`` (expenditure) or ``R`` (revenue),
``operation`` ``real`` or ``order``; ``account`` is an M57 account number (M14 accepted);
``amount`` in euros, with a point or a comma for the decimals. See ``samples/simple.csv``.

Every bad line is reported with its number and the reason; nothing is imported then.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.services.audit import record as audit
from core.database import db, utcnow

from .models import AccountLine, FinanceYear

SCDL_REQUIRED = ("BGT_NATDEC", "BGT_ANNEE", "BGT_NATURE", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD")
SIMPLE_COLUMNS = ("year", "section", "direction", "operation", "chapter", "account", "label", "amount")
ACTUAL_STAGE = "compte administratif"
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Parsed:
    """What a file holds: its format, its lines, and the errors found (line number, reason)."""

    format: str = ""
    stage: str = ACTUAL_STAGE
    siret: str = ""
    entity_name: str = ""
    lines: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return text.strip().lower()


def _amount(raw: str) -> Decimal:
    cleaned = (raw or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "") if cleaned.rfind(",") > cleaned.rfind(".") else cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


SECTIONS = {"f": "F", "fonctionnement": "F", "operating": "F", "i": "I", "investissement": "I",
            "investment": "I"}
DIRECTIONS = {"d": "D", "depense": "D", "depenses": "D", "expenditure": "D", "r": "R", "recette": "R",
              "recettes": "R", "revenue": "R"}
OPERATIONS = {"0": True, "reel": True, "reelle": True, "real": True, "r": True,
              "1": False, "ordre": False, "order": False, "o": False}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def parse(data: bytes, year: int) -> Parsed:
    """Read a CSV file for ``year``: every line checked, every problem listed."""
    parsed = Parsed()
    if len(data) > MAX_BYTES:
        parsed.errors.append((0, str(_l("The file is too large (20 MB at most)."))))
        return parsed
    reader = _reader(_decode(data))
    try:
        _read(reader, year, parsed)
    except csv.Error:  # not CSV text at all (a spreadsheet, a PDF...), or a broken line
        parsed.errors.append((reader.line_num + 1, str(_l(
            "This line cannot be read: is the file really a CSV file? Save a spreadsheet as CSV "
            "(comma or semicolon separated) first."))))
    return parsed


def _read(reader: csv.DictReader, year: int, parsed: Parsed) -> None:
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    if "BGT_NATDEC" in header:
        parsed.format = "scdl"
        missing = [name for name in SCDL_REQUIRED if name not in header]
    elif "account" in [h.lower() for h in header]:
        parsed.format = "simple"
        reader.fieldnames = [h.lower() for h in header]
        missing = [name for name in SIMPLE_COLUMNS if name not in reader.fieldnames]
    else:
        parsed.errors.append((1, str(_l("This is neither an SCDL budget file nor the simple format: "
                                        "the first line must name the columns."))))
        return
    if missing:
        parsed.errors.append((1, str(_l("Missing columns: %(columns)s.", columns=", ".join(missing)))))
        return
    stages = set()
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            line = _scdl_line(row, year, stages, parsed) if parsed.format == "scdl" else _simple_line(row, year)
        except ValueError as problem:
            parsed.errors.append((number, str(problem)))
            continue
        parsed.lines.append(line)
    if len(stages) > 1:
        parsed.errors.append((0, str(_l("The file mixes several budget stages (%(stages)s): import one "
                                        "stage at a time.", stages=", ".join(sorted(stages))))))
    if not parsed.lines and not parsed.errors:
        parsed.errors.append((0, str(_l("The file holds no account line."))))


def _common(year_value: str, year: int, section: str, direction: str, operation: str, account: str):
    if (year_value or "").strip() != str(year):
        raise ValueError(_l("The year is %(found)s, not %(year)s.", found=(year_value or "").strip() or "?",
                            year=year))
    section_code = SECTIONS.get(_fold(section))
    if section_code is None:
        raise ValueError(_l("Unknown section “%(value)s” (F or I expected).", value=section))
    direction_code = DIRECTIONS.get(_fold(direction))
    if direction_code is None:
        raise ValueError(_l("Unknown direction “%(value)s” (expenditure or revenue expected).", value=direction))
    real = OPERATIONS.get(_fold(operation))
    if real is None:
        raise ValueError(_l("Unknown operation “%(value)s” (real or order expected).", value=operation))
    account = (account or "").strip()
    if not (account.isascii() and account.isdigit()) or len(account) > 20:
        raise ValueError(_l("The account number “%(value)s” is not a number.", value=account))
    return section_code, direction_code, real, account


def _read_amount(raw: str) -> Decimal:
    try:
        return _amount(raw)
    except (InvalidOperation, ValueError):
        raise ValueError(_l("The amount “%(value)s” is not a number.", value=raw or "")) from None


def _simple_line(row: dict, year: int) -> dict:
    section, direction, real, account = _common(row.get("year"), year, row.get("section"),
                                                row.get("direction"), row.get("operation"), row.get("account"))
    return {"section": section, "direction": direction, "is_real": real, "account": account,
            "chapter": (row.get("chapter") or "").strip()[:10], "label": (row.get("label") or "").strip()[:250],
            "function": (row.get("function") or "").strip()[:10], "amount": _read_amount(row.get("amount"))}


def _scdl_line(row: dict, year: int, stages: set, parsed: Parsed) -> dict:
    section, direction, real, account = _common(row.get("BGT_ANNEE"), year, row.get("BGT_SECTION"),
                                                row.get("BGT_CODRD"), row.get("BGT_OPBUDG"), row.get("BGT_NATURE"))
    stage = _fold(row.get("BGT_NATDEC"))
    if not stage:
        raise ValueError(_l("The budget stage (BGT_NATDEC) is empty."))
    stages.add(stage)
    parsed.stage = stage
    parsed.siret = parsed.siret or (row.get("BGT_SIRET") or "").strip()[:14]
    parsed.entity_name = parsed.entity_name or (row.get("BGT_NOM") or "").strip()[:200]
    if stage == ACTUAL_STAGE:
        column = "BGT_MTREAL"
    else:
        column = "BGT_MTPREV" if "BGT_MTPREV" in row or "BGT_MTBUDG" not in row else "BGT_MTBUDG"
    raw = (row.get(column) or "").strip()
    if not raw:
        raise ValueError(_l("The amount (%(column)s) is empty.", column=column))
    return {"section": section, "direction": direction, "is_real": real, "account": account,
            "chapter": (row.get("BGT_CONTNAT") or "").strip()[:10],
            "label": (row.get("BGT_NATURE_LABEL") or "").strip()[:250],
            "function": (row.get("BGT_FONCTION") or "").strip()[:10], "amount": _read_amount(raw)}


def save_year(year: int, population: int, outstanding_debt: Decimal | None, parsed: Parsed, user) -> FinanceYear:
    """Replace the accounts of ``year`` with ``parsed`` (audited). The caller commits."""
    if parsed.errors:
        raise ValueError("a file with errors is never imported")
    existing = db.session.scalar(select(FinanceYear).where(FinanceYear.year == year))
    replaced = existing is not None
    if replaced:
        previous = {"lines": len(existing.lines), "population": existing.population,
                    "imported_at": existing.imported_at.isoformat()}
        db.session.delete(existing)
        db.session.flush()
    finance_year = FinanceYear(
        year=year, population=population, outstanding_debt=outstanding_debt, stage=parsed.stage,
        source_format=parsed.format, siret=parsed.siret, entity_name=parsed.entity_name,
        imported_at=utcnow(), imported_by_id=getattr(user, "id", None),
    )
    finance_year.lines = [AccountLine(**line) for line in parsed.lines]
    db.session.add(finance_year)
    db.session.flush()
    details = {"year": year, "lines": len(parsed.lines), "format": parsed.format, "population": population}
    if replaced:
        audit("finance_commission.accounts_replaced", finance_year, summary=str(year), previous=previous,
              **details)
    else:
        audit("finance_commission.accounts_imported", finance_year, summary=str(year), **details)
    return finance_year
