from functools import partial

from .todo import count_for_request


def memberships(request):
    """The user's roles, for the header: loaded once per page, with their organisations."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_memberships": list(user.memberships.with_organisations()),
        # A callable: the template calls it only where the badge is drawn, and the list is
        # computed once per request (the home page shares it).
        "todo_count": partial(count_for_request, request),
    }
