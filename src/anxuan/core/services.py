"""What every app's write services share: the "leave it as it is" default of an editing
service's keyword-only arguments, and the one helper that applies the values given."""

from enum import Enum
from typing import Final

from django.db import models


class Unchanged(Enum):
    """The default of an editing service's field argument: the caller left it out, so the
    field keeps its value (or, on a new object, the model's default). A typed sentinel
    rather than None, because None is a real value of nullable fields (`due_at=None`)."""

    UNCHANGED = "unchanged"

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = Unchanged.UNCHANGED


def assign_and_save(obj: models.Model, /, **values: object) -> None:
    """Set each of `values` on `obj` except those left UNCHANGED, then full_clean() and
    save(). Only the service's own typed parameters reach here, so the names are the
    model's fields: Python refuses any other name at the service's call."""
    for name, value in values.items():
        if value is not UNCHANGED:
            setattr(obj, name, value)
    obj.full_clean()
    obj.save()
