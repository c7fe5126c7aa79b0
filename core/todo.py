"""« À faire »: what waits for a person, gathered from every app without the home page
importing them. Each app registers its providers when it is ready (apps.py); a provider reads
the person's roles and returns the items that wait for them, each a link to where it is done.

Core knows nothing of the domain: a provider gets the user, today and the set of their roles
(as stored strings), and runs its queries only for the roles it serves, so a person pays only
for the lists they have."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class TodoItem:
    """One thing to do. `due_on` is its deadline, if it has one; `since` when it began to
    wait (for what has no deadline). `detail` is a sentence under the title (a reviewer's
    comment, who still has to sign)."""

    group: str
    title: str
    url: str
    due_on: date | None = None
    since: date | None = None
    detail: str = ""
    action: str = ""  # the link's words, where the title alone does not say what to do

    def is_late(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class TodoQuery:
    user: object
    today: date
    roles: frozenset = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


Provider = Callable[[TodoQuery], Iterable[TodoItem]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Adds a provider (once, however often an app is made ready); usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _urgency(item: TodoItem):
    """Most urgent first: by deadline (the longest overdue on top), then what has no deadline,
    oldest waiting first."""
    if item.due_on is not None:
        return (0, item.due_on, item.group, item.title)
    return (1, item.since or date.max, item.group, item.title)


def collect(user, roles: Iterable[str], today: date | None = None) -> list[TodoItem]:
    if not user.is_authenticated:
        return []
    query = TodoQuery(user=user, today=today or timezone.localdate(), roles=frozenset(roles))
    items = [item for provider in _providers for item in provider(query)]
    return sorted(items, key=_urgency)


def local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None
