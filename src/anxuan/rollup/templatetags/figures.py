from django import template

from anxuan.rollup.board import percent_text

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """`{{ rate.reporting|percent }}`: 87.5%, as in the Word summary and the dashboard."""
    return percent_text(rate)
