"""anxuan check_login_names: list the names two people log in with (old data)."""

from django.core.management.base import BaseCommand, CommandError

from anxuan.orgs.selectors import login_name_clashes


def _who(person) -> str:
    return f"{person.get_full_name()} (id {person.pk}, username {person.username})"


class Command(BaseCommand):
    help = (
        "List login names that are one person's username and another's mobile. Such a name "
        "logs no one in until one of the two is changed."
    )

    def handle(self, *args, **options) -> None:
        clashes = login_name_clashes()
        for clash in clashes:
            self.stdout.write(f"{clash.name}: {_who(clash.holder)} and {_who(clash.other)}")
        if clashes:
            raise CommandError(f"{len(clashes)} login names are held by two people.")
        self.stdout.write("No login name is held by two people.")
