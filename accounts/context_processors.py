from functools import partial

from .todo import known_count


def memberships(request):
    """The user's roles, for the header: loaded once per page, with their organisations."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_memberships": list(user.memberships.with_organisations()),
        # A callable, read where the badge is drawn, after the view has run.
        "todo_count": partial(known_count, request),
    }
