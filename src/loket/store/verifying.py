"""Verifying the audit log (store/audit.py) against itself, its key, the anchor and the payments.

What is checked: every link and every hash; that nothing is missing from the middle; that the end
is at least what the anchor (store/anchor.py) recorded when a customer was last told (removing
rows from the end leaves a valid shorter chain: the anchor is what catches that); and that every
payment's state and amount are what its audit trail says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from loket.store import anchor
from loket.store.anchor import Mark
from loket.store.audit import GENESIS, digest, keyed_digest, keyed_from
from loket.store.db import store_of

AUTO = object()
MAX_PAYMENT_FINDINGS = 200  # a ledger loaded behind loket's back must not fill the memory


@dataclass(frozen=True)
class Finding:
    text: str  # Indonesian, one line
    row: int | None = None


@dataclass(frozen=True)
class Verdict:
    rows: int
    head_id: int
    head_hash: str
    broken_at: int | None = None  # the first row whose link does not hold
    reason: str = ""  # the first broken link, in English (logs, tests)
    findings: tuple[Finding, ...] = ()
    payments: int = 0  # payments compared with their trail
    keyed_from: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class _Chain:
    """One pass over the rows; findings are grouped into runs so a rewrite is one line."""

    key: bytes | None
    keyed_from: int
    rows: int = 0
    prev: str = GENESIS
    expected: int = 1
    broken_at: int | None = None
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    altered: list[int] = field(default_factory=list)  # [first, last] of the current run
    keyed_rows: int = 0
    keyed_bad: int = 0

    def broke(self, row: int, reason: str) -> None:
        if self.broken_at is None:
            self.broken_at, self.reason = row, reason

    def close_run(self) -> None:
        if self.altered:
            first, last = self.altered
            where = f"baris #{first}" if first == last else f"baris #{first}–#{last}"
            self.findings.append(
                Finding(f"{where} diubah: isinya tidak cocok dengan hash-nya", first)
            )
            self.altered = []

    def row(
        self,
        row_id: int,
        at: str,
        actor: str,
        action: str,
        detail: str,
        prev_hash: str,
        stored: str,
    ) -> None:
        self.rows += 1
        if row_id != self.expected:
            self.close_run()
            gap = (
                f"baris #{self.expected}"
                if row_id == self.expected + 1
                else f"baris #{self.expected}–#{row_id - 1}"
            )
            self.findings.append(Finding(f"{gap} hilang dari log audit", self.expected))
            self.broke(self.expected, f"row {self.expected} is missing (next is {row_id})")
        elif prev_hash != self.prev:
            self.close_run()
            self.findings.append(
                Finding(f"baris #{row_id} tidak menyambung ke baris sebelumnya", row_id)
            )
            self.broke(row_id, f"row {row_id} does not follow row {row_id - 1}")
        keyed = row_id >= self.keyed_from
        if keyed:
            self.keyed_rows += 1
        if not keyed:
            good = digest(prev_hash, at, actor, action, detail) == stored
        elif self.key is None:
            good = True  # no key to check with: reported once, below
        else:
            good = keyed_digest(self.key, prev_hash, at, actor, action, detail) == stored
        if good:
            self.close_run()
        else:
            self.keyed_bad += keyed
            self.broke(row_id, f"row {row_id} was altered")
            self.altered = [self.altered[0] if self.altered else row_id, row_id]
        self.prev, self.expected = stored, row_id + 1


def verify(
    engine: Engine, key: bytes | None = None, anchored: Mark | None | object = AUTO
) -> Verdict:
    """Check the whole log. ``key``: the store's own unless given; ``anchored``: the mark of the
    anchor beside the database unless given (None: no anchor to compare with)."""
    with engine.connect() as conn:
        key = key if key is not None else store_of(conn).key
        if isinstance(anchored, Mark) or anchored is None:
            return _verify(conn, key, anchored)
        return _verify(conn, key, _anchored(store_of(conn).path))


def _verify(conn: Connection, key: bytes | None, anchored: Mark | None) -> Verdict:
    """One pass over the log, in the caller's read transaction."""
    mark = keyed_from(conn)
    findings: list[Finding] = []
    start = mark[0] if mark else (anchored.keyed_from if anchored and anchored.keyed_from else 1)
    if mark is None:
        findings.append(Finding("penanda awal rantai berkunci (audit_keyed) hilang dari log audit"))
    elif anchored is not None and anchored.keyed_from and anchored.keyed_from != mark[0]:
        findings.append(
            Finding(
                f"rantai berkunci mulai di baris #{mark[0]}, padahal jangkar "
                f"mencatat #{anchored.keyed_from}: log audit ditulis ulang"
            )
        )
    chain = _Chain(key, start)
    cursor = conn.exec_driver_sql(
        "SELECT id, at, actor, action, detail, prev_hash, hash FROM auditentry ORDER BY id"
    )
    for row in cursor:
        chain.row(*row)
    chain.close_run()
    if key is None and chain.keyed_rows:
        findings.append(Finding("kunci audit tidak ditemukan: baris berkunci tidak bisa diperiksa"))
    elif chain.keyed_rows and chain.keyed_bad == chain.keyed_rows:
        findings.append(
            Finding(
                "tidak satu pun baris berkunci cocok: kunci audit yang "
                "dipakai salah, atau seluruh log ditulis ulang"
            )
        )
    findings = chain.findings + findings
    if anchored is not None:
        findings += _against_anchor(conn, chain, anchored)
    compared, trail = _payments_against_trail(conn, mark[1] if mark else 0)
    findings += trail
    head_id, head_hash = chain.expected - 1, chain.prev
    return Verdict(
        chain.rows,
        head_id,
        head_hash,
        chain.broken_at,
        chain.reason,
        tuple(findings),
        compared,
        start,
    )


def _anchored(path: Path) -> Mark | None:
    try:
        held = anchor.load(path)
    except anchor.AnchorUnreadable:
        return None  # reported by anchor.findings
    return held.mark if held else None


def _against_anchor(conn: Connection, chain: _Chain, anchored: Mark) -> list[Finding]:
    if not anchored.audit_id:
        return []
    row = conn.exec_driver_sql(
        "SELECT hash FROM auditentry WHERE id = ?", (anchored.audit_id,)
    ).first()
    if row is None:
        return [
            Finding(
                f"log audit terpotong: berakhir di baris #{chain.expected - 1}, padahal "
                f"sudah sampai #{anchored.audit_id} saat terakhir diakui (jangkar)",
                chain.expected,
            )
        ]
    if row[0] != anchored.audit_hash:
        return [
            Finding(
                f"baris #{anchored.audit_id} tidak sama dengan yang dicatat jangkar: "
                f"log audit ditulis ulang",
                anchored.audit_id,
            )
        ]
    return []


# Driven from the audit side so each join is an index look-up (payment.ref_id, rowids): a
# LEFT JOIN from payment onto the grouped trail would scan the trail once per payment.
TRAIL = """
WITH trail AS (
  SELECT json_extract(detail, '$.ref_id') AS ref_id, min(id) AS first_id, max(id) AS last_id
  FROM auditentry WHERE action = 'payment' AND json_valid(detail) GROUP BY 1)
SELECT p.ref_id, p.state, p.total, json_extract(l.detail, '$.to'), l.id,
       json_extract(f.detail, '$.total')
FROM trail t
JOIN payment p ON p.ref_id = t.ref_id
JOIN auditentry l ON l.id = t.last_id
JOIN auditentry f ON f.id = t.first_id
WHERE json_extract(l.detail, '$.to') IS NOT p.state
   OR (p.id > ? AND json_extract(f.detail, '$.total') IS NOT p.total)
ORDER BY p.id
"""
UNTRACED = """
SELECT id, ref_id FROM payment WHERE id > ? AND ref_id NOT IN (
  SELECT json_extract(detail, '$.ref_id') FROM auditentry
  WHERE action = 'payment' AND json_valid(detail))
ORDER BY id
"""
ORPHANS = """
SELECT json_extract(detail, '$.ref_id') AS ref_id, min(id) FROM auditentry
WHERE action = 'payment' AND json_valid(detail) GROUP BY 1
HAVING ref_id NOT IN (SELECT ref_id FROM payment) ORDER BY 2
"""


def _payments_against_trail(conn: Connection, unaudited_to: int) -> tuple[int, list[Finding]]:
    """Every payment's state and amount against its audit trail, in SQL (a million payments
    must not become a million Python objects)."""
    found: list[Finding] = []
    more = 0

    def add(finding: Finding) -> None:
        nonlocal more
        if len(found) < MAX_PAYMENT_FINDINGS:
            found.append(finding)
        else:
            more += 1

    # a payment taken before the audit log existed (up to ``unaudited_to``) has no recorded
    # amount to compare: its trail starts at its first state change after the upgrade
    for ref, state, total, audited, last_id, audited_total in conn.exec_driver_sql(
        TRAIL, (unaudited_to,)
    ):
        if audited != state:
            add(
                Finding(
                    f"status pembayaran {ref} diubah di luar loket: {state}, padahal log "
                    f"audit terakhir (#{last_id}) {audited}",
                    last_id,
                )
            )
        else:
            add(
                Finding(
                    f"jumlah pembayaran {ref} diubah di luar loket: {total}, padahal log "
                    f"audit mencatat {audited_total}"
                )
            )
    for _pid, ref in conn.exec_driver_sql(UNTRACED, (unaudited_to,)):
        add(Finding(f"pembayaran {ref} tidak punya jejak di log audit"))
    for ref, first_id in conn.exec_driver_sql(ORPHANS):
        add(
            Finding(
                f"pembayaran {ref} ada di log audit (#{first_id}) tetapi hilang dari tabel "
                f"pembayaran",
                first_id,
            )
        )
    if more:
        found.append(Finding(f"… dan {more} pembayaran lain yang tidak cocok dengan jejaknya"))
    compared = conn.exec_driver_sql("SELECT count(*) FROM payment").scalar_one()
    return compared, found
