"""Typed requests for view signatures."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # for the type checker only: core imports nothing of orgs when it runs
    from anxuan.orgs.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: `user` is the logged-in person, so
    `request.user.memberships` type-checks without a cast."""

    user: "Person"  # narrower than HttpRequest's user
