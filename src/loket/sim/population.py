"""The simulator's customers: fixed test numbers plus a deterministic population from a seed.

A family is generated on demand from ``(seed, index)``, so 50,000+ families cost no memory and no
start-up time. Payment history is relative to the simulator's current month (``paid_offset``)
until a payment posts, which the ledger then records as an absolute ``paid_through``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from loket.domain.billing import Member

POPULATION_BASE = 20_000_000_000  # card tails of generated families start here
SLOT = 8  # card tails reserved per family (at most 7 members)
DEFAULT_FAMILIES = 60_000

FIRST = [
    "AGUS",
    "BUDI",
    "SITI",
    "DEWI",
    "RINA",
    "HENDRA",
    "YULI",
    "EKO",
    "SRI",
    "WAHYU",
    "NURUL",
    "IWAN",
    "ASTUTI",
    "JOKO",
    "LESTARI",
    "BAMBANG",
    "RATNA",
    "ADI",
    "PUTRI",
    "DIAN",
    "FITRI",
    "SURYA",
    "INDAH",
    "RUDI",
    "WATI",
    "ANDI",
    "KARTIKA",
    "YUSUF",
    "AYU",
    "BAYU",
    "MEGA",
]
LAST = [
    "SANTOSO",
    "WIJAYA",
    "HARTONO",
    "SALIM",
    "KURNIAWAN",
    "PRATAMA",
    "SETIAWAN",
    "HIDAYAT",
    "NUGROHO",
    "SAPUTRA",
    "LUBIS",
    "SIREGAR",
    "NASUTION",
    "GINTING",
    "SIMANJUNTAK",
    "HALIM",
    "GUNAWAN",
    "RAHMAN",
    "SUSANTO",
    "WIBOWO",
]
BRANCHES = (
    "JAKARTA PUSAT",
    "JAKARTA SELATAN",
    "BEKASI",
    "DEPOK",
    "BOGOR",
    "TANGERANG",
    "BANDUNG",
    "SEMARANG",
    "SURABAYA",
    "MEDAN",
    "MAKASSAR",
    "DENPASAR",
    "YOGYAKARTA",
    "PALEMBANG",
)
SITUATIONS = ("current", "arrears", "long_arrears", "paid", "pbi", "ppu")


@dataclass(frozen=True)
class SimFamily:
    va_tail: str  # last 11 digits of the head's card: the family VA is 88888 + this
    head_name: str
    branch: str
    members: tuple[Member, ...]
    kind: str = "mandiri"  # mandiri | pbi | ppu
    paid_offset: int = -1  # paid through (current month + offset) until a payment posts
    pending: str | None = None  # "success" | "fail": payments go pending first

    @property
    def situation(self) -> str:
        if self.kind != "mandiri":
            return self.kind
        if self.paid_offset >= 0:
            return "paid"
        if self.paid_offset == -1:
            return "current"
        return "long_arrears" if self.paid_offset < -25 else "arrears"


def _fixed(tail: str, members: list[tuple[str, str, int]], **kw) -> SimFamily:
    ms = tuple(Member(card, name, klass) for card, name, klass in members)
    return SimFamily(va_tail=tail, head_name=ms[0].name, members=ms, **kw)


FIXED_FAMILIES = (
    _fixed(
        "01000000011",
        [
            ("0001000000011", "SITI AMINAH", 3),
            ("0001000000102", "BUDI SANTOSO", 3),
            ("0001000000110", "RINA SANTOSO", 3),
        ],
        branch="JAKARTA PUSAT",
    ),
    _fixed(
        "01000000029",
        [("0001000000029", "AGUS SALIM", 1), ("0001000000128", "DEWI LESTARI", 2)],
        branch="BEKASI",
        paid_offset=-3,
    ),
    _fixed("01000000037", [("0001000000037", "SUPARMAN", 3)], branch="DEPOK", paid_offset=-31),
    _fixed("01000000045", [("0001000000045", "MARYATI", 3)], branch="BOGOR", kind="pbi"),
    _fixed("01000000053", [("0001000000053", "HENDRA WIJAYA", 1)], branch="TANGERANG", kind="ppu"),
    _fixed(
        "01000000061",
        [
            ("0001000000061", "YULI ASTUTI", 2),
            ("0001000000136", "EKO PRASETYO", 2),
            ("0001000000144", "NUR AINI", 2),
            ("0001000000152", "BAYU PRASETYO", 2),
        ],
        branch="BANDUNG",
        paid_offset=0,
    ),
    _fixed(
        "01000000078",
        [("0001000000078", "WAHYU HIDAYAT", 3), ("0001000000160", "SRI WAHYUNI", 3)],
        branch="SEMARANG",
        pending="success",
    ),
    _fixed(
        "01000000086",
        [("0001000000086", "IWAN KURNIAWAN", 3), ("0001000000179", "RATNA SARI", 3)],
        branch="SURABAYA",
        pending="fail",
    ),
)


NOT_FOUND = "0001999999999"  # a fixed number no family has (rc 54)


class Population:
    def __init__(self, seed: int = 1, size: int = DEFAULT_FAMILIES) -> None:
        self.seed = seed
        self.size = size
        self._by_card: dict[str, SimFamily] = {}
        for family in FIXED_FAMILIES:
            for member in family.members:
                self._by_card[member.card_no[-11:]] = family

    def find(self, customer_no: str) -> SimFamily | None:
        """Any member's card number or VA resolves to the whole family."""
        tail = customer_no[-11:]
        if tail in self._by_card:
            return self._by_card[tail]
        if not tail.isdigit():
            return None
        offset = int(tail) - POPULATION_BASE
        if not 0 <= offset < self.size * SLOT:
            return None
        family = self.family(offset // SLOT)
        return family if offset % SLOT < len(family.members) else None

    def family(self, index: int) -> SimFamily:
        rng = random.Random(self.seed * 1_000_003 + index)
        size = rng.choices(range(1, 8), weights=(15, 20, 22, 20, 12, 7, 4))[0]
        klass = rng.choices((1, 2, 3), weights=(15, 30, 55))[0]
        surname = rng.choice(LAST)
        base = POPULATION_BASE + index * SLOT
        members = tuple(
            Member(
                card_no=f"00{base + j:011d}",
                name=f"{rng.choice(FIRST)} {surname}",
                klass=klass if rng.random() < 0.9 else rng.choice((1, 2, 3)),
            )
            for j in range(size)
        )
        kind = rng.choices(("mandiri", "pbi", "ppu"), weights=(92, 4, 4))[0]
        roll = rng.random()
        if roll < 0.45:
            offset = -1
        elif roll < 0.65:
            offset = rng.randint(0, 3)
        elif roll < 0.90:
            offset = -rng.randint(2, 25)
        else:
            offset = -rng.randint(26, 41)
        return SimFamily(
            va_tail=f"{base:011d}",
            head_name=members[0].name,
            branch=rng.choice(BRANCHES),
            members=members,
            kind=kind,
            paid_offset=offset,
        )

    def families(self) -> Iterator[SimFamily]:
        yield from FIXED_FAMILIES
        for index in range(self.size):
            yield self.family(index)
