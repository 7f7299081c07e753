"""Where the integrity app plugs into the apps below it (each owns the registry)."""


def connect() -> None:
    from django.utils.translation import gettext_lazy as _

    from anxuan.integrity import rules, selectors, tasks  # rules registers the permissions
    from anxuan.reports import followups
    from anxuan.rollup import columns

    del rules
    followups.register("integrity", lambda version_id: tasks.check_version(version_id))
    columns.register(
        "integrity.confirmed", _("Suspected formalism (confirmed)"), selectors.confirmed_by_unit
    )
