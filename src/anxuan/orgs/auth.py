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
