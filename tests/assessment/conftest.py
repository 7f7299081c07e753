"""The integrity tests' real queue, for the measure that reads confirmed flags."""

from tests.integrity.conftest import worker  # noqa: F401  (a fixture)
