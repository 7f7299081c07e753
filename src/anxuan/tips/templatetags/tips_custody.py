"""What the tip page's identity and files panels may show the person looking at it."""

from dataclasses import dataclass

from django import template

from anxuan.orgs.models import Person
from anxuan.tips import custody
from anxuan.tips.models import Custodian, Tip

register = template.Library()


@dataclass(frozen=True)
class Custody:
    custodian: Custodian | None
    is_custodian: bool  # may reveal the reporter's identity
    may_name: bool  # may name the office's custodian
    may_read_log: bool  # may read the office's access log


@register.simple_tag
def custody_for(tip: Tip, person: Person) -> Custody:
    office = tip.office
    return Custody(
        custodian=custody.custodian_of(office),
        is_custodian=custody.is_custodian(person, office),
        may_name=custody.may_name_custodian(person, office),
        may_read_log=custody.may_read_access_log(person, office),
    )
