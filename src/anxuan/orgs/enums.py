from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town / subdistrict")
    DEPARTMENT = "department", _("Member department")
    STATIONED = "stationed", _("Stationed unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other unit")


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    OFFICE_STAFF = "office_staff", _("Office staff")
    LIAISON = "liaison", _("Liaison")
    REVIEWER = "reviewer", _("Reviewer")
    EXPERT = "expert", _("Expert")


OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF})
REVIEW_ROLES = frozenset({*OFFICE_ROLES, Role.REVIEWER})  # the office and its reviewers
