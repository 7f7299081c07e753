"""Spreadsheets in and out, safely: text written into an .xlsx or .csv cell that cannot run
as a formula, and uploaded .xlsx files checked for what they unpack to before any parsing.

Formula injection (OWASP "CSV injection"): Excel, WPS and LibreOffice take a cell whose text
begins with =, +, -, @, a tab or a carriage return as a formula, or make it one when the
cell is edited: a unit named `=HYPERLINK(...)` would be a live link, `=cmd|' /C calc'!A0` a
command. Every exporter passes its rows through `sheet_row` (or a cell through
`cell_text`): such text gets a leading single quote, so it reads as the text it is and
openpyxl writes it as a string cell, never a formula. Numbers, dates and None are left
alone: a negative number stays a number. `typed_text` undoes the quote when a file we wrote
is imported again.

Zip bombs: an .xlsx is a zip archive whose XML members openpyxl inflates (the shared
strings wholly into memory, even when reading in read-only mode), so a 5 MB upload may
unpack to gigabytes. `check_xlsx_archive` reads only the archive's directory and refuses an
archive that unpacks to too much in total, or a large member packed far tighter than real
spreadsheets ever are. Python's zipfile stops inflating a member at the size its directory
declares (and then fails its checksum), so the declared sizes are a true bound.
"""

import zipfile
from collections.abc import Iterable
from typing import IO, TypeVar

from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# XML members of real workbooks pack 5 to 30 times; a member larger than MIN_CHECKED that
# packs tighter than MAX_RATIO is made to blow up.
MAX_RATIO = 100
MIN_CHECKED = 1 << 20

V = TypeVar("V")


class ArchiveError(Exception):
    """The upload is not a workbook that may be opened; the message says why, to the
    person. `code` is "unpacked_too_large", "damaged" or "not_xlsx"."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def cell_text(value: V) -> V | str:
    """The value as a spreadsheet cell may hold it: text that a spreadsheet would take for
    a formula gets a leading quote; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return QUOTE + value
    return value


def sheet_row(values: Iterable[V]) -> list[V | str]:
    """A row of cells through `cell_text`."""
    return [cell_text(v) for v in values]


def typed_text(text: str) -> str:
    """The text as typed, from a cell `cell_text` wrote: without the quote it added."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def check_xlsx_archive(fileobj: IO[bytes], *, max_unpacked: int) -> None:
    """Refuse (ArchiveError) an upload that is not a zip archive with a workbook in it, that
    unpacks to more than `max_unpacked` bytes, or one of whose large members packs tighter
    than MAX_RATIO. Reads the archive's directory only; leaves the file at its start."""
    too_large = ArchiveError(
        _(
            "The file unpacks to far more than a spreadsheet of this kind would; check that "
            "it is the right file, or save it again as .xlsx."
        ),
        "unpacked_too_large",
    )
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(
            _("The Excel file could not be read; it may be damaged. Save it again as .xlsx."),
            "damaged",
        ) from exc
    finally:
        fileobj.seek(0)
    if not any(m.filename.startswith("xl/") for m in members):
        raise ArchiveError(
            _("This is not an Excel .xlsx file. Save it as .xlsx and try again."), "not_xlsx"
        )
    if sum(m.file_size for m in members) > max_unpacked:
        raise too_large
    for member in members:
        if member.file_size > MIN_CHECKED and member.file_size > MAX_RATIO * member.compress_size:
            raise too_large
