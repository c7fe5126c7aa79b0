"""The person's « À faire », once per request: the home page lists it and the navigation
counts it, from the same list (core.todo gathers what the apps register)."""

from core import todo

CACHE_ATTRIBUTE = "_pilotis_todo"


def items_for_request(request) -> list[todo.TodoItem]:
    cached = getattr(request, CACHE_ATTRIBUTE, None)
    if cached is None:
        user = request.user
        roles = user.memberships.values_list("role", flat=True) if user.is_authenticated else []
        cached = todo.collect(user, roles)
        setattr(request, CACHE_ATTRIBUTE, cached)
    return cached


def count_for_request(request) -> int:
    return len(items_for_request(request))


def known_count(request) -> int | None:
    """The count, if this request has already gathered the list (the home page); None
    otherwise, and the navigation asks for it apart (`todo_count` view), so that no page pays
    for the lists it does not show."""
    cached = getattr(request, CACHE_ATTRIBUTE, None)
    return None if cached is None else len(cached)
