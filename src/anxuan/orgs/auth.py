from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from anxuan.orgs.models import Person


def people_named(name: str) -> list[Person]:
    """The people whose username or mobile is `name`: one, or none; two only where old data
    holds a clash that `anxuan check_login_names` lists (the login namespace forbids new ones)."""
    return list(Person.objects.filter(Q(username=name) | Q(mobile=name))[:2])


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number, with the same password. A name that
    two people hold (a clash in old data) logs no one in: it would be a guess which one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        found = people_named(username.strip())
        if len(found) != 1:
            Person().set_password(password)  # same cost whether or not the person exists
            return None
        person = found[0]
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None

    # Anxuan's permissions are the `rules` predicates over memberships; Django's per-user and
    # group permission tables are not used (superusers pass every check anyway), so skip the
    # two queries ModelBackend makes on the first permission check of every request.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
