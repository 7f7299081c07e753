from typing import Any

from django import template

from anxuan.core.actions import Action, actions_for

register = template.Library()


@register.inclusion_tag("core/_actions.html", takes_context=True)
def actions(context: template.Context, slot: str, obj: Any, **extra: Any) -> dict[str, Any]:
    """`{% actions "campaign" campaign %}`: the buttons other apps registered for the slot."""
    found: list[Action] = actions_for(slot, context["request"].user, obj, **extra)
    return {"actions": found, "csrf_token": context.get("csrf_token")}
