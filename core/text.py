"""Words for French sentences."""


def plural(count: int, one: str, many: str) -> str:
    """French: 0 and 1 take the singular."""
    return many if count > 1 else one


def lower_first(label: str) -> str:
    """A label inside a sentence: « À compléter par le PO » reads « à compléter par le PO »
    (lowering every letter would give « le po »)."""
    return label[:1].lower() + label[1:]
