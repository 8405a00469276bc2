"""`yichuang case print` and `yichuang printer test` as scripts use them: real processes,
real loopback printers, exit codes, stdout/stderr."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from printing.signing import verify_payload
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

ROOT = Path(__file__).resolve().parents[2]
ID17 = "32072419900307123"


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    env.pop("YICHUANG_DATA_DIR", None)
    cmd = [sys.executable, "-m", "app", *args, "--data-dir", str(data)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def main(capsys, data: Path, *args: str) -> tuple[int, str, str]:
    """The same CLI in this process (fast), for the many error paths."""
    from app.cli import main as cli_main

    code = cli_main([*args, "--data-dir", str(data)])
    out = capsys.readouterr()
    return code, out.out, out.err


def accepted_case(ws) -> str:
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", ID17 + ric_check_char(ID17), "周八")
    return svc.accept(draft).case.number


def jobs(ws) -> list[tuple]:
    con = sqlite3.connect(ws.config.db_path)
    try:
        return con.execute(
            "select doc_kind, state, attempts, reprint, printer_url, last_error from print_job order by id"
        ).fetchall()
    finally:
        con.close()


def test_case_print_reprints_to_a_printer_and_exits_0(ws, data_dir):
    number = accepted_case(ws)
    with PrinterListener("accept") as printer:
        r = run(data_dir, "case", "print", number, "--doc", "receipt", "--printer", printer.url)
        assert r.returncode == 0, r.stderr
        assert number in r.stdout and "已打印" in r.stdout
        [data] = printer.wait_jobs(1)
    paper = read_paper(data)
    assert "【补打 " in paper.text and "周八" in paper.text and paper.cut
    assert verify_payload(paper.qr[0], ws.signer.public_key_b64())
    assert jobs(ws)[-1][:4] == ("receipt", "printed", 1, 1)


def test_case_print_failures_exit_1_with_a_message_and_keep_the_job(ws, data_dir, tmp_path, capsys):
    number = accepted_case(ws)
    with PrinterListener("refuse") as printer:
        r = run(data_dir, "case", "print", number, "--printer", printer.url)
        assert r.returncode == 1
        assert "refused" in r.stderr and "打印队列" in r.stderr
        doc, state, attempts, reprint, url, error = jobs(ws)[-1]
        assert (doc, state, attempts, reprint, url) == ("receipt", "queued", 1, 1, printer.url)
        assert error.startswith("refused")
    for args, words in [
        (["--doc", "refusal"], "没有不予受理通知书"),
        (["--doc", "handover"], "尚未出件"),  # handover = the 领取凭证 (pickup)
        (["--doc", "pickup"], "尚未出件"),
        (["--printer", "lpt1://x"], "打印机地址无效"),
    ]:
        code, _, err = main(capsys, data_dir, "case", "print", number, *args)
        assert code == 1 and words in err, (args, err)
    code, _, err = main(capsys, data_dir, "case", "print", "320724100-01-261120-0099-X")
    assert code == 1 and "没有找到案件" in err
    assert len(jobs(ws)) == 2  # the failures above stored nothing
    # --preview writes the PNG of what was printed and prints nothing
    png = tmp_path / "receipt.png"
    code, out, err = main(
        capsys, data_dir, "case", "print", number, "--doc", "receipt", "--preview", str(png)
    )
    assert code == 0, err
    assert str(png) in out and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and len(jobs(ws)) == 2


def test_printer_test_page(ws, data_dir, capsys):
    with PrinterListener("accept") as printer:
        r = run(data_dir, "printer", "test", printer.url)
        assert r.returncode == 0, r.stderr
        assert printer.url in r.stdout
        [data] = printer.wait_jobs(1)
    paper = read_paper(data)
    assert "打印测试页" in paper.text and "generic-80" in paper.text and "576 点" in paper.text
    assert "[图像" in paper.text  # the rare-character line is a raster image
    # the configured printer (the embedded dir:// default) when no URL is given
    code, _, err = main(capsys, data_dir, "printer", "test")
    assert code == 0, err
    assert len(list((data_dir / "prints").glob("test-*.bin"))) == 1
    with PrinterListener("refuse") as printer:
        code, _, err = main(capsys, data_dir, "printer", "test", printer.url)
    assert code == 1 and "refused" in err
