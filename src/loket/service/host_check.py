"""`loket host check`: what a new agent gets wrong first, one finding per line (Indonesian).

In order: the URL answers; the credentials are accepted (a balance call); the address is
whitelisted; the clocks agree (the host's HTTP ``Date``); the product code is known (where the
agent chooses one: an inquiry of the host's test number in its development mode); and last,
whether this counter's queue gets through (service/queue_health.py). A check that cannot be made
says so. All is well only when nothing failed: a stuck queue fails, payments the host refused are
only noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from loket.clock import Clock
from loket.domain.money import format_rupiah
from loket.domain.outcomes import Meaning, Outcome
from loket.host.base import HostAdapter, HostReply

SKEW_WARN_S = 60.0
SKEW_FAIL_S = 300.0  # the day-end guard: a clock this far off may pay across midnight


class Verdict(StrEnum):
    OK = "OK"
    FAILED = "GAGAL"
    UNCHECKED = "?"  # could not be checked: not a failure
    NOTE = "INFO"  # worth acting on, not a failure of the host (money owed back)


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    text: str

    def __str__(self) -> str:
        return f"{self.verdict.value:<5} {self.text}"


@dataclass
class HostCheck:
    findings: list[Finding] = field(default_factory=list)
    balance: int | None = None
    accepted: bool = False  # the host accepted the credentials

    @property
    def ready(self) -> bool:
        """The counter can take payments: nothing failed and the credentials were accepted."""
        return self.accepted and all(f.verdict is not Verdict.FAILED for f in self.findings)

    def add(self, verdict: Verdict, text: str) -> None:
        self.findings.append(Finding(verdict, text))

    def add_queue(self, path: str | Path, now: datetime) -> None:
        """This counter's queue (the database at ``path``; nothing said before there is one):
        stuck fails the check; payments the host refused are a note."""
        from loket.service import queue_health

        try:
            queue = queue_health.look_at(path, now)
        except queue_health.QueueUnseen as unseen:
            self.add(Verdict.UNCHECKED, f"Antrean tidak dapat dicek: {unseen}")
            return
        if queue is None:
            return
        self.add(Verdict.FAILED if queue.stuck else Verdict.OK, queue.line(now))
        if queue.owed():
            self.add(Verdict.NOTE, queue.owed())


def _why(reply: HostReply) -> str:
    said = reply.cashier_text or reply.message
    return f"{said} (kode {reply.rc})" if reply.rc else said


def check_host(
    host: HostAdapter, clock: Clock, url: str, *, sku: str = "", testing: bool = False
) -> HostCheck:
    result = HostCheck()
    reply = host.balance()
    if not reply.answered:
        result.add(Verdict.FAILED, f"Host {url} tidak dapat dihubungi: {reply.message}")
        return result
    result.add(Verdict.OK, f"Host {url} menjawab")
    if reply.meaning is Meaning.IP_REFUSED:
        result.add(
            Verdict.FAILED,
            "Alamat IP komputer ini belum di-whitelist di host: daftarkan "
            "IP publik loket di panel akun host",
        )
        return result
    if reply.meaning is Meaning.AUTH_REFUSED:
        account, secret = host.credentials
        result.add(Verdict.FAILED, f"{account} atau {secret} ditolak host: {_why(reply)}")
        return result
    if reply.outcome is not Outcome.SUCCESS:
        result.add(Verdict.FAILED, f"Cek saldo tidak berhasil: {_why(reply)}")
        return result
    result.accepted = True
    result.add(Verdict.OK, "{} dan {} diterima; IP diterima".format(*host.credentials))
    _clock(result, getattr(host, "last_date", None), clock.now())
    _product(result, host, sku, testing)
    result.balance = reply.balance
    if reply.balance is None:  # IAK documents no postpaid balance command
        result.add(
            Verdict.UNCHECKED,
            "Saldo deposit: host ini tidak punya perintah cek saldo; "
            "saldo terlihat setelah pembayaran pertama",
        )
    else:
        result.add(Verdict.OK, f"Saldo deposit {format_rupiah(reply.balance)}")
    return result


def _clock(result: HostCheck, host_time: datetime | None, now: datetime) -> None:
    if host_time is None:
        result.add(
            Verdict.UNCHECKED, "Jam: host tidak mengirim tanggal (HTTP Date), tidak dapat dicek"
        )
        return
    skew = (now - host_time).total_seconds()
    ahead = "lebih cepat" if skew > 0 else "lebih lambat"
    said = f"Jam komputer ini {abs(skew):.0f} detik {ahead} dari jam host"
    if abs(skew) >= SKEW_FAIL_S:
        result.add(Verdict.FAILED, f"{said}: setel jam (NTP) sebelum menerima pembayaran")
    elif abs(skew) >= SKEW_WARN_S:
        result.add(Verdict.OK, f"{said}: sebaiknya setel jam (NTP)")
    else:
        result.add(Verdict.OK, "Jam komputer sama dengan jam host")


def _product(result: HostCheck, host: HostAdapter, sku: str, testing: bool) -> None:
    number = host.product_test_number
    if not number:
        result.add(Verdict.OK, "Kode produk: host ini tidak memakai SKU pilihan agen")
        return
    if not testing:
        result.add(
            Verdict.UNCHECKED,
            f"SKU {sku!r}: tidak dapat dicek tanpa mode testing; "
            "pastikan ada di daftar harga akun Digiflazz",
        )
        return
    reply = host.inquiry(host.new_ref("CHECK", 1), number)
    if reply.outcome is Outcome.SUCCESS:
        result.add(Verdict.OK, f"SKU {sku!r} dikenal (cek tagihan nomor uji {number})")
    elif reply.meaning is Meaning.PRODUCT_UNKNOWN:
        result.add(
            Verdict.FAILED,
            f"SKU {sku!r} tidak dikenal atau tidak aktif: periksa "
            "[host] sku dengan daftar harga Digiflazz",
        )
    elif reply.meaning is Meaning.IP_REFUSED:
        result.add(Verdict.FAILED, "Alamat IP komputer ini belum di-whitelist di host")
    else:
        result.add(Verdict.UNCHECKED, f"SKU {sku!r}: cek tagihan nomor uji gagal: {_why(reply)}")
