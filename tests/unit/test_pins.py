"""Issue 17.7: the first PINs anyone guesses cannot be set."""

import pytest

from loket.domain.pins import is_weak


@pytest.mark.parametrize(
    "pin",
    [
        "111111",
        "000000",
        "123456",
        "654321",
        "987654",
        "890123",
        "012345",
        "121212",
        "123123",
        "112233",
        "110011",
        "1234567890",
        "999999999999",
        "159753",
        "147258",
        "123321",
    ],
)
def test_the_first_guesses_are_weak(pin):
    assert is_weak(pin)


@pytest.mark.parametrize("pin", ["135790", "246802", "582914", "730516", "271828", "3141592653"])
def test_ordinary_pins_are_not(pin):
    assert not is_weak(pin)
