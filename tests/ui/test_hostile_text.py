"""Text from applicants and clerks is data, never markup (issue 7, part 2).

A property test drives the real screens through the pilot — intake, the 不符合要求 note, the
decision (一次性告知 or 不予受理 with its reason), the document preview, the case list and
the case detail — with names, addresses, notes and reasons full of markup look-alikes,
backslashes, control characters and four-byte characters, and reads back what each widget
shows. What the field accepts is shown exactly; what it refuses gets a message at the
field and saves nothing; nothing ever crashes the window.
"""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Input

from app.domain.masking import mask_applicant_id
from app.domain.text import FieldError, clean_text
from app.messages import t
from app.services.cases import CaseService
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen, CaseListScreen
from app.ui.screens.dialogs import DocumentDialog, ReasonDialog
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.sync_screen import SyncScreen
from tests.ui.hostile import cell_shown, hostile_text, shown
from tests.ui.test_intake_flow import PERSON_ID, SIZE, pick, start, type_text, wait_for


def _clean(value: str, label: str, *, required: bool, max_len: int) -> tuple[str | None, str]:
    """(accepted value, "") or (None, the field's message)."""
    try:
        return clean_text(value, label, required=required, max_len=max_len), ""
    except FieldError as exc:
        return None, exc.message


async def _back_to_intake(app, pilot) -> None:
    while not isinstance(app.screen, IntakeScreen):
        await pilot.press("escape")
        await pilot.pause()


async def _one_intake(app, pilot, ws, name: str, address: str, note: str, decision: str, reason: str):
    screen = app.screen
    before = len(CaseService(ws).list(day=None))
    await pick(app, pilot, "kbld")
    screen.query_one("#applicant-id_number", Input).focus()
    await type_text(pilot, PERSON_ID)
    screen.query_one("#applicant-name", Input).value = name  # IME text arrives committed
    screen.query_one("#applicant-address", Input).value = address
    await pilot.press("f4")  # the cursor is on the first material; the others stay missing

    # 不符合要求 on the first material, with the clerk's note
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
    dialog = app.screen
    item = screen.draft.marks[0].item
    assert shown(dialog.query_one(".dialog-title")) == t("intake.defective_title", name=item.name)
    dialog.query_one("#reason-input", Input).value = note
    await pilot.press("enter")
    want_note, note_error = _clean(note, t("intake.defective_label"), required=False, max_len=500)
    if want_note is None:
        error = dialog.query_one("#reason-error")
        assert app.screen is dialog and error.display and shown(error) == note_error
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
    else:
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        want_note = want_note or t("intake.defective_default")
        table = screen.query_one("#checklist", DataTable)
        assert cell_shown(table, "0", 0).strip().startswith(item.name[:4])
        table.move_cursor(row=0)  # the focused material, in full under the table
        await pilot.pause()
        detail = screen.query_one("#checklist-detail")
        assert detail.plain == item.name + "\n" + t("intake.material_note", note=want_note)
        assert screen.draft.marks[0].note == want_note

    # the decision
    await pilot.press("f6" if decision == "notify" else "f7")
    want_name, name_error = _clean(name, t("intake.name_person"), required=True, max_len=100)
    want_address, address_error = _clean(address, t("intake.address"), required=False, max_len=200)
    if want_name is None or want_address is None:
        await pilot.pause(0.1)
        assert isinstance(app.screen, IntakeScreen)
        for field, message in (("name", name_error), ("address", address_error)):
            error = screen.query_one(f"#error-{field}")
            assert shown(error) == message and error.display == bool(message)
        assert len(CaseService(ws).list(day=None)) == before  # nothing saved half-way
        return
    await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
    dialog = app.screen
    dialog.query_one("#reason-input", Input).value = reason
    await pilot.press("enter")
    label = t("notify.remarks") if decision == "notify" else t("refuse.reason_field")
    want_reason, reason_error = _clean(reason, label, required=decision == "refuse", max_len=500)
    if want_reason is None:
        error = dialog.query_one("#reason-error")
        assert app.screen is dialog and error.display and shown(error) == reason_error
        await pilot.press("escape")
        assert len(CaseService(ws).list(day=None)) == before
        return

    # the printed document's text, shown as it is
    await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
    case = CaseService(ws).list(day=None)[0]
    job = CaseService(ws).detail(case.number).jobs[-1]
    assert case.applicant_name == want_name and case.reason == want_reason
    assert shown(app.screen.query_one("#document-text")) == job.text
    assert case.number in shown(app.screen.query_one("#document-headline"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))

    # the case list
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
    app.screen.query_one("#cases-find", Input).value = case.number
    table = app.screen.query_one("#cases-table", DataTable)
    await wait_for(pilot, lambda: table.row_count == 1 and table.get_row_at(0)[0] == case.number)
    assert cell_shown(table, case.number, 3) == want_name
    assert cell_shown(table, case.number, 2) == case.subject_name

    # the case detail
    await pilot.press("f4", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail is not None)
    lines = shown(app.screen.query_one("#case-detail")).split("\n")
    masked_id = mask_applicant_id(case.applicant_id_number, case.applicant_kind)  # F10 shows it whole
    applicant = f"{t('intake.applicant')}：{want_name}  {masked_id}  "
    assert any(line.startswith(applicant) and line.endswith(f"  {want_address}") for line in lines)
    if want_reason:
        label = t("case.reason") if decision == "refuse" else t("case.remarks")
        assert f"{label}：{want_reason}" in lines
    if want_note is not None:
        assert any(line.endswith(f"{item.name}（{want_note}）") for line in lines)
    await _back_to_intake(app, pilot)


@settings(
    max_examples=8,
    deadline=None,
    # One example is a whole window session (seconds): report the failing example as found
    # rather than spend many minutes shrinking it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# the cases reported in issue 7
@example(
    name="李[/]四[red]", address="ABC [asia] Ltd", note="复印件不清晰[/]", decision="notify", reason="[b]王五"
)
@example(
    name="[b]王五𠀾",
    address="\\[@click=app.quit]",
    note="[red]",
    decision="refuse",
    reason="ABC [asia] Ltd[/]",
)
@given(
    name=hostile_text,
    address=st.one_of(st.just(""), hostile_text),
    note=hostile_text,
    decision=st.sampled_from(["notify", "refuse"]),
    reason=hostile_text,
)
def test_hostile_text_is_shown_exactly_on_every_screen(ws, name, address, note, decision, reason):
    async def run() -> None:
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            await _one_intake(app, pilot, ws, name, address, note, decision, reason)
        # leaving run_test re-raises any exception the app met (a MarkupError would land here)

    asyncio.run(run())


async def test_the_sync_screen_shows_names_and_refusals_literally(ws):
    """Ready for pickup (applicant, subject) and a platform's refusal reason, as stored."""
    from dataclasses import replace

    from app.domain.identifiers import ric_check_char
    from app.services.intake import ApplicantInput, IntakeService
    from app.services.sync import outbox as local

    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    numbers = []
    for i, name in enumerate(["李[/]四[red]", "[@click=app.quit]王\\五𠀾"]):
        draft = svc.new_draft("bundle", code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        id17 = f"3207241988051200{i}"
        draft.applicant = ApplicantInput("person", id17 + ric_check_char(id17), name)
        numbers.append(svc.accept(draft).case.number)
    batch = local.next_batch(ws.store)
    refused = next(e for e in batch if e["case"] == numbers[0])
    reason = "缺少[/]uid [b]x[@click=app.quit]"
    local.mark_sent(
        ws.store,
        batch,
        {"ok": len(batch) - 1, "refused": [{"id": refused["id"], "code": "bad_payload", "reason": reason}]},
    )
    local.apply_pulled(
        ws.store,
        [
            {
                "id": str(uuid.uuid4()),
                "case": numbers[1],
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
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.status is not None)
        ready = app.screen.query_one("#sync-ready", DataTable)
        await wait_for(pilot, lambda: ready.row_count == 1)
        assert cell_shown(ready, numbers[1], 1) == "[@click=app.quit]王\\五𠀾"
        assert cell_shown(ready, numbers[1], 2) == "开便利店"
        table = app.screen.query_one("#sync-refused", DataTable)
        assert table.row_count == 1
        assert cell_shown(table, refused["id"], 3) == f"bad_payload: {reason}"
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_toasts_show_names_and_errors_literally(ws):
    """Notices quote names, numbers and error texts (e.g. a resumed case's error)."""
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(app, pilot)
        for text in ("李[/]四[red]", "[@click=app.quit]退出", "ABC [asia] Ltd\\"):
            app.notify(text, severity="warning")
            await wait_for(
                pilot, lambda t=text: any(w.render().plain == t for w in app.screen.query("Toast"))
            )
        assert app.is_running
