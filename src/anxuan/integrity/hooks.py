"""Where the integrity app plugs into the apps below it (each owns the registry)."""


def connect() -> None:
    from anxuan.integrity import rules, tasks  # rules registers the permissions
    from anxuan.reports import followups

    del rules
    followups.register("integrity", lambda version_id: tasks.check_version(version_id))
