"""Who works the counter: cashiers and the owner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASHIER = "cashier"
    OWNER = "owner"


ROLE_LABELS = {Role.CASHIER: "kasir", Role.OWNER: "pemilik"}


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: Role
    active: bool = True
    locked_until: str = ""

    @property
    def is_owner(self) -> bool:
        return self.active and self.role is Role.OWNER

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]
