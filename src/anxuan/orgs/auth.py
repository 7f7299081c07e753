from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from anxuan.orgs.models import Person


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number, with the same password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        username = username.strip()
        person = Person.objects.filter(Q(username=username) | Q(mobile=username)).first()
        if person is None:
            Person().set_password(password)  # same cost whether or not the person exists
            return None
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
