"""The status line at 80×24 when things go wrong (issue 21, left from s23): in the demo, with a
printer that refuses connections and a hub that refuses them too, the line took four lines. It
keeps to at most two lines, every piece whole (never a word cut), the faults first; the details
stay on the print queue (F12) and the sync screen (Ctrl+Y). Real parts: a TCP port nothing
listens on as the printer and as the hub, the seeded store of the snapshots, the pilot."""

from __future__ import annotations

import re

import pytest

from app.ui.app import YichuangApp
from app.ui.widgets.status_bar import StatusBar
from tests.snapshots import test_screens as shots
from tests.ui.test_defects import screen_lines
from tests.ui.test_intake_flow import wait_for

seeded, window = shots.seeded, shots.window  # printer.url refuses; two receipts failing
REFUSING_HUB = "http://127.0.0.1:9"  # nothing listens: connection refused


def bar_lines(app) -> list[str]:
    bar = app.screen.query_one(StatusBar)
    lines = screen_lines(app)[bar.region.y : bar.region.bottom]
    return [line[bar.region.x : bar.region.right].strip() for line in lines]


def pieces(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[│·]", text) if p.strip()]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_status_line_keeps_to_two_lines_with_a_failing_printer_and_hub(window, size):
    window.config.set("hub.url", REFUSING_HUB)
    window.config.set("hub.token", "yc1_" + "x" * 40)
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await wait_for(
            pilot,
            lambda: (
                "上次出错" in (line := app.status_line().plain)
                and "打印失败2件" in line
                and "事项清单" in line
                and "演示" in line
            ),
            timeout=60,
        )
        await pilot.pause(0.3)
        bar = app.screen.query_one(StatusBar)
        shown = bar_lines(app)
        assert bar.region.height <= 2, shown
        assert bar.region.bottom == size[1] - 1  # still right above the footer
        # the faults are there, each with where its details are
        text = " ".join(shown)
        assert "打印失败2件" in text and "F12" in text, shown
        assert "离线" in text and "Ctrl+Y" in text, shown
        # every piece shown is a whole piece of a part (full or short): no word cut
        whole = set()
        for _part, full, short in app.status_forms():
            whole.update(pieces(full.plain))
            whole.update(pieces(short.plain))
        for line in shown:
            for piece in pieces(line):
                assert piece in whole, (piece, shown)


def test_fit_status_full_on_one_line_else_short_else_information_gives_way():
    from rich.text import Text

    from app.ui.widgets.status_bar import fit_status

    forms = [
        ("operator", Text("演示模式：尚无操作员账号"), Text("演示：值班人员")),
        ("catalogue", Text("事项清单 2020.2（54项事项，10件一件事）"), Text("事项清单 2020.2")),
        ("printer", Text("打印失败2件：连接被拒绝（自动重试，F12 查看）"), Text("打印失败2件（F12）")),
        ("sync", Text("离线 · 待上传64条 · 上次出错：对方拒绝连接"), Text("离线 · 待上传64条 · 详情 Ctrl+Y")),
    ]
    assert "\n" not in fit_status(forms, 200).plain and "54项事项" in fit_status(forms, 200).plain
    at80 = fit_status(forms, 78).plain
    assert at80.count("\n") <= 1 and "详情 Ctrl+Y" in at80 and "54项事项" not in at80
    at40 = fit_status(forms, 40).plain.split("\n")
    assert len(at40) <= 2 and "打印失败2件（F12）" in at40[0] and "事项清单" not in "".join(at40)
