"""What each subcommand does; each takes the parsed arguments and returns an exit code."""

from __future__ import annotations

import json
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

from loket.cli import boot
from loket.cli.listing import bill_text, offline_line
from loket.config import ConfigError, data_dir, find_config, load_config, training_config
from loket.domain.money import format_rupiah, parse_rupiah
from loket.domain.states import OWED_BACK, PaymentState
from loket.service.pos import PosError, bill_json


def resolve_config(args):
    path = find_config(getattr(args, "config", None))
    profile = getattr(args, "profile", None)
    if getattr(args, "training", False) or path is None:
        return training_config(profile=profile or "loket")
    if profile is not None:
        raise ConfigError(
            f"--profile hanya untuk mode latihan; host sungguhan dipilih di [host] adapter ({path})"
        )
    return load_config(path)


@contextmanager
def runtime(args):
    rt = boot.start(resolve_config(args))
    try:
        yield rt
    finally:
        rt.close()


def run_tui(args) -> int:
    config = resolve_config(args)
    from loket.tui.app import LoketApp  # the only place the CLI touches Textual

    rt = boot.start(config)
    try:
        LoketApp(rt).run()
    finally:
        rt.close()
    return 0


def run_sim(args) -> int:
    from loket.host.registry import kind
    from loket.sim.app import SimSettings
    from loket.sim.server import serve

    profile = getattr(args, "profile", "loket")
    # Each profile keeps its own ledger by default; the key file beside it is shared.
    db = args.db or str(data_dir() / "sim" / kind(profile).sim_db)
    key = args.key or os.environ.get("LOKET_SIM_KEY") or _sim_key_file(Path(db))
    settings = SimSettings(
        agent_id=args.agent,
        key=key,
        seed=args.seed,
        db_path=db,
        families=args.families,
        pending_delay_s=args.pending_delay,
        profile=profile,
        min_status_interval_s=getattr(args, "min_status_interval", 60.0),
        inquiry_ttl_s=getattr(args, "inquiry_ttl", 900.0),
    )
    where = f"http://{args.host}:{args.port}"
    print(f"loket sim: {where}  profile {profile}  agent {args.agent}  ledger {db}", flush=True)
    serve(settings, args.host, args.port)
    return 0


def _sim_key_file(db: Path) -> str:
    """No key given: one is generated once and kept beside the ledger, readable by its owner only."""
    path = db.with_name("sim.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(16))
        print(f"loket sim: generated an agent key in {path}", flush=True)
    return path.read_text().strip()


def inquiry(args) -> int:
    with runtime(args) as rt:
        result = rt.counter.inquire(args.number, args.months_ahead)
        usable, message = result.usable, result.message
        if args.json:
            print(json.dumps(bill_json(rt.counter, result), indent=2))
        elif usable:
            b = result.bill
            if result.offline:
                print(offline_line(b, result.error))
            print("\n".join(bill_text(b)))
            print(
                f"Iuran {format_rupiah(b.premium)}  admin {format_rupiah(rt.counter.admin_for(b))}"
                f"  total {format_rupiah(rt.counter.total_for(b))}"
            )
        else:
            print(message, file=sys.stderr)
        return 0 if usable else 1


def pay(args) -> int:
    """The POS desk's payment (as ``loket serve``'s ``POST /v1/payments``), once per ``--key``:
    the same key again answers with the payment already made; without one, a fresh key."""
    cash = parse_rupiah(args.cash)  # refused before anything is recorded
    key = args.key if args.key is not None else secrets.token_hex(16)
    with runtime(args) as rt:
        try:
            out = rt.pos_desk().pay(key, args.number, cash, args.months_ahead)
        except PosError as exc:
            if exc.code != "not_paid":  # a key that is none, or was used for another payment
                raise
            detail = {k: v for k, v in exc.detail.items() if k != "state"}
            return _report(args, {"state": "NOT_PAID", "message": str(exc), **detail}, 1)
        return _report(args, out, 0 if out["state"] == PaymentState.SUCCESS else 1)


def _report(args, out: dict, code: int) -> int:
    if args.json:
        print(json.dumps(out, indent=2))
    elif out.get("ref_id"):
        if out["state"] in OWED_BACK:  # refused: the money goes back, not the change
            money = (
                f"KEMBALIKAN {format_rupiah(out['total'])} ke pelanggan (kembalian "
                f"{format_rupiah(out['change'])} belum diberikan? kembalikan semua "
                f"{format_rupiah(out['cash'])})"
                if out["change"]
                else f"KEMBALIKAN {format_rupiah(out['total'])} ke pelanggan"
            )
        else:
            money = f"total {format_rupiah(out['total'])}  kembali {format_rupiah(out['change'])}"
        print(f"{out['state_label']}  ref {out['ref_id']}  sn {out['sn'] or '-'}  {money}")
        if out["message"] and code:
            print(out["message"])
    else:
        print(out["message"], file=sys.stderr)
    return code


def sync(args) -> int:
    from loket.service.forwarding import run_sync

    with runtime(args) as rt:
        return run_sync(rt, once=args.once, out=print)


def serve(args) -> int:
    config = resolve_config(args)
    if args.new_token:
        return new_token(config.serve.token_env)
    token = config.serve.token()  # refused before anything starts
    from loket.serve.server import run

    rt = boot.start(config)
    try:
        return run(rt, args.host, args.port, token)
    finally:
        rt.close()


def new_token(name: str) -> int:
    """A token as `loket serve` wants it, as a line for its environment file; where it goes on
    stderr, so that ``loket serve --new-token > serve.env`` writes the file."""
    print(f"{name}={secrets.token_urlsafe(32)}")
    print(
        f"Simpan baris {name}=... (keluaran perintah ini) di file lingkungan loket serve "
        "(hanya bisa dibaca pemilik, mis. ~/.config/loket/serve.env), lalu jalankan ulang "
        "loket serve; POS mengirim token itu sebagai Authorization: Bearer <token>",
        file=sys.stderr,
    )
    return 0


def reconcile(args) -> int:
    from datetime import date

    try:
        day = date.fromisoformat(args.date).isoformat()
    except ValueError:
        raise ConfigError(f"--date: {args.date!r} is not a YYYY-MM-DD date") from None
    with runtime(args) as rt:
        result = rt.reconcile(day)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(f"{day}: {len(result.payments)} pembayaran, {len(result.differences)} selisih")
        for d in result.differences:
            print(f"  {d.ref_id}  {d.kind}: {d.detail}")
    return 0 if not result.differences else 1


def owner_command(args) -> int:
    from loket.cli import owner

    handler = {"cashier": owner.cashier, "report": owner.report, "audit": owner.audit_verify}[
        args.command
    ]
    with runtime(args) as rt:
        return handler(rt, args)


def print_test(args) -> int:
    with runtime(args) as rt:
        result = rt.counter.print_test_page()
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1


def init(args) -> int:
    from loket.cli.setup import write_config

    return write_config(args)
