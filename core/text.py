"""Words for French sentences."""


def plural(count: int, one: str, many: str) -> str:
    """French: 0 and 1 take the singular."""
    return many if count > 1 else one
