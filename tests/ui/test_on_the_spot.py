"""A matter promised in 0 working days is 即办 (decided on the spot), never "承诺0个工作日"."""

from __future__ import annotations

from app.ui.app import YichuangApp
from tests.ui.test_intake_flow import SIZE, pick, start


async def test_promised_zero_days_shows_on_the_spot(ws):
    matter = ws.catalogue.matter("320724-SCJG-0002")  # 个体工商户注册登记: promised 0, legal 15
    assert (matter.promised_days, matter.legal_days) == (0, 15)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "320724-SCJG-0002")
        info = screen.query_one("#subject-info").plain
        assert "个体工商户注册登记" in info or matter.department in info
        assert "即办" in info and "法定15个工作日" in info
        assert "承诺0" not in info
