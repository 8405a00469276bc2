"""From the clerk's accept to the last byte at a loopback TCP printer, and receipt sizes.

A 26-material 开餐馆 (open a restaurant) bundle is accepted through IntakeService.accept
(validation, numbering, the case, its events and the rendered receipt in one SQLite
transaction with synchronous=FULL), then one spool pass (PrintSpool.send_due, what the
window's kick after a decision runs) sends it to a real TCP listener on 127.0.0.1; the
clock stops when the listener has the last byte. Target: p50 < 150 ms. As in the window,
printing is warmed up once (fonts, python-escpos, qrcode) before the first accept; the first
run (first transaction, first send) is reported apart.

Bytes per receipt: the same case's receipt with the QR as a native GS ( k command and as
a raster image (a profile without native QR), for 58 mm and 80 mm paper.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from tests.bench.common import ms, report, summarize

RUNS = int(os.environ.get("BENCH_PRINT_RUNS", "15"))
ID17 = "32072419900307123"


def main() -> None:
    from app.domain.identifiers import ric_check_char
    from app.services.intake import ApplicantInput, IntakeService
    from app.services.printing import PrintSpool, reprint_document, warm_up
    from app.services.workstation import open_workstation
    from printing.profiles import get_profile
    from printing.render import render
    from tests.printing.listener import PrinterListener

    with tempfile.TemporaryDirectory() as tmp, PrinterListener("accept") as printer:
        ws = open_workstation(Path(tmp) / "data")
        ws.config.set("printer.url", printer.url)
        ws.config.set("printer.profile", "generic-80")
        svc = IntakeService(ws)
        code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开餐馆")
        person = ID17 + ric_check_char(ID17)
        _ = ws.store, ws.calendar, ws.signer  # opened at start-up in the window, not per accept
        t = time.perf_counter()
        warm_up(ws)  # the window's first spool pass does this after start-up
        warm_s = time.perf_counter() - t

        accept_s: list[float] = []
        total_s: list[float] = []
        materials = 0
        for i in range(RUNS + 1):
            draft = svc.new_draft("bundle", code)
            draft.marks = [replace(m, status="received") for m in draft.marks]
            draft.applicant = ApplicantInput("person", person, f"张秀英{i}", "13812345678", "灌南县新安镇")
            materials = len(draft.marks)
            t0 = time.perf_counter()
            decision = svc.accept(draft)
            t1 = time.perf_counter()
            [result] = PrintSpool(ws).send_due()
            assert result.ok, result.error
            printer.wait_jobs(i + 1)
            t2 = printer.last_byte_at[i]
            accept_s.append(t1 - t0)
            total_s.append(t2 - t0)
        data = PrintSpool(ws).get(decision.job_id).data
        cold_total, cold_accept = total_s.pop(0), accept_s.pop(0)

        figures: dict[str, float | int | str] = {
            "materials": materials,
            "runs": RUNS,
            "printing warm-up (once, in the background)": ms(warm_s),
            "first run, accept to last byte": ms(cold_total),
            "first run, accept only": ms(cold_accept),
        }
        for key, value in summarize([ms(x) for x in accept_s]).items():
            figures[f"accept (store + render) {key}"] = value
        for key, value in summarize([ms(x) for x in total_s]).items():
            figures[f"accept to last byte {key}"] = value
        figures["target p50"] = "< 150 ms"
        figures["bytes sent (generic-80, native QR)"] = len(data)
        report("accept → last byte at tcp://127.0.0.1 (26-material 开餐馆 receipt)", figures)

        doc = replace(reprint_document(ws, decision.case, "receipt"), reprinted_at=None)
        sizes: dict[str, float | int | str] = {}
        for name in ("generic-58", "generic-80"):
            prof = get_profile(name)
            sizes[f"{name} native QR"] = len(render(doc, prof, ws.signer))
            sizes[f"{name} raster QR"] = len(render(doc, replace(prof, native_qr=False), ws.signer))
        sizes["xprinter-58 (raster QR, GB2312)"] = len(render(doc, get_profile("xprinter-58"), ws.signer))
        report("bytes per receipt (same case, signed QR)", sizes, unit="B")
        ws.close()


if __name__ == "__main__":
    main()
