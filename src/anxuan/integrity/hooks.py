"""Where the integrity app plugs into the apps below it (each owns the registry)."""


def connect() -> None:
    from anxuan.integrity import tasks
    from anxuan.reports import followups

    followups.register("integrity", lambda version_id: tasks.check_version(version_id))
