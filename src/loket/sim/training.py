"""What a cashier in training is told of the simulated host: its name, and its test numbers with
what each one shows, read from the simulator's own data (the fixed families, each profile's
scripted numbers) so that help says what the simulator does.

In Indonesian: these lines are shown as they are (F1 help, the login screen).
"""

from __future__ import annotations

from loket.domain.billing import ARREARS_CAP
from loket.sim.population import FIXED_FAMILIES, NOT_FOUND, SimFamily
from loket.sim.profiles import digiflazz, iak

NAMES = {"loket": "host loket", "digiflazz": "Digiflazz", "iak": "IAK"}
PAYS_BACK = "uang kembali"
SCRIPTS = {  # a scripted test number, as the counter shows it
    "success": "tagihan contoh, bayar sukses",
    "inquiry_fails": "cek tagihan gagal",
    "pending:success": "diproses, lalu sukses",
    "pending:fail": f"diproses, lalu gagal: {PAYS_BACK}",
    "inquiry:01": "sudah lunas",
    "inquiry:14": "nomor salah",
    "inquiry:103": "cek tagihan: host terlalu lama",
}


def name(profile: str) -> str:
    return f"{NAMES[profile]} (simulator)"


def numbers(profile: str) -> tuple[tuple[str, str], ...]:
    """The profile's own test numbers first, then the families every profile serves."""
    own: list[tuple[str, str]] = []
    if profile == "digiflazz":
        own = [(number, _script(s)) for number, s in digiflazz.TEST_NUMBERS.items()]
    elif profile == "iak":
        own = [(number, _script(s)) for number, s in iak.OLDER_LIST.items()]
        scheme = iak.SCHEME_PREFIX
        own += [
            (f"{scheme}0RRR", "cek tagihan dijawab kode RRR"),
            (f"{scheme}1RRR", "bayar dijawab kode RRR (000 sukses)"),
        ]
    families = [(f.members[0].card_no, _family(f)) for f in FIXED_FAMILIES]
    return (*own, *families, (NOT_FOUND, "tidak ditemukan"))


def _script(script: str) -> str:
    if script in SCRIPTS:
        return SCRIPTS[script]
    kind, _, rc = script.partition(":")
    if kind == "fail":
        return f"bayar gagal (kode {rc}): {PAYS_BACK}"
    return f"cek tagihan ditolak (kode {rc})"


def _family(family: SimFamily) -> str:
    if family.kind != "mandiri":
        return f"{family.kind.upper()}: tidak bisa dibayar"
    if family.pending:
        return SCRIPTS["pending:" + family.pending]
    if family.paid_offset >= 0:
        return "sudah lunas bulan ini"
    owed = -family.paid_offset - 1  # months before the current one
    if owed == 0:
        return f"keluarga {len(family.members)} orang, bulan ini"
    capped = f" (ditagih {ARREARS_CAP})" if owed > ARREARS_CAP else ""
    return f"tunggakan {owed} bulan{capped}"
