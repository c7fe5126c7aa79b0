"""The library's database and cache checks, with a French title for the status page. A check's
`note` is what the page says beside « OK » (a state that is not a failure)."""

import dataclasses
from typing import ClassVar

from health_check import checks


@dataclasses.dataclass
class Database(checks.Database):
    title: ClassVar[str] = "Base de données"


@dataclasses.dataclass
class Cache(checks.Cache):
    title: ClassVar[str] = "Cache partagé"
