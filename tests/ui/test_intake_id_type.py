"""The intake form's ID field names the applicant's document (issue 17 leftover): a
外国人永久居留身份证 or a 港澳台居民居住证 is not a 身份证. The number names the document
(app.domain.identifiers.person_id_type), so the field's label, its placeholder and its error
messages follow what is typed (or read from a card), in Chinese and in English. Through the
pilot on a real workstation (SQLite file in a temporary data dir)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Static

from app.domain.identifiers import ric_check_char
from app.messages import set_language
from app.ui.app import YichuangApp
from tests.devices.cards import FOREIGN_2017
from tests.ui.test_idcard_window import card_window
from tests.ui.test_intake_flow import SIZE, start, type_text, wait_for

FOREIGN_2023 = "910840199001010017"
HKMO = "810000199001010019"


def label(screen) -> str:
    return str(screen.query_one("#label-id_number", Label).render())


def error(screen) -> str:
    widget = screen.query_one("#error-id_number", Static)
    return str(widget.render()) if widget.display else ""


def id_field(screen) -> Input:
    return screen.query_one("#applicant-id_number", Input)


async def retype(pilot, screen, text: str) -> None:
    field = id_field(screen)
    field.focus()
    field.value = ""
    await pilot.pause()
    await type_text(pilot, text)
    await wait_for(pilot, lambda: field.value == text)
    await pilot.pause()


async def test_the_label_and_errors_follow_the_document_typed(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        assert label(screen) == "身份证号"
        assert "身份证" in id_field(screen).placeholder and "永居证" in id_field(screen).placeholder

        # 2017 foreigner's card: 3 letters and 12 digits, checked once it is whole (15)
        await retype(pilot, screen, "USA1100800102")
        assert label(screen) == "永居证号"
        await retype(pilot, screen, "USA110080019902")  # 99-02 is no date
        assert label(screen) == "永居证号"
        assert error(screen) == "外国人永久居留身份证号码中的出生日期无效"
        await retype(pilot, screen, "USA1100800102011")  # one character too many
        assert error(screen).startswith("外国人永久居留身份证号码应为")

        # 2023 foreigner's card: 18 characters, 9 first, GB 11643 check
        wrong = FOREIGN_2023[:17] + ("1" if FOREIGN_2023[17] != "1" else "2")
        await retype(pilot, screen, wrong)
        assert label(screen) == "永居证号"
        assert error(screen) == "外国人永久居留身份证号码校验位错误，请逐位核对"
        await retype(pilot, screen, FOREIGN_2023 + "00")
        assert error(screen) == "外国人永久居留身份证号码应为18位，当前为20位"
        await retype(pilot, screen, FOREIGN_2023)
        assert error(screen) == "" and label(screen) == "永居证号"

        # 港澳台居民居住证: 810000/820000/830000
        await retype(pilot, screen, HKMO[:17] + ("1" if HKMO[17] != "1" else "2"))
        assert label(screen) == "居住证号"
        assert error(screen) == "港澳台居民居住证号码校验位错误，请逐位核对"

        # back to a resident's number: the label and the messages are the 身份证's again
        first17 = "32072419850317004"
        await retype(pilot, screen, first17 + ("1" if ric_check_char(first17) != "1" else "2"))
        assert label(screen) == "身份证号"
        assert error(screen) == "身份证号码校验位错误，请逐位核对"

        # an enterprise: the credit code's label and placeholder, whatever was typed before
        await pilot.press("f11")
        await pilot.pause()
        assert label(screen) == "信用代码"
        assert "信用代码" in id_field(screen).placeholder


async def test_a_foreign_card_read_names_its_document(ws):
    async with card_window(ws) as (sim, app, pilot, screen):
        sim.put(FOREIGN_2017)
        await wait_for(pilot, lambda: id_field(screen).value == FOREIGN_2017.id_number)
        await pilot.pause()
        assert label(screen) == "永居证号"


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("zh")


async def test_in_english_too(ws, english):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await retype(pilot, screen, FOREIGN_2023 + "00")
        assert label(screen) == "PR card no"
        assert error(screen) == "A foreign permanent resident ID card number has 18 characters, this has 20"
        await retype(pilot, screen, HKMO + "0")
        assert label(screen) == "Permit no"
        assert "residence permit" in error(screen)


async def test_the_handover_field_names_every_document_it_takes(ws):
    """出件 takes a foreigner's card and a 港澳台 permit as the collector's ID, as intake does: its
    field does not say 身份证 alone."""
    from app.ui.screens.handover import HandoverScreen

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await app.push_screen(HandoverScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        placeholder = app.screen.query_one("#pickup-collector-id", Input).placeholder
        assert "身份证" in placeholder and "永居证" in placeholder and "居住证" in placeholder
