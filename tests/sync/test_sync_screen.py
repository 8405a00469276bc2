"""The sync screen through Textual's pilot: refused, conflicts, ready for pickup, waiting."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from textual.app import App
from textual.color import Color
from textual.reactive import reactive
from textual.widgets import DataTable

from app.services.sync import outbox as local
from app.store.models import Case
from app.ui import app as ui_app
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.sync_screen import SyncScreen


class Frame(App):
    status_text: reactive[str] = reactive("")

    def __init__(self, ws) -> None:
        from app.ui.typeahead import TypeAhead

        super().__init__()
        self.ws = ws
        self.typeahead = TypeAhead(self)  # the window's screens hold keys through it (issue 17)

    def on_mount(self) -> None:
        self.push_screen(SyncScreen())


class StyledFrame(Frame):
    """The frame with the window's stylesheet: what a section looks like is the test."""

    CSS_PATH = str(Path(ui_app.__file__).with_name("app.tcss"))


def _prepare(ws):
    from app.services.demo import seed_cases

    seed_cases(ws, 3, seed=2, days=2)
    with ws.store.read() as s:
        cases = list(s.execute(select(Case).where(Case.state == "accepted").order_by(Case.id)).scalars())
    batch = local.next_batch(ws.store)
    first = batch[0]
    refused_case = first["case"]
    local.mark_sent(
        ws.store,
        [e for e in batch if e["case"] != refused_case] + [first],
        {"ok": len(batch) - 1, "refused": [{"id": first["id"], "code": "bad_payload", "reason": "缺少uid"}]},
    )
    done = next(c for c in cases if c.number != refused_case)
    local.apply_pulled(
        ws.store,
        [
            {
                "id": str(uuid.uuid4()),
                "case": done.number,
                "kind": "case.completed",
                "lc": 3,
                "p": {},
                "actor": "张科长",
                "office": "",
                "ws": "",
                "at": "2026-11-20T02:00:00+00:00",
                "seq": 9,
                "by": "backoffice:市场监管局",
            }
        ],
        9,
    )
    return refused_case, first["id"], done.number


async def test_sync_screen_lists_and_acts(ws):
    refused_case, refused_id, done = _prepare(ws)
    app = Frame(ws)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        screen = app.screen
        refused = screen.query_one("#sync-refused", DataTable)
        assert refused.row_count == 1
        assert "缺少uid" in str(refused.get_row_at(0)[3])
        ready = screen.query_one("#sync-ready", DataTable)
        assert ready.row_count == 1 and ready.get_row_at(0)[0] == done
        waiting = screen.query_one("#sync-waiting", DataTable)
        assert [waiting.get_row_at(i)[2] for i in range(waiting.row_count)] == ["等待前序记录"]
        refused.focus()
        await pilot.press("f6")  # set aside
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert local.refused_events(ws.store)[0]["status"] == "set_aside"
        assert [waiting.get_row_at(i)[2] for i in range(waiting.row_count)] == ["待上传"]
        ready.focus()
        await pilot.press("f8")  # hand out: through the pickup panel, which checks the collector
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert isinstance(app.screen, HandoverScreen)
        for _ in range(50):
            if app.screen.case is not None:
                break
            await pilot.pause(0.1)
        assert app.screen.case is not None and app.screen.case.number == done
        with ws.store.read() as s:  # nothing handed out before the collector is checked
            assert s.execute(select(Case.state).where(Case.number == done)).scalar() != "delivered"


def _pull(ws, number: str, kind: str, seq: int) -> None:
    local.apply_pulled(
        ws.store,
        [
            {
                "id": str(uuid.uuid4()),
                "case": number,
                "kind": kind,
                "lc": 3,
                "p": {"reason": "不符合条件"} if kind == "case.denied" else {},
                "actor": "张科长",
                "office": "",
                "ws": "",
                "at": "2026-11-20T02:00:00+00:00",
                "seq": seq,
                "by": "backoffice:市场监管局",
            }
        ],
        seq,
    )


def test_ready_for_pickup_counts_what_the_handover_lists(ws):
    # issue 18: the sync screen said 1件待出件 while Ctrl+O listed 2 (办结 and 不予许可)
    from app.services import handover
    from app.services.demo import seed_cases

    seed_cases(ws, 10, seed=2, days=2)
    with ws.store.read() as s:
        accepted = [c.number for c in s.execute(select(Case).where(Case.state == "accepted")).scalars()]
    _pull(ws, accepted[0], "case.completed", 9)
    _pull(ws, accepted[1], "case.denied", 10)
    listed = sorted(c.number for c in handover.ready(ws))
    assert len(listed) == 2
    assert sorted(c.number for c in local.ready_for_pickup(ws.store)) == listed


async def test_the_open_sync_screen_refreshes_when_a_cycle_ends(ws):
    # issue 18: Ctrl+Y stayed stale (the pickup list empty after a 办结 arrived) until F5
    from app.services.demo import seed_cases
    from app.services.sync.runner import SyncRunner
    from app.ui.app import YichuangApp
    from tests.ui.test_intake_flow import start, wait_for

    seed_cases(ws, 3, seed=2, days=2)
    with ws.store.read() as s:
        number = next(c.number for c in s.execute(select(Case).where(Case.state == "accepted")).scalars())
    app = YichuangApp(ws)
    async with app.run_test(size=(160, 50)) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(pilot, lambda: getattr(app.screen, "status", None) is not None)  # loaded once
        ready = app.screen.query_one("#sync-ready", DataTable)
        assert ready.row_count == 0
        _pull(ws, number, "case.completed", 9)  # what a cycle's pull writes
        app.jobs._sync_cycle_done(SyncRunner(ws).status())  # the cycle's end, as the sync job reports it
        await wait_for(pilot, lambda: ready.row_count == 1)
        assert ready.get_row_at(0)[0] == number


async def test_only_what_needs_the_clerk_stands_out(ws):
    # issue 21: every section with rows was in the warning colour, 待上传 and 待出件 included: normal
    # counts must look normal; a refusal (red), a conflict or a stuck record (blocked) stands out.
    from app.services.demo import seed_cases

    seed_cases(ws, 3, seed=2, days=2)
    with ws.store.read() as s:
        number = next(c.number for c in s.execute(select(Case).where(Case.state == "accepted")).scalars())
    _pull(ws, number, "case.completed", 9)  # one ready for pickup; the records wait to be sent
    app = StyledFrame(ws)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        screen = app.screen
        assert screen.query_one("#sync-ready", DataTable).row_count == 1
        assert screen.query_one("#sync-waiting", DataTable).row_count > 0
        assert not any(r["blocked"] for r in local.waiting(ws.store))
        titles = {w.id.removeprefix("sync-title-"): w for w in screen.query(".sync-section")}
        normal = titles["ready"].rich_style
        assert titles["waiting"].rich_style == normal
        assert titles["refused"].rich_style != normal  # empty: quiet (muted), not a count
        assert not any(w.has_class("-attention") or w.has_class("-urgent") for w in titles.values())
        warning = Color.parse(app.get_css_variables()["warning"])
        assert all(w.styles.color != warning for w in titles.values())

    # a refusal is red; the refused case's records after it are stuck (blocked): they stand out
    _prepare(ws)
    assert any(r["blocked"] for r in local.waiting(ws.store))
    app = StyledFrame(ws)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        titles = {w.id.removeprefix("sync-title-"): w for w in app.screen.query(".sync-section")}
        assert titles["refused"].has_class("-urgent")
        assert titles["waiting"].has_class("-attention")
        assert not titles["ready"].has_class("-attention")
        assert titles["waiting"].rich_style != titles["ready"].rich_style


def test_what_stands_out_on_the_sync_screen():
    from app.ui.screens import sync_screen

    rows = {"refused": 0, "conflicts": 0, "ready": 2, "waiting": 3}
    assert sync_screen.attention(rows, waiting_blocked=False) == {}
    marks = sync_screen.attention({**rows, "refused": 1, "conflicts": 1}, waiting_blocked=True)
    assert marks == {"refused": "-urgent", "conflicts": "-attention", "waiting": "-attention"}


async def test_f5_without_a_platform_says_so_instead_of_syncing_for_ever(ws):
    """Found by trying the window: with no hub.url, F5 on the sync screen showed 正在同步… and
    nothing after it."""
    from app.messages import t
    from app.ui.app import YichuangApp
    from tests.ui.test_intake_flow import start, wait_for

    assert not ws.config.get("hub.url")
    app = YichuangApp(ws)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await pilot.press("f5")
        await wait_for(
            pilot, lambda: any(n.message == t("sync.now_not_configured") for n in app._notifications)
        )
        assert not any(n.message == t("sync.now_running") for n in app._notifications)
        note = next(n for n in app._notifications if n.message == t("sync.now_not_configured"))
        assert note.severity == "warning" and "hub.url" in note.message
