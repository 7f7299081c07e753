"""`anxuan verify_files`, the file re-verification pass after a restore."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.test_permissions import attached


def verify() -> str:
    out = io.StringIO()
    call_command("verify_files", stdout=out)
    return out.getvalue()


def test_every_stored_file_is_re_read_and_checked(county):
    attached(county, submit=False)

    assert verify().startswith("1 files re-read, 0 missing or different")


def test_a_file_whose_bytes_changed_is_named(county):
    changed = attached(county, submit=False)
    default_storage.delete(changed.storage_name)
    default_storage.save(changed.storage_name, ContentFile(b"not the photo"))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 files are missing or differ"):
        call_command("verify_files", stdout=out)
    assert f"reports.Attachment {changed.pk} {changed.storage_name}: differs" in out.getvalue()


def test_a_file_gone_from_storage_is_named(county):
    gone = attached(county, submit=True)
    default_storage.delete(gone.storage_name)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 files are missing or differ"):
        call_command("verify_files", stdout=out)
    assert f"reports.Attachment {gone.pk} {gone.storage_name}: missing" in out.getvalue()
