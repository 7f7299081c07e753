import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
REGION_CODE_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1."), code="mobile"
        )


def validate_region_code(value: str) -> None:
    if not REGION_CODE_RE.match(value):
        raise ValidationError(
            _("A region code has 6, 9 or 12 digits (GB/T 2260 and town codes)."),
            code="region_code",
        )
