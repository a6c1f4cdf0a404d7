"""Owner's settings made in the app (admin fee, offline limits), audited, over the config file."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from loket.errors import LoketError
from loket.store import audit
from loket.store.db import session, write_session
from loket.store.models import Setting

EDITABLE = {
    "fees.admin": int,
    "offline.enabled": bool,
    "offline.family_max_age_days": int,
    "offline.max_payment": int,
    "offline.max_total": int,
    "offline.max_count": int,
    "offline.max_age_hours": int,
}


class SettingError(LoketError):
    pass


def overrides(engine: Engine) -> dict[str, Any]:  # JSON values, checked by change()
    with session(engine) as db:
        return {s.key: json.loads(s.value) for s in db.exec(select(Setting))}


def change(engine: Engine, key: str, value: object, by: str, now: str) -> None:
    kind = EDITABLE.get(key)
    if kind is None:
        raise SettingError(f"{key} tidak bisa diubah di sini")
    negative = isinstance(value, int) and value < 0
    if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or negative)):
        raise SettingError(f"{key}: nilai tidak sah")
    with write_session(engine) as db:
        old = db.get(Setting, key)
        before = json.loads(old.value) if old else None
        db.merge(Setting(key=key, value=json.dumps(value), updated_at=now, updated_by=by))
        db.flush()
        audit.append(
            db.connection(), now, by, "setting_change", {"key": key, "old": before, "new": value}
        )
        db.commit()
