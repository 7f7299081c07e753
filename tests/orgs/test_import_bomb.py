"""An uploaded unit list that unpacks to far more than it weighs (a zip bomb) is refused
from the archive's directory, before anything is inflated, on the page and in the API."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.urls import reverse

from anxuan.orgs import importing
from tests.orgs.test_importing import GOOD, read, xlsx

TOO_LARGE = "文件解压后过大"
STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>'
)


def bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose shared strings gain one string of `unpacked_mb` MB of "A":
    a few hundred KB that openpyxl would inflate whole into memory."""
    good = zipfile.ZipFile(io.BytesIO(xlsx(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in good.infolist():
            if member.filename != "xl/sharedStrings.xml":
                archive.writestr(member, good.read(member))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(STRINGS_HEAD)
            chunk = b"A" * (1 << 20)
            for _ in range(unpacked_mb):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    return bomb(60)  # past the 50 MB the import allows in all


def test_an_archive_that_unpacks_past_the_limit_is_refused_without_inflating(db, big_bomb):
    assert len(big_bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(importing.ImportFileError) as exc:
            read(big_bomb)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert TOO_LARGE in str(exc.value)
    assert peak < 5 * 1024 * 1024  # the 60 MB string was never made


def test_a_bomb_that_understates_its_sizes_inflates_no_further_than_it_says(db):
    """Its directory says 1000 bytes: zipfile stops there, and the checksum fails."""
    good = zipfile.ZipFile(io.BytesIO(xlsx(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in good.infolist():
            content = good.read(member)
            if member.filename == "xl/sharedStrings.xml":
                content = STRINGS_HEAD + b"A" * (60 << 20) + b"</t></si></sst>"
            archive.writestr(member, content)
    lying = bytearray(out.getvalue())
    name = b"xl/sharedStrings.xml"
    local = lying.find(name) - 30
    central = lying.rfind(name) - 46
    struct.pack_into("<I", lying, local + 22, 1000)  # uncompressed size, local header
    struct.pack_into("<I", lying, central + 24, 1000)  # and in the central directory
    tracemalloc.start()
    try:
        with pytest.raises(importing.ImportFileError, match="无法读取该 Excel 文件"):
            read(bytes(lying))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 5 * 1024 * 1024


def test_a_member_packed_far_tighter_than_a_spreadsheet_is_refused(db):
    content = bomb(5)  # within the total, but 5 MB from a few KB

    with pytest.raises(importing.ImportFileError, match=TOO_LARGE):
        read(content)


def test_a_zip_that_is_no_workbook_is_refused_as_not_xlsx(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(importing.ImportFileError) as exc:
        read(out.getvalue())

    assert "这不是 Excel .xlsx 文件" in str(exc.value)
    assert exc.value.code == "unsupported_file_type"


def test_a_truncated_workbook_is_refused_as_damaged(db):
    content = xlsx(GOOD)

    with pytest.raises(importing.ImportFileError, match="无法读取该 Excel 文件"):
        read(content[: len(content) // 2])


def test_the_import_page_refuses_a_bomb_with_the_message(county, login, big_bomb):
    upload = io.BytesIO(big_bomb)
    upload.name = "units.xlsx"

    response = login(county.office_admin).post(
        reverse("orgs:org_import", args=[county.county.pk]), {"file": upload}
    )

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
