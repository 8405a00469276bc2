"""The chosen subject (matter or bundle) on the intake screen: its name, department, days and
fee, or a bundle's matters. It scrolls (a bundle lists every matter) and takes the focus by Tab."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from app.messages import t
from app.ui.widgets.wrapped_text import Para, WrappedText

BULLET = "· "  # a bundle's matters: one a line, the tail of a long one hangs under its text


def subject_lines(draft, catalogue) -> list[str]:
    """What the pane says about the draft's subject, from the catalogue."""
    code = draft.subject_code
    if draft.subject_kind == "bundle":
        lines = [t("intake.selected", kind=t("intake.bundle"), name=catalogue.bundle(code).name, code=code)]
        matters = catalogue.bundle_matters(draft.subject_code)
        lines.append(
            t(
                "intake.bundle_info",
                count=len(matters),
                departments=len({m.department for m in matters}),
                materials=len(draft.marks),
                before=sum(len(m.materials) for m in matters),
            )
        )
        lines += [f"{BULLET}{m.name}（{m.department}）" for m in matters]  # every matter: the pane scrolls
        return lines
    m = catalogue.matter(code)
    lines = [t("intake.selected", kind=t("intake.matter"), name=m.name, code=code)]
    if m.legal_days == 0:  # 即办: decided on the spot
        lines.append(t("intake.subject_info_now", department=m.department, fee=m.fee))
    elif m.promised_days == 0:  # promised on the spot, within a longer legal limit
        lines.append(
            t("intake.subject_info_now_legal", department=m.department, legal=m.legal_days, fee=m.fee)
        )
    else:
        lines.append(
            t(
                "intake.subject_info",
                department=m.department,
                promised=m.promised_days,
                legal=m.legal_days,
                fee=m.fee,
            )
        )
    return lines


class SubjectPane(VerticalScroll):
    """#subject-scroll holding #subject-info (styles: app/ui/screens/intake.tcss)."""

    def __init__(self, **kw) -> None:
        super().__init__(can_focus=True, **kw)

    def compose(self) -> ComposeResult:
        yield WrappedText(Para(t("intake.no_subject")), id="subject-info")

    def show(self, draft, catalogue) -> None:
        paras = [
            Para(line, hang=len(BULLET)) if line.startswith(BULLET) else Para(line)
            for line in subject_lines(draft, catalogue)
        ]
        if draft.case_number:
            paras.insert(0, Para(t("intake.resumed", number=draft.case_number), style="b"))
        self.query_one("#subject-info", WrappedText).update(*paras)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.query_one("#subject-info", WrappedText).update(Para(t("intake.no_subject")))
