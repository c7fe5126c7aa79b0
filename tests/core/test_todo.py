"""The « À faire » registry: most urgent first, each provider asked once, only for the roles
it serves, and nothing for an anonymous visitor."""

from datetime import date

from django.contrib.auth.models import AnonymousUser

from core import todo

TODAY = date(2026, 12, 2)


class Person:
    is_authenticated = True


def test_items_come_most_urgent_first(monkeypatch):
    monkeypatch.setattr(todo, "_providers", [])
    asked = []

    @todo.register
    def provider(query):
        asked.append(query.roles)
        if not query.has("fpo_staff"):
            return []
        return [
            todo.TodoItem("À relire", "waiting since long", "/a", since=date(2026, 10, 1)),
            todo.TodoItem("Échéances", "next month", "/b", due_on=date(2027, 1, 5)),
            todo.TodoItem("Échéances", "overdue", "/c", due_on=date(2026, 11, 1)),
            todo.TodoItem("À relire", "waiting since yesterday", "/d", since=date(2026, 12, 1)),
        ]

    todo.register(provider)  # an app made ready twice registers once
    items = todo.collect(Person(), ["fpo_staff"], today=TODAY)
    assert [i.title for i in items] == [
        "overdue",
        "next month",
        "waiting since long",
        "waiting since yesterday",
    ]
    assert [i.is_late(TODAY) for i in items] == [True, False, False, False]
    assert asked == [frozenset({"fpo_staff"})]
    assert todo.collect(Person(), ["dco"], today=TODAY) == []
    assert todo.collect(AnonymousUser(), ["fpo_staff"], today=TODAY) == []
