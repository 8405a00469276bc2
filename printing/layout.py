"""Document + template + profile → blocks on the paper (lines, codes, rules).

Layout knows columns, not bytes: :mod:`printing.render` turns blocks into ESC/POS.
Every text line fits ``columns // size`` display columns (double-width counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .documents import Document, MaterialLine, mask_id
from .profiles import PrinterProfile
from .signing import Claim, Signer, receipt_payload
from .templates import Template, default_templates
from .text import sanitize, str_width, two_columns, wrap

RARE_LINE = "䶮 𠀾 買買提·艾力 ¥ ，。："
TEST_CODE = "TEST-0000"


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    size: int = 1  # 1 normal, 2 double width and height


@dataclass(frozen=True)
class QR:
    payload: str
    caption: str = ""


@dataclass(frozen=True)
class Barcode:
    data: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Block = Line | QR | Barcode | Feed


def fmt_date(d: date | None) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if d else ""


def fmt_dt(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


class _Page:
    """The paper and its pen: labels, wrapped lines, label-value pairs, rules; ``build`` runs
    the template's sections in order (each ``s_<name>`` method of a subclass)."""

    def __init__(self, doc: Document, tpl: Template, profile: PrinterProfile, signer: Signer | None) -> None:
        self.doc = doc
        self.tpl = tpl
        self.profile = profile
        self.cols = profile.columns
        self.signer = signer
        self.out: list[Block] = []

    def L(self, key: str) -> str:
        return sanitize(self.tpl.label(key))

    def lines(
        self, text: str, align: str = "left", bold: bool = False, size: int = 1, indent: int = 0
    ) -> None:
        width = self.cols // size
        for ln in wrap(sanitize(text), width, indent):
            self.out.append(Line(ln, align, bold, size))

    def kv(self, label: str, value: str, bold: bool = False) -> None:
        value = sanitize(value)
        if not value:
            return
        head = f"{label}："
        # Hanging indent under the value when the label is short enough.
        indent = str_width(head) if str_width(head) <= self.cols // 2 else 2
        if str_width(value) > self.cols - indent:
            indent = 0
        for ln in wrap(head + value, self.cols, indent):
            self.out.append(Line(ln, bold=bold))

    def rule(self) -> None:
        self.out.append(Line("-" * self.cols))

    def build(self) -> list[Block]:
        for s in self.tpl.sections:
            getattr(self, f"s_{s}")()
        return self.out


class _CaseText(_Page):
    """Text sections about the case, the people and the office."""

    def s_header(self) -> None:
        d = self.doc
        self.lines(d.office.name, align="center", bold=True)
        self.lines(self.tpl.title, align="center", bold=True, size=2)
        if self.tpl.subtitle:
            self.lines(self.tpl.subtitle, align="center")
        if d.reprinted_at:
            self.lines(f"【{self.L('reprint')} {fmt_dt(d.reprinted_at)}】", align="center", bold=True)

    def s_rule(self) -> None:
        self.rule()

    def s_feed(self) -> None:
        self.out.append(Feed(1))

    def s_case_number(self) -> None:
        self.kv(self.L("case_number"), self.doc.case_number, bold=True)

    def s_applicant(self) -> None:
        key = "applicant_enterprise" if self.doc.applicant_kind == "enterprise" else "applicant_person"
        self.kv(self.L(key), self.doc.applicant_name)

    def s_applicant_id(self) -> None:
        ent = self.doc.applicant_kind == "enterprise"
        self.kv(
            self.L("id_enterprise" if ent else "id_person"),
            mask_id(sanitize(self.doc.applicant_id), "enterprise" if ent else "person"),
        )
        if self.doc.applicant_id_type and not ent:
            self.kv(self.L("id_type"), self.doc.applicant_id_type)

    def s_subject(self) -> None:
        self.kv(self.L("subject"), self.doc.subject)
        self.kv(self.L("subject_code"), self.doc.subject_code)

    def s_accepted_on(self) -> None:
        self.kv(self.L("accepted_on"), fmt_date(self.doc.accepted_on))

    def s_due_date(self) -> None:
        if self.doc.due_date:
            mark = self.L("provisional") if self.doc.due_provisional else ""
            self.kv(self.L("due_date"), fmt_date(self.doc.due_date) + mark)

    def s_window_clerk(self) -> None:
        w, c = sanitize(self.doc.window), sanitize(self.doc.clerk)
        a = f"{self.L('window')}：{w}" if w else ""
        b = f"{self.L('clerk')}：{c}" if c else ""
        if a and b and str_width(a) + 2 + str_width(b) <= self.cols:
            self.out.append(Line(a + "  " + b))
        else:
            if a:
                self.kv(self.L("window"), w)
            if b:
                self.kv(self.L("clerk"), c)

    def s_intro(self) -> None:
        if self.tpl.intro:
            self.lines(self.tpl.intro)

    def s_reason(self) -> None:
        reason = sanitize(self.doc.reason)
        if reason:
            self.lines(f"{self.L('reason')}：", bold=True)
            self.lines(reason, indent=0)

    def s_outcome(self) -> None:
        if self.doc.outcome:
            self.kv(self.L("outcome"), self.L("outcome_" + self.doc.outcome))

    def s_collector(self) -> None:
        d = self.doc
        if not d.collector_name and not d.collector_id:
            return
        agent = d.collector_role == "agent"
        self.kv(self.L("collector"), d.collector_name)
        self.kv(self.L("collector_role"), self.L("role_agent" if agent else "role_applicant"))
        self.kv(self.L("collector_id"), mask_id(sanitize(d.collector_id), "person"))
        if agent and d.authorisation:
            self.kv(self.L("authorisation"), d.authorisation)

    def s_extra(self) -> None:
        for k, v in self.doc.extra.items():
            self.kv(sanitize(str(k)), str(v))

    def s_issued_at(self) -> None:
        self.kv(self.L("issued_at"), fmt_dt(self.doc.issued_at))

    def s_signature(self) -> None:
        self.out.append(Feed(1))
        label = f"{self.L('signature')}："
        self.out.append(Line(label + "_" * max(4, self.cols - str_width(label))))
        label = f"{self.L('date')}："
        self.out.append(Line(label + "_" * max(4, min(16, self.cols - str_width(label)))))

    def s_footer(self) -> None:
        o = self.doc.office
        self.rule()
        if o.footer:
            self.lines(o.footer, align="center")
        if o.hotline:
            self.lines(f"{self.L('hotline')}：{o.hotline}", align="center")
        if o.address:
            self.lines(f"{self.L('address')}：{o.address}", align="center")

    def s_test_page(self) -> None:
        p = self.profile
        yes, no = "支持", "图像"
        self.kv("打印机型", p.name)
        self.kv("纸宽", f"{p.paper_mm} mm / {p.dots} 点 / {p.columns} 列")
        self.kv("字库编码", p.encoding.upper())
        self.kv("二维码", yes if p.native_qr else no)
        self.kv("条码", yes if p.native_barcode else no)
        self.rule()
        ruler = "".join(str(i % 10) for i in range(1, p.columns + 1))
        self.out.append(Line(ruler))
        self.out.append(Line("中" * (p.columns // 2)))
        self.lines("中文打印测试：受理回执（一次性告知）")
        self.lines("生僻字：")
        self.lines(RARE_LINE)
        self.rule()
        self.kv(self.L("case_number"), self.doc.case_number)


class _Materials(_Page):
    """The materials list (received, tolerated, missing) and the notes that follow from it."""

    def form_text(self, m: MaterialLine) -> str:
        form = self.L("copy") if m.form == "copy" else self.L("original")
        return f"{form} {m.copies}{self.L('copies_unit')}"

    def materials(self, status: str, header_key: str, with_note: bool) -> None:
        items = [m for m in self.doc.materials if m.status == status]
        if not items:
            return
        header = f"{self.L(header_key)}（{len(items)}{self.L('items_unit')}）："
        self.lines(header, bold=True)
        if status == "tolerated" and self.doc.tolerated_until:
            self.lines(f"{self.L('tolerated_until')}：{fmt_date(self.doc.tolerated_until)}")
        for i, m in enumerate(items, 1):
            num = f"{i}."
            left = f"{num}{sanitize(m.name)}"
            for ln in two_columns(left, self.form_text(m), self.cols, indent=len(num)):
                self.out.append(Line(ln))
            if with_note and m.note:
                note = sanitize(m.note)
                if status == "missing":
                    note = f"{self.L('missing_note')}：{note}"
                for ln in wrap(" " * (len(num)) + note, self.cols, len(num) + 2):
                    self.out.append(Line(ln))

    def s_materials_received(self) -> None:
        self.materials("received", "materials_received", with_note=False)

    def s_materials_tolerated(self) -> None:
        self.materials("tolerated", "materials_tolerated", with_note=True)

    def s_materials_missing(self) -> None:
        self.materials("missing", "materials_missing", with_note=True)

    def s_notes(self) -> None:
        for n in self.tpl.notes:
            self.lines(n)
        if any(m.status == "tolerated" for m in self.doc.materials):
            for n in self.tpl.tolerated_notes:
                self.lines(n)


class _Codes(_Page):
    """The barcode and the signed QR code, and the claim the signature covers."""

    def code(self) -> str:
        """The case number; a test page without one still exercises the codes."""
        if not self.doc.case_number and self.doc.kind == "test":
            return TEST_CODE
        return self.doc.case_number

    def s_barcode(self) -> None:
        from .code128 import encodable

        if encodable(self.code()):
            self.out.append(Barcode(self.code()))

    def s_qr(self) -> None:
        if not self.code():
            return
        payload = receipt_payload(self.claim(), self.doc.office.query_url.strip(), self.signer)
        self.out.append(QR(payload))
        self.lines(self.L("qr_caption"), align="center")

    def claim(self) -> Claim:
        """What the QR code's signature covers: the paper's promise as printed (printing/signing.py)."""
        d = self.doc
        on_paper = d.accepted_on if d.kind == "receipt" and d.accepted_on else d.issued_at.date()
        return Claim.of(
            self.code(),
            d.kind,
            d.subject_code,
            mask_id(d.applicant_id, "enterprise" if d.applicant_kind == "enterprise" else "person"),
            d.applicant_name,
            on_paper,
            d.due_date if d.kind == "receipt" else None,
        )


class _Courier(_Page):
    """The courier's waybills and trip (交接单) sections."""

    def s_waybills(self) -> None:
        wb = [sanitize(w) for w in self.doc.waybills]
        self.lines(f"{self.L('waybills')}（{len(wb)}{self.L('pieces_unit')}）：", bold=True)
        width = len(str(len(wb))) + 1
        for i, w in enumerate(wb, 1):
            for ln in wrap(f"{str(i) + '.':<{width}} {w}", self.cols, width + 1):
                self.out.append(Line(ln))

    def s_trip_items(self) -> None:
        """The courier's 交接单: every waybill with its case and its step in the trip."""
        items = self.doc.trip_items
        self.lines(f"{self.L('waybills')}（{len(items)}{self.L('pieces_unit')}）：", bold=True)
        width = len(str(len(items))) + 1
        for i, (waybill, case_number, step) in enumerate(items, 1):
            left = f"{str(i) + '.':<{width}} {sanitize(waybill)}"
            for ln in two_columns(left, self.L(f"step_{step}"), self.cols, indent=width + 1):
                self.out.append(Line(ln))
            if case_number:
                for ln in wrap(" " * (width + 1) + sanitize(case_number), self.cols, width + 1):
                    self.out.append(Line(ln))

    def s_trip_totals(self) -> None:
        counts: dict[str, int] = {}
        for _w, _c, step in self.doc.trip_items:
            counts[step] = counts.get(step, 0) + 1
        for step, n in counts.items():
            self.kv(self.L(f"step_{step}"), f"{n}{self.L('pieces_unit')}")
        self.kv(self.L("total"), f"{len(self.doc.trip_items)}{self.L('pieces_unit')}", bold=True)


class _Builder(_CaseText, _Materials, _Codes, _Courier):
    """Every section a template may name, one class per job."""


def layout(
    doc: Document,
    profile: PrinterProfile,
    signer: Signer | None = None,
    templates: dict[str, Template] | None = None,
) -> list[Block]:
    tpl = (templates or default_templates())[doc.kind]
    return _Builder(doc, tpl, profile, signer).build()
