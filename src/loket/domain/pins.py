"""Which PINs are too easy to guess to be set.

A counter's PIN is six to twelve digits typed in view of customers; five wrong tries lock the
account for a while, so an attacker gets a handful of guesses — and the first ones anyone tries
are the same digit repeated, a run on the keypad, a short pattern repeated, or one of the few
PINs everyone picks. Those are refused wherever a PIN is set (the form is checked in
``store/cashiers.validate_pin``; who may set one in ``service/accounts.py``).
"""

from __future__ import annotations

# Common choices that the rules below do not catch (keypad shapes, mirrored runs, paired runs).
COMMON = frozenset(
    {
        "112233",
        "123321",
        "147258",
        "147852",
        "159753",
        "258369",
        "321123",
        "456123",
        "789456",
        "123654",
        "654123",
        "102030",
        "121314",
        "520520",
        "098098",
    }
)


def _steps(pin: str) -> set[int]:
    return {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}


def _repeated_block(pin: str) -> bool:
    """``121212``, ``123123``, ``1234512345``: a shorter block, repeated to fill the PIN."""
    return any(
        len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size)
        for size in range(1, len(pin) // 2 + 1)
    )


def is_weak(pin: str) -> bool:
    """True for a PIN of digits that is among the first guesses: at most two distinct digits,
    an ascending or descending run (``123456``, ``987654``, ``890123``), a repeated block, or a
    well-known choice."""
    if not pin.isdigit():
        return False  # the form is checked elsewhere; this judges only the choice of digits
    if len(set(pin)) <= 2 or _repeated_block(pin) or pin in COMMON:
        return True
    return _steps(pin) in ({1}, {9})
