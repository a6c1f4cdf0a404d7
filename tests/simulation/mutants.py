"""Named mutants: each reintroduces a known defect for the length of a ``with active(name)``, so
that the simulation can show it finds it. They patch loket from here, the test side: the code
under test carries no switch.

- ``remint_after_unknown``: a payment's later attempts use a new host reference (``ref-2``, …)
  instead of its own, so an attempt whose answer was lost and that the host did book is paid
  again under another name (the native host then answers "already paid" for the months, and the
  counter believes a failure of a payment the host holds).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from loket.host.native.client import NativeHost

NAMES = ("remint_after_unknown",)


def _remint(self: NativeHost, payment_ref: str, seq: int) -> str:
    return payment_ref if seq == 1 else f"{payment_ref}-{seq}"


@contextlib.contextmanager
def active(name: str | None) -> Iterator[None]:
    if name is None:
        yield
        return
    if name not in NAMES:
        raise ValueError(f"mutant must be one of {', '.join(NAMES)}")
    original = NativeHost.new_ref
    NativeHost.new_ref = _remint  # type: ignore[method-assign]
    try:
        yield
    finally:
        NativeHost.new_ref = original  # type: ignore[method-assign]
