from decimal import Decimal

from django import template

from anxuan.assessment.scoring import plain

register = template.Library()


@register.filter
def pts(value: Decimal | None) -> str:
    """Points as a scoring table writes them (4, 1.5, 0); blank for none."""
    return "" if value is None else plain(value)
