"""Importing candidates from a CSV file (paper forms, partners' lists).

The file has a header line; the columns are ``first_name``, ``last_name``, ``birth_date``
(``YYYY-MM-DD`` or ``DD/MM/YYYY``), ``email`` and/or ``phone``, ``address``, ``neighbourhood``
(name), ``college`` (name), ``gender`` (a value's label or key), ``consent`` (yes/oui/ja/1),
optional ``motivation``, and one column per feature the city added (named by its key).
Commas or semicolons separate the columns; UTF-8 (or Windows-1252) text.

Every row is checked first: each bad row is reported with its line number and reason. The good
rows are then imported in one transaction — all of them or, if anything fails, none: a row is
never half-imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from core.database import db, utcnow
from core.taxonomy import Neighbourhood

from .councils import candidates_of, taken_pseudonyms, unique_pseudonym
from .eligibility import refresh_flags
from .models import Candidate, Council

REQUIRED = ("first_name", "last_name", "birth_date", "neighbourhood", "college", "gender", "consent")
YES = {"yes", "y", "oui", "o", "ja", "j", "1", "true", "x", "vrai"}
MAX_ROWS = 5000


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    """What a file holds: the rows ready to import, and each bad row's line and reason."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    fatal: str | None = None


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check(council: Council, text: str) -> ImportReport:
    """Read and check every row of ``text`` (nothing is written)."""
    report = ImportReport()
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        report.fatal = _("The file is empty.")
        return report
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    missing = [name for name in REQUIRED if name not in headers]
    if "email" not in headers and "phone" not in headers:
        missing.append("email")
    if missing:
        report.fatal = _("Columns missing from the header line: %(columns)s.",
                         columns=", ".join(missing))
        return report
    context = _Context(council)
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            report.fatal = _("The file has more than %(count)s rows: split it.", count=MAX_ROWS)
            return report
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        problem, parsed = context.parse(values)
        if problem:
            report.errors.append(RowError(number, problem))
        else:
            parsed["line"] = number
            report.rows.append(parsed)
    if not report.rows and not report.errors:
        report.fatal = _("The file has no rows below its header line.")
    return report


class _Context:
    """The council's colleges, neighbourhoods and feature values, looked up by name."""

    def __init__(self, council: Council):
        self.council = council
        self.colleges = {c.name.casefold(): c for c in council.colleges}
        neighbourhoods = db.session.scalars(db.select(Neighbourhood)).all()
        self.neighbourhoods = {}
        for n in neighbourhoods:
            self.neighbourhoods[n.name.casefold()] = n
            self.neighbourhoods[n.slug.casefold()] = n
        self.choices = {}
        for feature in council.features:
            if feature.kind in ("gender", "custom"):
                lookup = {}
                for value in feature.values:
                    lookup[value.key.casefold()] = value.key
                    lookup[value.label.casefold()] = value.key
                self.choices[feature.key] = (feature, lookup)

    def parse(self, row: dict[str, str]) -> tuple[str | None, dict]:
        for name in ("first_name", "last_name"):
            if not row.get(name):
                return _("The column %(column)s is empty.", column=name), {}
        if len(row["first_name"]) > 100 or len(row["last_name"]) > 100:
            return _("A name is longer than 100 characters."), {}
        birth = parse_date(row.get("birth_date", ""))
        if birth is None or not date(1900, 1, 1) <= birth <= date.today():
            return _("The birth date “%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY).",
                     value=row.get("birth_date", "")), {}
        email, phone = row.get("email", ""), row.get("phone", "")
        if not email and not phone:
            return _("Give an e-mail address or a phone number."), {}
        if email and ("@" not in email or " " in email or len(email) > 254):
            return _("The e-mail address “%(value)s” is not valid.", value=email), {}
        college = self.colleges.get(row.get("college", "").casefold())
        if college is None:
            return _("No college is named “%(value)s”.", value=row.get("college", "")), {}
        neighbourhood = self.neighbourhoods.get(row.get("neighbourhood", "").casefold())
        if neighbourhood is None:
            return _("No neighbourhood is named “%(value)s”.", value=row.get("neighbourhood", "")), {}
        if row.get("consent", "").casefold() not in YES:
            return _("The candidate's consent is not recorded (consent column: yes)."), {}
        chosen = {}
        for key, (feature, lookup) in self.choices.items():
            column = "gender" if feature.kind == "gender" else key
            given = row.get(column, "")
            if given.casefold() not in lookup:
                return _("“%(value)s” is not a value of %(feature)s.", value=given,
                         feature=feature.name), {}
            chosen[key] = lookup[given.casefold()]
        return None, {
            "first_name": row["first_name"], "last_name": row["last_name"],
            "birth_date": birth, "email": email.lower() or None, "phone": phone[:40] or None,
            "address": row.get("address", "")[:250], "motivation": row.get("motivation", ""),
            "college": college, "neighbourhood": neighbourhood, "chosen": chosen,
        }


def import_rows(council: Council, rows: list[dict]) -> list[Candidate]:
    """Create the candidates of the checked ``rows`` and flag them; the caller commits (one
    transaction: every row or none)."""
    taken = taken_pseudonyms(council.id)
    now = utcnow()
    created = []
    for row in rows:
        candidate = Candidate(
            council_id=council.id, college=row["college"], college_id=row["college"].id,
            pseudonym=unique_pseudonym(council.id, taken),
            first_name=row["first_name"], last_name=row["last_name"], birth_date=row["birth_date"],
            email=row["email"], phone=row["phone"], address=row["address"],
            neighbourhood=row["neighbourhood"], neighbourhood_id=row["neighbourhood"].id,
            motivation=row["motivation"], features=row["chosen"], consent_at=now, source="import",
        )
        db.session.add(candidate)
        created.append(candidate)
    db.session.flush()
    refresh_flags(council, candidates_of(council))
    return created
