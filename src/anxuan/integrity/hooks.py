"""Where the integrity app plugs into the apps below it (each owns the registry)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anxuan.campaigns.measures import Query, Values


def connect() -> None:
    from django.utils.translation import gettext_lazy as _

    from anxuan.campaigns import measures
    from anxuan.integrity import rules, selectors, tasks  # rules registers the permissions
    from anxuan.reports import followups
    from anxuan.rollup import columns

    del rules
    followups.register("integrity", lambda version_id: tasks.check_version(version_id))
    columns.register(
        "integrity.confirmed", _("Suspected formalism (confirmed)"), selectors.confirmed_by_unit
    )
    measures.register(
        measures.Measure(
            "integrity.confirmed_flags",
            _("Confirmed suspected formalism"),
            _("flags"),
            (),
            confirmed_flags,
            _("Flags on the unit's reports that the office confirmed (a deduction)."),
        )
    )


def confirmed_flags(query: "Query") -> "Values":
    """Confirmed flags per participant: 0 for a unit with none."""
    from decimal import Decimal

    from anxuan.integrity.selectors import confirmed_by_unit

    found = confirmed_by_unit(query.campaign)
    return {pid: Decimal(found.get(pid, 0)) for pid in query.participant_ids}
