"""A duration typed wrong is told in words a Belgian reader expects: a decimal comma, no
« 4 chiffres au total »."""

import pytest
from django.core.exceptions import ValidationError

from pilotage.forms import duration_field


@pytest.mark.parametrize(
    "typed,message",
    [
        ("0,2", "La durée est d'au moins 0,5."),
        ("12345", "La durée ne dépasse pas 999,9."),
        ("1,25", "Une seule décimale, par exemple 1,5."),
        ("deux", "Indiquez la durée en chiffres, par exemple 1,5."),
    ],
)
def test_a_wrong_duration_is_explained_in_french(typed, message):
    with pytest.raises(ValidationError) as refused:
        duration_field().clean(typed)
    assert refused.value.messages == [message]


def test_a_duration_with_a_decimal_comma_is_read():
    assert str(duration_field().clean("1,5")) == "1.5"
