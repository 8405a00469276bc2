"""ID card laid on the reader → the applicant on the intake screen, over several reads
(issue 17 §2 benchmark; target p95 ≤ 1 s).

The whole window path: the real YichuangApp through Textual's pilot with ``idcard.port`` set
to the simulated reader (tests/idcard_sim.py, a pty pair paced at the line rate of 115200
baud), the window's ``idcard`` job polling CardPoller over real pyserial in its thread, the
card handed to the intake screen, which fills the form. The clock runs from ``sim.put(card)``
to the form holding the card's ID number (looked at every 5 ms from the pilot's side). Between
reads the form is cleared and the card lifted, and the poller is given time to see it gone.

    python -m tests.bench.bench_idcard_window      # BENCH_IDCARD_WINDOW_READS=N (default 30)
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from tests.bench.common import median, ms, percentile, report
from tests.devices import cards
from tests.idcard_sim import SimReader

READS = int(os.environ.get("BENCH_IDCARD_WINDOW_READS", "30"))
BAUD = 115200
SAMPLES = [cards.RESIDENT, cards.LONG_TERM, cards.FOREIGN_2017, cards.RARE_NAME]  # cards the intake takes


async def _run() -> list[float]:
    from app.services.workstation import open_workstation
    from app.ui.app import YichuangApp
    from app.ui.screens.intake import IntakeScreen
    from app.ui.widgets.applicant_form import ApplicantForm

    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, SimReader(baud=BAUD, pace=True) as sim:
        ws = open_workstation(Path(tmp) / "data")
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        try:
            async with app.run_test(size=(160, 50)) as pilot:
                end = time.monotonic() + 120
                while not (
                    isinstance(app.screen, IntakeScreen)
                    and app.screen.panes_ready
                    and app.index is not None
                    and "store" in ws.__dict__
                    and app.background.running("idcard")
                ):
                    if time.monotonic() > end:
                        raise SystemExit("the window did not come up")
                    await pilot.pause(0.05)
                await pilot.pause(0.5)
                form = app.screen.query_one(ApplicantForm)
                for i in range(READS):
                    card = SAMPLES[i % len(SAMPLES)]
                    sim.put(card)
                    laid = sim.laid_at
                    assert laid is not None
                    deadline = time.monotonic() + 10
                    while form.value("id_number") != card.id_number:
                        if time.monotonic() > deadline:
                            raise SystemExit(f"read {i}: the form never showed {card.id_number}")
                        await asyncio.sleep(0.005)
                    latencies.append(time.monotonic() - laid)
                    sim.remove()
                    form.clear()
                    await pilot.pause(0.5)  # lifted: the poller sees two "no card" answers
        finally:
            ws.close()
    return latencies


def main() -> None:
    latencies = asyncio.run(_run())
    report(
        f"card laid → applicant on the intake screen, {READS} reads at {BAUD} baud (target p95 ≤ 1000 ms)",
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
