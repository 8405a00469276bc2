"""The scanner inbox against real files in a real folder, watched by the real watchdog.

Each good file is taken exactly once with its right SHA-256 (stored, archived, one row); each
bad one stays where it is, with its reason.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from app.services import scans as scanner
from app.services.scans import ScanInbox, ScannerError, list_scans
from app.store.models import Scan
from tests.services import scan_samples as samples


def wait_for(predicate, timeout: float = 10.0, what: str = ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or predicate}")


@pytest.fixture
def inbox(ws, tmp_path: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    ws.config.set("scanner.inbox", str(folder))
    ws.config.set("scanner.max_mb", "1")
    _ = ws.store  # open (and migrate) before the watcher thread uses it
    return folder


class Watch:
    """A running inbox and what it reported."""

    def __init__(self, ws, folder: Path) -> None:
        self.seen: list[Scan] = []
        self.errors: list[Exception] = []
        self._lock = threading.Lock()
        self.inbox = ScanInbox(ws, folder, on_scan=self._seen, on_error=self.errors.append)

    def _seen(self, scan: Scan) -> None:
        with self._lock:
            self.seen.append(scan)

    def named(self, name: str) -> list[Scan]:
        with self._lock:
            return [s for s in self.seen if s.name == name]

    def wait(self, name: str, timeout: float = 10.0) -> Scan:
        return wait_for(lambda: (self.named(name) or [None])[0], timeout, name)


@pytest.fixture
def watch(ws, inbox):
    w = Watch(ws, inbox)
    w.inbox.start()
    yield w
    w.inbox.stop()
    assert w.errors == []


def archived(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "archive").rglob("*") if p.is_file())


def assert_taken_once(ws, folder: Path, name: str, data: bytes) -> Scan:
    rows = [s for s in list_scans(ws) if s.name == name]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row.state == "unassigned" and row.sha256 == samples.sha(data) and row.size == len(data)
    assert not (folder / name).exists()  # moved out of the inbox
    assert Path(row.archive_path).read_bytes() == data
    assert (ws.config.data_dir / "blobs" / row.sha256).read_bytes() == data
    return row


def test_a_file_written_slowly_in_chunks_is_taken_once_when_closed(ws, inbox, watch):
    data = samples.pdf(pages=4, pad=2000)
    path = inbox / "申请表.pdf"
    with open(path, "wb") as fh:
        step = len(data) // 5
        for i in range(0, len(data), step):
            fh.write(data[i : i + step])
            fh.flush()
            time.sleep(0.3)  # a slow scanner: longer than the close settle between chunks
        assert watch.named("申请表.pdf") == []  # still open: not taken, not refused
    watch.wait("申请表.pdf")
    time.sleep(0.5)  # later events (the move, the close) must not take it again
    assert len(watch.named("申请表.pdf")) == 1
    row = assert_taken_once(ws, inbox, "申请表.pdf", data)
    assert row.kind == "pdf" and row.pages == 4


def test_a_file_renamed_into_place_is_taken_once(ws, inbox, watch):
    data = samples.jpeg(seed=3)
    part = inbox / "scan0001.jpg.part"  # the scanner's temporary name: not looked at
    part.write_bytes(data[:100])
    time.sleep(0.4)
    assert watch.seen == []
    with open(part, "ab") as fh:
        fh.write(data[100:])
    os.rename(part, inbox / "scan0001.jpg")
    watch.wait("scan0001.jpg")
    time.sleep(0.3)
    assert len(watch.named("scan0001.jpg")) == 1
    row = assert_taken_once(ws, inbox, "scan0001.jpg", data)
    assert (row.kind, row.pages) == ("jpeg", 1)


def test_png_and_multipage_tiff_are_taken_with_their_pages(ws, inbox, watch):
    samples.write(inbox / "a.png", samples.png())
    samples.write(inbox / "b.tif", samples.tiff(pages=3))
    assert watch.wait("a.png").pages == 1
    assert watch.wait("b.tif").pages == 3
    assert_taken_once(ws, inbox, "b.tif", samples.tiff(pages=3))


BAD = {
    "empty.pdf": (b"", "empty"),
    "cut.pdf": (samples.pdf(pages=2)[:-400], "truncated_pdf"),
    "cut.jpg": (samples.jpeg()[:-50], "truncated_jpeg"),
    "cut.png": (samples.png()[:-12], "truncated_png"),
    "report.pdf": (b"PK\x03\x04 a zip file named like a PDF" * 10, "type"),
    "notes.jpg": ("这是一段文字，不是扫描件".encode() * 10, "type"),
    "big.jpg": (samples.jpeg()[:-2] + b"\x00" * (1024 * 1024) + b"\xff\xd9", "too_big"),
    "-rf.pdf": (samples.pdf(), "name"),
    "invoice\u202egpj.exe": (samples.jpeg(), "name"),
    "tab\there.png": (samples.png(), "name"),
}


def test_bad_files_are_refused_with_their_reason_and_left_in_place(ws, inbox, watch):
    for name, (data, _) in BAD.items():
        samples.write(inbox / name, data)
    os.symlink("/etc/hostname", inbox / "link.pdf")
    samples.write(inbox / "hard.jpg", samples.jpeg(seed=9))
    os.link(inbox / "hard.jpg", inbox.parent / "elsewhere.jpg")
    expected = {name: reason for name, (_, reason) in BAD.items()} | {
        "link.pdf": "link",
        "hard.jpg": "link",
    }
    for name in expected:
        watch.wait(name)
    time.sleep(0.5)
    rows = {s.name: s for s in list_scans(ws)}
    assert set(rows) == set(expected)
    for name, reason in expected.items():
        row = rows[name]
        assert row.state == "refused" and row.reason == reason, (name, row.reason)
        assert (inbox / name).exists() or (inbox / name).is_symlink()  # left where it was
        assert scanner.reason_text(row) and "scan.refused" not in scanner.reason_text(row)
        assert len(watch.named(name)) == 1  # reported once, not at every event
    assert archived(inbox) == []
    assert not (ws.config.data_dir / "blobs").exists() or list((ws.config.data_dir / "blobs").iterdir()) == []
    assert "1048576" in scanner.reason_text(rows["big.jpg"])


def test_a_refused_file_replaced_by_a_good_one_is_taken(ws, inbox, watch):
    good = samples.pdf(pages=1, seed=5)
    samples.write(inbox / "late.pdf", good[:-300])
    assert watch.wait("late.pdf").state == "refused"
    samples.write(inbox / "late.pdf", good)
    wait_for(lambda: len(watch.named("late.pdf")) == 2, what="taken after the fix")
    assert assert_taken_once(ws, inbox, "late.pdf", good).pages == 1


def test_scans_made_while_the_program_was_closed_are_taken_at_start(ws, inbox):
    files = {f"old{i}.jpg": samples.jpeg(seed=i) for i in range(5)} | {"old.pdf": samples.pdf(3)}
    long_ago = time.time() - 3600
    for name, data in files.items():
        samples.write(inbox / name, data)
        os.utime(inbox / name, (long_ago, long_ago))
    samples.write(inbox / "cut.pdf", samples.pdf()[:-100])
    w = Watch(ws, inbox)
    w.inbox.start()
    try:
        for name in files:
            w.wait(name, timeout=5)
        w.wait("cut.pdf", timeout=5)
    finally:
        w.inbox.stop()
    for name, data in files.items():
        assert_taken_once(ws, inbox, name, data)
    # started again: nothing is taken twice, the refusal is not repeated
    w2 = Watch(ws, inbox)
    w2.inbox.start()
    time.sleep(2.5)
    w2.inbox.stop()
    assert w2.seen == []
    assert len(list_scans(ws)) == len(files) + 1


def test_a_crash_between_the_row_and_the_move_takes_nothing_twice(ws, inbox):
    data = samples.jpeg(seed=11)
    samples.write(inbox / "once.jpg", data)
    w = Watch(ws, inbox)
    w.inbox.rescan()
    row = wait_for(lambda: w.inbox.poll() or None, what="taken")[0]
    # What a power cut right after the row's commit leaves: the file still in the inbox.
    os.replace(row.archive_path, inbox / "once.jpg")
    w.inbox.rescan()
    again = wait_for(lambda: w.inbox.poll() or None, what="looked at again")[0]
    assert again.id == row.id
    assert_taken_once(ws, inbox, "once.jpg", data)


def test_the_same_content_scanned_twice_is_two_scans(ws, inbox, watch):
    data = samples.jpeg(seed=21)
    samples.write(inbox / "p1.jpg", data)
    watch.wait("p1.jpg")
    samples.write(inbox / "p1.jpg", data)  # the clerk scanned the same page again
    wait_for(lambda: len(watch.named("p1.jpg")) == 2, what="second scan")
    rows = [s for s in list_scans(ws) if s.name == "p1.jpg"]
    assert len(rows) == 2 and rows[0].archive_path != rows[1].archive_path
    assert all(Path(r.archive_path).read_bytes() == data for r in rows)


def test_one_watcher_per_folder(ws, inbox, watch):
    with pytest.raises(ScannerError, match="另一个程序"):
        ScanInbox(ws, inbox).open()


def test_no_folder_configured_is_a_clear_error(ws):
    with pytest.raises(ScannerError, match="scanner.inbox"):
        ScanInbox(ws)


def test_a_file_closed_right_after_its_last_write_is_taken_at_once(ws, inbox, watch):
    """The watcher saw an earlier size, then the last write and the close came together: the
    close must still count (it once waited for QUIET_SETTLE, 10 s on Linux, instead)."""
    data = samples.jpeg(seed=31, size=(1240, 1754))
    with open(inbox / "a4.jpg", "wb") as fh:
        fh.write(data[:1000])
        fh.flush()
        time.sleep(0.3)  # the watcher looks at the partial file meanwhile
        fh.write(data[1000:])
    t0 = time.monotonic()
    watch.wait("a4.jpg", timeout=3)
    assert time.monotonic() - t0 < 1.5
    assert_taken_once(ws, inbox, "a4.jpg", data)


def test_every_refusal_code_has_its_message():
    import inspect

    from app.domain import scans as scan_files

    codes = set(re.findall(r'Refusal\("(\w+)"', inspect.getsource(scan_files) + inspect.getsource(scanner)))
    assert codes == set(scanner.REFUSAL_MESSAGES)


@pytest.mark.parametrize("name", ["..\\..\\x.pdf", ".\\x.pdf", "..\\x.pdf", ".a\\b.jpg"])
def test_a_path_trick_that_starts_with_a_dot_is_refused_not_ignored(ws, inbox, watch, name):
    """Issue 18: the hidden-name rule ran before the path check, so ``..\\..\\x.pdf`` was
    neither taken nor refused, silently, for ever. It is refused with its reason and left."""
    samples.write(inbox / name, samples.pdf(seed=3))
    scan = watch.wait(name)
    assert scan.state == "refused" and scan.reason == "name"
    text = scanner.reason_text(scan)
    assert "文件名不安全" in text and "\\" in text, text
    assert (inbox / name).exists() and archived(inbox) == []
    watch.inbox.rescan()  # found again by looking: the same refusal is not told twice
    time.sleep(0.5)
    assert len(watch.named(name)) == 1


def test_hidden_and_temporary_names_are_still_left_alone(ws, inbox, watch):
    samples.write(inbox / ".x.pdf", samples.pdf(seed=4))
    samples.write(inbox / "~x.pdf", samples.pdf(seed=5))
    samples.write(inbox / "done.pdf", samples.pdf(seed=6))
    watch.wait("done.pdf")
    time.sleep(0.5)
    assert {s.name for s in list_scans(ws)} == {"done.pdf"}
