"""`loket serve` against the local simulator (issue 11): how fast a POS gets its answers, and
whether a POS that retries every request can ever pay twice.

1. Median and p95 of inquiry and of pay through the API, one request at a time
   (targets: p95 ≤ 50 ms inquiry, ≤ 100 ms pay).
2. 1,000 payments by 8 concurrent clients, each request repeated once with the same
   Idempotency-Key (one in four repeated while the first is still in flight): the simulator's
   ledger must hold each payment exactly once — doubled payments must be 0.

    .venv/bin/python bench/local_api.py [--pays 1000] [--clients 8] [--samples 200]
"""

from __future__ import annotations

import argparse
import collections
import os
import queue
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from bench._common import describe_ms  # noqa: E402
from tests.conftest import AGENT, KEY, start_sim  # noqa: E402
from tests.durability import config_for, ledger  # noqa: E402
from tests.integration.test_serve import AUTH, Served  # noqa: E402

CASH = 5_000_000  # more than any one-month family's bill: every payment gets change


def families(sim, n: int) -> list[str]:
    found = sim.call("GET", f"/_sim/customers?situation=current&limit={n}").json()
    numbers = [c["card_no"] for c in found["data"]["customers"]]
    if len(numbers) < n:
        raise SystemExit(f"the simulator has only {len(numbers)} current families")
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pays", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="loket-bench-api-"))
    os.environ.update(
        {"LOKET_LOG_DIR": str(tmp / "logs"), "LOKET_AUDIT_KEY": str(tmp / "audit.key")}
    )
    sim = start_sim(pending_delay_s=0.3)
    sim.deposit(10**12)
    numbers = families(sim, 2 * args.samples + args.pays)
    config = config_for(tmp, ledger(tmp / "loket.db", paid=0), sim.url, AGENT, KEY)
    served = Served(config).ready()
    client = httpx.Client(base_url=served.url, headers=AUTH, timeout=60)
    try:
        client.post("/v1/inquiry", json={"number": numbers[0]})  # warm up
        inquiry, pay = [], []
        for number in numbers[: args.samples]:
            start = time.perf_counter()
            r = client.post("/v1/inquiry", json={"number": number})
            inquiry.append(time.perf_counter() - start)
            assert r.status_code == 200 and r.json()["ok"], r.text
        for i, number in enumerate(numbers[args.samples : 2 * args.samples]):
            start = time.perf_counter()
            r = client.post(
                "/v1/payments",
                json={"number": number, "cash": CASH},
                headers={"Idempotency-Key": f"bench-latency-{i:06d}"},
            )
            pay.append(time.perf_counter() - start)
            assert r.status_code == 200 and r.json()["state"] == "SUCCESS", r.text
        print(f"loket serve, local simulator, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        print(f"  inquiry: {describe_ms(inquiry)}   (target p95 ≤ 50 ms)")
        print(f"  pay:     {describe_ms(pay)}   (target p95 ≤ 100 ms)")
        burst(served, sim, numbers[2 * args.samples :], args.clients)
    finally:
        client.close()
        served.stop()
        sim.thread.stop()


def burst(served: Served, sim, numbers: list[str], clients: int) -> None:
    todo: queue.Queue = queue.Queue()
    for i, number in enumerate(numbers):
        todo.put((f"bench-burst-{i:06d}", number, i % 4 == 0))
    answers: dict[str, list[dict]] = collections.defaultdict(list)
    lock = threading.Lock()

    def one(http: httpx.Client, key: str, number: str) -> None:
        r = http.post(
            "/v1/payments", json={"number": number, "cash": CASH}, headers={"Idempotency-Key": key}
        )
        with lock:
            answers[key].append(r.json() | {"http": r.status_code})

    def worker() -> None:
        with (
            httpx.Client(base_url=served.url, headers=AUTH, timeout=120) as http,
            ThreadPoolExecutor(1) as beside,
        ):
            while True:
                try:
                    key, number, overlap = todo.get_nowait()
                except queue.Empty:
                    return
                if overlap:  # the retry sent while the first is still on its way
                    again = beside.submit(one, http, key, number)
                    one(http, key, number)
                    again.result()
                else:  # the answer was "lost": the POS sends it again
                    one(http, key, number)
                    one(http, key, number)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    requests = sum(len(a) for a in answers.values())
    # NOT_PAID (nothing recorded, no ref_id) and then paid by the repeat is one payment
    refs_per_key = {
        key: {a["ref_id"] for a in got if a.get("ref_id")} for key, got in answers.items()
    }
    split = sum(1 for refs in refs_per_key.values() if len(refs) > 1)
    states = collections.Counter(
        a.get("state", a.get("code")) for got in answers.values() for a in got
    )
    entries = sim.ledger()
    by_ref = collections.Counter(e["ref_id"] for e in entries)
    by_family_month = collections.Counter((e["va_no"], tuple(e["periods"])) for e in entries)
    doubled = sum(n - 1 for n in by_ref.values() if n > 1) + sum(
        n - 1 for n in by_family_month.values() if n > 1
    )
    ours = {next(iter(refs)) for refs in refs_per_key.values() if len(refs) == 1}
    in_ledger = sum(1 for ref in ours if by_ref[ref] == 1)
    print(
        f"  burst: {len(answers)} payments, {requests} requests by {clients} clients in "
        f"{took:.1f} s ({requests / took:.0f} requests/s); answers {dict(states)}"
    )
    odd = collections.Counter(
        f"{a.get('state', a.get('code'))} (replayed "
        f"{a.get('replayed', False)}): {a.get('message', '')[:80]}"
        for got in answers.values()
        for a in got
        if a.get("state") != "SUCCESS"
    )
    for text, n in odd.most_common(5):
        print(f"    {n} x {text}")
    print(
        f"  ledger: {in_ledger} of {len(ours)} payments there exactly once; "
        f"keys answered with two references: {split}; doubled payments: {doubled} "
        f"(must be 0)"
    )


if __name__ == "__main__":
    main()
