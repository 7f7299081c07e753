"""A campaign repeated in another year takes its rubric along (campaigns' campaign_copied):
sections, items with their rules and numbers, rank groups and awards, the items bound to
the copy's own requirements; no scores. The copy starts as a draft for the office to check."""

from typing import Any

from anxuan.assessment.enums import RubricState
from anxuan.assessment.models import Award, Item, RankGroup, Rubric, Section
from anxuan.campaigns.models import Campaign


def copy_rubric(sender: Any, source: Campaign, copy: Campaign, **kwargs: Any) -> None:
    rubric = Rubric.objects.filter(campaign=source).first()
    if rubric is None:
        return
    # A requirement of the copy is the source's with the same kind, title and order.
    theirs = {(r.kind, r.title, r.order): r.pk for r in copy.requirements.all()}
    requirements = {r.pk: theirs.get((r.kind, r.title, r.order)) for r in source.requirements.all()}
    units = dict(copy.participants.values_list("organization_id", "pk"))
    new = Rubric.objects.create(
        campaign=copy,
        title=rubric.title,
        total_points=rubric.total_points,
        disagreement=rubric.disagreement,
        state=RubricState.DRAFT,
    )
    sections = {}
    for section in rubric.sections.prefetch_related("items"):
        sections[section.pk] = Section.objects.create(
            rubric=new, order=section.order, title=section.title
        )
        for item in section.items.all():
            params = dict(item.measure_params)
            if "requirement" in params:
                params["requirement"] = requirements.get(int(params["requirement"]))
            Item.objects.create(
                section=sections[section.pk],
                **{
                    f.name: getattr(item, f.name)
                    for f in Item._meta.concrete_fields
                    if f.name not in ("id", "section", "measure_params")
                },
                measure_params={k: v for k, v in params.items() if v is not None},
            )
    new.tie_breakers = [sections[pk].pk for pk in rubric.tie_breakers if pk in sections]
    new.save(update_fields=["tie_breakers"])
    for group in rubric.groups.prefetch_related("members", "awards"):
        made = RankGroup.objects.create(
            rubric=new, name=group.name, kinds=group.kinds, order=group.order
        )
        made.members.set(
            [units[m.organization_id] for m in group.members.all() if m.organization_id in units]
        )
        for award in group.awards.all():
            Award.objects.create(
                group=made,
                title=award.title,
                quota=award.quota,
                section=sections.get(award.section_id) if award.section_id else None,
            )
