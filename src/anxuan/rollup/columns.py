"""Columns that apps downstream of rollup add to the reporting board (its page, its .xlsx
and its API answer), without rollup importing them: an app registers a provider in its
AppConfig.ready, and the board asks each provider for a campaign's values per unit.

A provider returns {participant id: value}; a unit missing from it reads 0.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise

from anxuan.campaigns.models import Campaign

Provider = Callable[[Campaign], Mapping[int, int]]


@dataclass(frozen=True)
class Column:
    name: str  # a stable key, e.g. "integrity.confirmed"
    header: str | Promise  # what the page and the .xlsx show above it
    provider: Provider


_columns: dict[str, Column] = {}


def register(name: str, header: str | Promise, provider: Provider) -> None:
    """Add (or replace, so that a second ready() is harmless) the column `name`."""
    _columns[name] = Column(name, header, provider)


def registered() -> list[Column]:
    """The columns in the order they were registered."""
    return list(_columns.values())
