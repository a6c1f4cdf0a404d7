"""``loket hub init``, ``add-counter`` and ``add-owner``: the hub's schema and its login roles."""

from __future__ import annotations

from loket.cli.hub.inputs import hub_config


def init(args) -> int:
    from loket.service.hub import desk as hub_desk

    moved = hub_desk.init_hub(hub_config(args), args.url)
    print("Hub siap. Tambahkan peran per kasir-terminal: loket hub add-counter TERMINAL")
    if moved:
        print(
            f"{moved} baris lama tidak terbaca: disisihkan ke tabel set_aside (tidak "
            "dihapus); laporan hub menyebut outletnya"
        )
    return 0


def add_role(args) -> int:
    """``add-counter`` and ``add-owner``."""
    from loket.service.hub import desk as hub_desk

    role = hub_desk.add_role(
        hub_config(args), args.url, args.name, owner_role=args.hub_action == "add-owner"
    )
    done = "diberi kata sandi baru" if role.existed else "dibuat"
    print(f"Peran {role.name} {done}. Kata sandinya (hanya ditampilkan sekali):")
    print(role.password)
    print("Simpan di variabel lingkungan yang disebut [hub] password_env di komputer itu.")
    return 0
