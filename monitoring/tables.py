"""Read an indicator table as statistics offices publish it, from CSV or XLSX.

Two layouts are understood, told apart by the header:

- **long**: one row per area and period, with columns for the area, the period and the
  value, and optionally the breakdown, the source and the status;
- **wide**: one row per area (and breakdown), one column per year (``2019``, ``2020`` …).

Headers may be German or English (``Gebiet``/``area``, ``Jahr``/``Zeitraum``/``period``,
``Wert``/``value``, ``Merkmal``/``dimension``, ``Ausprägung``/``group``,
``Quelle``/``source``, ``Status``). Numbers may be written the German way ("1.234,5").
The result is a list of ``Cell`` rows with the place (row, column) of every value, so that
each problem can be reported where it is; nothing here looks at the database.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Header words per column, lower case, without spaces and punctuation.
HEADERS: dict[str, tuple[str, ...]] = {
    "area": (
        "gebiet",
        "area",
        "kommune",
        "gemeinde",
        "municipality",
        "ags",
        "regionalschlüssel",
        "gemeindeschlüssel",
        "raum",
        "region",
    ),
    "period": ("jahr", "year", "zeitraum", "period", "stichtag", "datum", "date"),
    "value": ("wert", "value", "anzahl", "anteil", "quote"),
    "dimension": ("merkmal", "dimension", "aufschlüsselung", "breakdown"),
    "group": ("ausprägung", "gruppe", "group", "kategorie", "category"),
    "source": ("quelle", "source"),
    "status": ("status", "stand"),
}
YEAR = re.compile(r"^(19|20)\d\d$")
DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$|^(\d\d)\.(\d\d)\.(\d{4})$")
MAX_ROWS = 200_000


class TableError(ValueError):
    """The file as a whole cannot be read (not CSV or XLSX, no header, columns missing)."""


@dataclass(frozen=True)
class Field:
    text: str
    row: int  # 1-based, as a spreadsheet shows it
    column: str  # the header of the column


@dataclass(frozen=True)
class Record:
    """One value of the table with its area, period and breakdown, as written."""

    row: int
    area: Field
    period: Field
    value: Field
    dimension: str = ""
    group: str = ""
    source: str = ""
    status: str = ""


def _key(header: str) -> str:
    return re.sub(r"[\s_\-./()]", "", header.strip().lower())


def _role(header: str) -> str | None:
    key = _key(header)
    for role, words in HEADERS.items():
        if key in words:
            return role
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly every byte
        raise TableError(_("The file is neither UTF-8 nor Windows text."))
    if "\x00" in text:
        raise TableError(_("The file is not a table in CSV format."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc
    sheet = book.worksheets[0]
    rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def rows_of(name: str, data: bytes) -> list[list[str]]:
    """The file's cells as text, by its content (an XLSX is a zip) and then its name."""
    if data[:2] == b"PK":
        return _xlsx_rows(data)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise TableError(_("The file is not a readable XLSX workbook."))
    return _csv_rows(data)


def read(name: str, data: bytes) -> list[Record]:
    """Every value of the table as a ``Record``; ``TableError`` if the file cannot be read."""
    rows = rows_of(name, data)
    # The header is the first row that names an area column; statistics offices put
    # titles and notes above it. Failing that, the first row that is not empty.
    filled = [i for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not filled:
        raise TableError(_("The file is empty."))
    start = next((i for i in filled[:20] if any(_role(c) == "area" for c in rows[i])), filled[0])
    if len(rows) - start > MAX_ROWS:
        raise TableError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    header = [c.strip() for c in rows[start]]
    roles = {i: _role(h) for i, h in enumerate(header)}
    years = {i: h for i, h in enumerate(header) if YEAR.match(h)}
    found = {role for role in roles.values() if role}
    if "area" not in found:
        raise TableError(
            _("No column for the area (“Gebiet”, “Kommune”, “AGS” or “area”) in %(header)s.")
            % {"header": ", ".join(header)}
        )
    if years and "value" not in found:
        return _wide(rows, start, header, roles, years)
    missing = [r for r in ("period", "value") if r not in found]
    if missing:
        raise TableError(
            _(
                "The columns for the period (“Jahr”) and the value (“Wert”) are missing, and "
                "there are no year columns (“2023”, “2024” …): %(header)s."
            )
            % {"header": ", ".join(header)}
        )
    return _long(rows, start, header, roles)


def _column(roles: dict[int, str | None], role: str) -> int | None:
    return next((i for i, r in roles.items() if r == role), None)


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _long(
    rows: list[list[str]], start: int, header: list[str], roles: dict[int, str | None]
) -> list[Record]:
    at = {role: _column(roles, role) for role in HEADERS}
    records = []
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue

        def field(role: str, row: list[str] = row, number: int = number) -> Field:
            index = at[role]
            return Field(_cell(row, index), number, header[index] if index is not None else "")

        records.append(
            Record(
                row=number,
                area=field("area"),
                period=field("period"),
                value=field("value"),
                dimension=_cell(row, at["dimension"]),
                group=_cell(row, at["group"]),
                source=_cell(row, at["source"]),
                status=_cell(row, at["status"]),
            )
        )
    return records


def _wide(
    rows: list[list[str]],
    start: int,
    header: list[str],
    roles: dict[int, str | None],
    years: dict[int, str],
) -> list[Record]:
    at = {role: _column(roles, role) for role in HEADERS}
    area_column = at["area"]
    assert area_column is not None
    records = []
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        area = Field(_cell(row, area_column), number, header[area_column])
        for index, year in years.items():
            text = _cell(row, index)
            if text in ("", "-", "–", ".", "x"):
                continue  # statistics offices mark "no value" like this
            records.append(
                Record(
                    row=number,
                    area=area,
                    period=Field(year, number, year),
                    value=Field(text, number, year),
                    dimension=_cell(row, at["dimension"]),
                    group=_cell(row, at["group"]),
                    source=_cell(row, at["source"]),
                    status=_cell(row, at["status"]),
                )
            )
    return records


def number(text: str) -> Decimal | None:
    """A number as written in a German or an English table, or None."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("%", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", cleaned) or re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def period(text: str) -> tuple[str, int] | None:
    """A period as stored ("2024" or "2024-12-31") and its year, or None."""
    if YEAR.match(text):
        return text, int(text)
    match = DATE.match(text)
    if match is None:
        return None
    if match.group(1):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
    import datetime as dt

    try:
        day_ = dt.date(year, month, day)
    except ValueError:
        return None
    return day_.isoformat(), year
