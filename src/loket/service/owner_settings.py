"""The owner's settings made in the app (admin fee, offline limits): shown, parsed, checked,
stored with an audit row and applied to the running counter — for the owner only."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.money import AmountError, parse_rupiah
from loket.domain.offline import OfflineLimits
from loket.service.access import require_owner
from loket.service.counter import CounterSettings
from loket.store import settings
from loket.store.settings import SettingError

YES, NO = "ya", "tidak"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str  # rupiah | count | yes_no


FIELDS = (
    Field("fees.admin", "Biaya admin per transaksi (Rp)", "rupiah"),
    Field("offline.enabled", "Terima pembayaran offline (ya/tidak)", "yes_no"),
    Field("offline.family_max_age_days", "Data keluarga paling lama (hari)", "count"),
    Field("offline.max_payment", "Maks. per pembayaran offline (Rp)", "rupiah"),
    Field("offline.max_total", "Maks. total antre (Rp)", "rupiah"),
    Field("offline.max_count", "Maks. jumlah antre", "count"),
    Field("offline.max_age_hours", "Maks. umur antre (jam)", "count"),
)
MAX_COUNT = 10_000


def parse(field: Field, text: str) -> int | bool:
    """What the owner typed, the Indonesian way (``2.500``, ``ya``); raises ``SettingError``."""
    text = text.strip()
    if field.kind == "yes_no":
        if text.lower() not in (YES, NO):
            raise SettingError(f"{field.label}: isi {YES} atau {NO}")
        return text.lower() == YES
    try:
        value = parse_rupiah(text, limit=MAX_COUNT if field.kind == "count" else 100_000_000)
    except AmountError as exc:
        raise SettingError(f"{field.label}: {exc}") from None
    return value


def shown(value: object) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


@dataclass
class SettingsDesk:
    engine: Engine
    clock: Clock
    counter_settings: CounterSettings  # the running counter's: changes apply at once
    file_admin_fee: int
    file_offline: OfflineLimits

    def apply(self) -> None:
        """The owner's stored settings over the configuration file, into the running counter."""
        overrides = settings.overrides(self.engine)
        self.counter_settings.admin_fee = overrides.get("fees.admin", self.file_admin_fee)
        limits = {k.split(".", 1)[1]: v for k, v in overrides.items() if k.startswith("offline.")}
        self.counter_settings.offline = replace(self.file_offline, **limits)

    def current(self) -> dict[str, object]:
        limits = self.counter_settings.offline
        values: dict[str, object] = {"fees.admin": self.counter_settings.admin_fee}
        for field in FIELDS[1:]:
            values[field.key] = getattr(limits, field.key.split(".", 1)[1])
        return values

    def values(self, actor: str) -> dict[str, str]:
        require_owner(self.engine, actor)
        return {key: shown(value) for key, value in self.current().items()}

    def change(self, actor: str, typed: dict[str, str]) -> int:
        """Parse everything first (one wrong field changes nothing), then store what differs."""
        require_owner(self.engine, actor)
        before = self.current()
        changes = {}
        for field in FIELDS:
            if field.key in typed:
                value = parse(field, typed[field.key])
                if value != before[field.key]:
                    changes[field.key] = value
        now = iso(self.clock.now())
        for key, value in changes.items():
            settings.change(self.engine, key, value, actor, now)
        self.apply()
        return len(changes)
