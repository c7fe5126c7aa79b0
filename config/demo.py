"""The whole demo world, in the order its parts build on one another: the parties and people,
then the conventions between them, then the schools' progress under the signed ones."""

from django.db import transaction


@transaction.atomic
def load_full_demo():
    """Returns the demo accounts and the demo conventions. Safe to run again."""
    from accounts.demo import load_demo
    from conventions.demo import load_conventions_demo
    from pilotage.demo import load_pilotage_demo

    accounts = load_demo()
    conventions = load_conventions_demo()
    load_pilotage_demo()
    return accounts, conventions
