"""ID card laid on the reader → CardPresented, over 50 reads (target p95 ≤ 1 s).

The simulated reader (tests/idcard_sim.py) sits on a pty pair and paces its writes at the
line rate of 115200 baud (10 bits a byte: the READ reply's 1,295 bytes take 0.112 s) and,
like SAM modules, answers "no card" once right after a read. The app side is the window's
path without the screen: CardPoller over real pyserial, called by a worker thread in a loop
(next_event(0.3)), the event handed to the main thread through a queue. The clock runs from
``sim.put(card)`` to the main thread taking the CardPresented. Between reads the card is
lifted and the poller is given time to see it gone.
"""

from __future__ import annotations

import os
import queue
import threading
import time

from app.services.idcard import CardPoller, CardPresented
from tests.bench.common import median, ms, percentile, report
from tests.devices import cards
from tests.idcard_sim import SimReader

READS = int(os.environ.get("BENCH_IDCARD_READS", "50"))
BAUD = 115200
SAMPLES = [cards.RESIDENT, cards.LONG_TERM, cards.HKMO, cards.FOREIGN_2017, cards.RARE_NAME]


def main() -> None:
    latencies: list[float] = []
    with SimReader(baud=BAUD, pace=True) as sim:
        poller = CardPoller((sim.path, BAUD))
        events: queue.Queue = queue.Queue()
        stop = threading.Event()

        def worker() -> None:
            while not stop.is_set():
                ev = poller.next_event(0.3)
                if ev is not None:
                    events.put((time.monotonic(), ev))

        thread = threading.Thread(target=worker, daemon=True)
        thread.start()
        try:
            for i in range(READS):
                card = SAMPLES[i % len(SAMPLES)]
                sim.put(card)
                laid = sim.laid_at
                assert laid is not None
                at, ev = events.get(timeout=10)
                if not isinstance(ev, CardPresented) or ev.card != card:
                    raise SystemExit(f"read {i}: unexpected {ev!r}")
                latencies.append(at - laid)
                sim.remove()
                time.sleep(0.4)  # lifted: the poller sees two "no card" answers
                if not events.empty():
                    raise SystemExit(f"extra event {events.get()!r}")
        finally:
            stop.set()
            thread.join(2)
            poller.close()
    report(
        f"card laid → CardPresented, {READS} reads at {BAUD} baud (target p95 ≤ 1000 ms)",
        {
            "median": ms(median(latencies)),
            "p95": ms(percentile(latencies, 95)),
            "max": ms(max(latencies)),
            "min": ms(min(latencies)),
            "line time of READ": ms(1295 * 10 / BAUD),
        },
    )


if __name__ == "__main__":
    main()
