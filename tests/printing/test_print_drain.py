"""`yichuang print drain` and the CLI's truthful answers, as real processes against real
loopback printers: exit codes, messages, and no extra copies on retry."""

from __future__ import annotations

from tests.printing.listener import PrinterListener
from tests.printing.test_cli_print import accepted_case, jobs, run


def test_print_drain_sends_every_waiting_job_once_and_exits_non_zero_while_any_is_left(ws, data_dir):
    with PrinterListener("refuse") as printer:
        ws.config.set("printer.url", printer.url)
        ws.config.save()
        first, second = accepted_case(ws), accepted_case(ws)
        r = run(data_dir, "print", "drain")
        assert r.returncode == 1
        assert "仍有2件待打印" in r.stderr and "refused" in r.stderr
        # one attempt per printer and run: the first failed, the second waits for next time
        assert [(s, a) for _, s, a, *_ in jobs(ws)] == [("queued", 1), ("queued", 0)]
        printer.set_mode("accept")
        r = run(data_dir, "print", "drain")  # before their retry time: drain does not wait
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("已打印") == 2 and first in r.stdout and second in r.stdout
        assert "仍有0件待打印" in r.stdout
        printer.wait_jobs(2)
        r = run(data_dir, "print", "drain")
        assert r.returncode == 0 and "没有待打印" in r.stdout
    assert len(printer.jobs) == 2 and [s for _, s, *_ in jobs(ws)] == ["printed", "printed"]


def test_a_failed_reprint_is_retried_by_drain_without_a_second_copy(ws, data_dir):
    number = accepted_case(ws)
    with PrinterListener("refuse") as printer:
        r = run(data_dir, "case", "print", number, "--printer", printer.url)
        assert r.returncode == 1
        # the message says truthfully who retries: the window's spool, or print drain
        assert "工作站将自动重试" not in r.stderr
        assert "yichuang print drain" in r.stderr and "窗口" in r.stderr
        rows = len(jobs(ws))
        printer.set_mode("accept")
        r = run(data_dir, "print", "drain")
        assert r.returncode == 0, r.stderr
        [data] = printer.wait_jobs(1)
        assert len(jobs(ws)) == rows  # the retry re-sent the same job row
        # a clerk's deliberate reprint is another copy: a new 补打 job each time
        r = run(data_dir, "case", "print", number, "--printer", printer.url)
        assert r.returncode == 0, r.stderr
        printer.wait_jobs(2)
    reprints = [j for j in jobs(ws) if j[3]]
    assert len(reprints) == 2 and [j[1] for j in reprints] == ["printed", "printed"]
    assert len(printer.jobs) == 2


def test_case_print_to_a_printer_that_never_reads_is_not_reported_printed(ws, data_dir):
    number = accepted_case(ws)
    ws.config.set("printer.answer_timeout", "0.3")
    ws.config.save()
    with PrinterListener("deaf") as printer:  # a 2.5 KB job fits its socket buffer
        r = run(data_dir, "case", "print", number, "--printer", printer.url)
        assert r.returncode == 3, (r.stdout, r.stderr)
        assert "已打印" not in r.stdout + r.stderr
        assert "未确认" in r.stderr and "F12" in r.stderr
        r = run(data_dir, "printer", "test", printer.url)
        assert r.returncode == 3 and "未确认" in r.stderr
    assert jobs(ws)[-1][1] == "unconfirmed"
    # to a printer that answers its status: 已打印, exit 0
    with PrinterListener("accept") as printer:
        r = run(data_dir, "printer", "test", printer.url)
        assert r.returncode == 0 and "已打印" in r.stdout
