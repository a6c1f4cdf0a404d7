"""Issue 2: Enter-to-bill time on the counter screen, and the simulator's inquiries per second.

Run: .venv/bin/python bench/inquiry_latency.py
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from _common import describe_ms, fresh_runtime, percentile
from textual import events

from loket.tui.app import LoketApp

N_INQUIRIES = 100


async def enter_to_bill() -> list[float]:
    sim, rt = fresh_runtime()
    customers = sim.call("GET", f"/_sim/customers?situation=current&limit={N_INQUIRIES}")
    numbers = [c["card_no"] for c in customers.json()["data"]["customers"]]
    app = LoketApp(rt, background=False)
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press(*"123456", "enter")
        while type(app.screen).__name__ != "CounterScreen":
            await asyncio.sleep(0.01)
        screen = app.screen
        number_input = screen.query_one("#number")
        loop = asyncio.get_running_loop()
        for number in numbers:
            number_input.value = number
            await pilot.pause()
            # Send Enter the way the terminal driver does (Pilot.press would add its own idle
            # waits of 20 ms and more), then stop the clock once the bill has been painted.
            start = time.perf_counter()
            key = events.Key("enter", "\r")
            key.set_sender(app)
            app._driver.send_message(key)
            while screen.bill is None or screen.bill_number != number:
                await asyncio.sleep(0.0005)
            painted = loop.create_future()
            app.call_after_refresh(lambda f=painted: f.set_result(time.perf_counter()))
            times.append(await painted - start)
            await pilot.press("f2")
    rt.close()
    sim.thread.stop()
    return times


def sim_throughput(total: int = 2000, workers: int = 8) -> float:
    sim, rt = fresh_runtime()
    numbers = [
        c["card_no"]
        for c in sim.call("GET", "/_sim/customers?situation=arrears&limit=200").json()["data"][
            "customers"
        ]
    ]
    hosts = [sim.host() for _ in range(workers)]

    def run(i: int) -> None:
        reply = hosts[i % workers].inquiry(f"INQ-{i}", numbers[i % len(numbers)])
        assert reply.rc == "00", reply

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, range(total)))
    elapsed = time.perf_counter() - start
    rt.close()
    sim.thread.stop()
    return total / elapsed


if __name__ == "__main__":
    times = asyncio.run(enter_to_bill())
    p95 = percentile(times, 0.95) * 1000
    print(f"Enter -> bill on screen, {N_INQUIRIES} inquiries: {describe_ms(times)}")
    print(f"  target p95 < 100 ms: {'MET' if p95 < 100 else 'MISSED'} ({p95:.1f} ms)")
    print(f"Simulator: {sim_throughput():.0f} inquiries/s (8 client threads, loopback HTTP)")
