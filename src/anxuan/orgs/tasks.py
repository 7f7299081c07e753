"""Background work of the organisation tree. Tasks take ids and are safe to run twice."""

from huey.contrib.djhuey import db_task


@db_task()
def forget_password_sheet(session_key: str, token: str) -> None:
    """Remove an import's initial passwords from the importing person's stored session."""
    from anxuan.orgs.sheets import forget_stored_sheet

    forget_stored_sheet(session_key, token)
