"""统一窗口出件 on a real store: the receipt-scan recogniser, the collector check, the
handover event and its 领取凭证 (one transaction), the CLI, reprints."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import ric_check_char
from app.domain.receipt_scan import clean_scan, recognise
from app.services.handover import HandoverRefused, hand_over, ready, recognise_scan, trusted_keys
from app.services.intake import ApplicantInput, IntakeService
from app.services.sync import outbox
from app.store.models import CaseEvent, PrintJob
from printing.signing import Signer
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

APPLICANT_ID = "32072419880512004" + ric_check_char("32072419880512004")
AGENT_ID = "32072419900101002" + ric_check_char("32072419900101002")


def decided_case(ws, decision: str = "case.completed", kind: str = "person") -> str:
    """A case accepted at the window and decided by the back office (pulled as sync does)."""
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    if kind == "person":
        draft.applicant = ApplicantInput("person", APPLICANT_ID, "张秀英")
    else:
        draft.applicant = ApplicantInput("enterprise", "91320724MA1MXXXX01", "泰州某某便利店有限公司")
    number = svc.accept(draft).case.number
    outbox.apply_pulled(
        ws.store,
        [
            {
                "id": str(uuid.uuid4()),
                "case": number,
                "kind": decision,
                "lc": 3,  # after case.created (1) and case.accepted (2)
                "p": {"reason": "不符合条件"} if decision == "case.denied" else {},
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
    return number


def counts(ws) -> tuple[int, int]:
    with ws.store.read() as s:
        events = s.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
        jobs = s.execute(select(func.count()).select_from(PrintJob)).scalar_one()
    return events, jobs


# --- the recogniser (pure) ---------------------------------------------------------------------
NUMBER = "320724100-01-261121-0001-1"


def test_recognise_receipts_numbers_and_forgeries() -> None:
    mine, other = Signer.from_seed(b"\x01" * 32), Signer.from_seed(b"\x02" * 32)
    keys = [mine.public_key_b64()]
    payload = mine.payload(NUMBER)
    assert recognise(payload, keys).kind == "receipt"
    assert recognise(mine.payload(NUMBER, "https://zw.example.gov.cn/q"), keys).number == NUMBER
    # what scanners add around it: AIM identifier, CR/LF, a GS separator, full-width forms
    assert recognise("]Q1" + payload + "\r\n", keys).kind == "receipt"
    assert clean_scan("\x1d" + NUMBER + "\x1d") == NUMBER
    # the CODE128 barcode: the bare number, hyphenated or compact, check character verified
    assert recognise(NUMBER, []).kind == "number"
    assert recognise(NUMBER.replace("-", ""), []).number == NUMBER
    assert recognise(NUMBER[:-1] + "2", []) is None  # wrong check character: not a case number
    # ordinary typing is no scan
    for text in ("kcg", "开餐馆", "", "320724", APPLICANT_ID, "a?b=c"):
        assert recognise(text, keys) is None, text
    # forged: another key, an altered number, a bad signature, no signature
    refused = {
        "other key": other.payload(NUMBER),
        "number altered": payload.replace("0001-1", "0002-K"),
        "bad number": payload.replace("0001-1", "0001-2"),
        "signature altered": payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB"),
        "unsigned": "yc:?n=" + NUMBER,
        "key id dropped": payload.replace(f"k={mine.key_id()}&", ""),
    }
    for what, text in refused.items():
        scan = recognise(text, keys)
        if what == "key id dropped":  # still verifies with the trusted key: genuine
            assert scan.kind == "receipt"
            continue
        assert scan is not None and scan.kind == "forged" and scan.reason, what
    assert "未知的密钥" in recognise(other.payload(NUMBER), keys).reason
    assert "签名无效" in recognise(payload[:-3] + "AAA", keys).reason
    # a known key of another window is accepted
    assert recognise(other.payload(NUMBER), keys + [other.public_key_b64()]).kind == "receipt"


def test_trusted_keys_are_the_windows_own_and_the_admins_list(ws) -> None:
    other = Signer.from_seed(b"\x03" * 32)
    payload = other.payload(NUMBER)
    assert recognise_scan(ws, payload).kind == "forged"
    folder = ws.config.data_dir / "keys" / "trusted"
    folder.mkdir(parents=True)
    (folder / "ws02.pub").write_text(
        f"# window 2\n{other.public_key_b64()}\nnot-base64!!\n", encoding="utf-8"
    )
    assert trusted_keys(ws)[0] == ws.signer.public_key_b64()
    assert recognise_scan(ws, payload).kind == "receipt"
    assert recognise_scan(ws, ws.signer.payload(NUMBER)).kind == "receipt"


# --- the handover --------------------------------------------------------------------------------
def test_ready_lists_completed_and_denied_only(ws) -> None:
    done, denied = decided_case(ws), decided_case(ws, "case.denied")
    waiting = decided_case(ws, "case.in_review")
    numbers = [c.number for c in ready(ws)]
    assert numbers == [done, denied] and waiting not in numbers
    assert [c.number for c in ready(ws, "张秀英")] == [done, denied]
    assert [c.number for c in ready(ws, denied)] == [denied]


def test_applicant_collects_and_the_voucher_prints(ws) -> None:
    number = decided_case(ws)
    with PrinterListener("accept") as printer:
        done = hand_over(ws, number, APPLICANT_ID.lower(), printer_url=printer.url)
        from app.services.printing import PrintSpool

        assert PrintSpool(ws).send(done.job.job_id).ok
        paper = read_paper(printer.wait_jobs(1)[0], ws.config.get("printer.profile"))
    payload = json.loads(done.event.payload_json)
    assert payload == {
        "method": "window",
        "collector": {"role": "applicant", "name": "张秀英", "id_number": APPLICANT_ID},
        "outcome": "completed",
    }
    assert "领取凭证" in paper.text and number in paper.text and paper.cut
    assert "办理结果：办结" in paper.text and "申请人本人领取" in paper.text
    assert APPLICANT_ID not in paper.text  # masked on paper
    assert f"{APPLICANT_ID[:6]}********{APPLICANT_ID[-4:]}" in paper.text
    from app.services.cases import CaseService

    assert CaseService(ws).get(number).state == "delivered"


def test_wrong_collector_is_refused_and_nothing_is_recorded(ws) -> None:
    number = decided_case(ws)
    before = counts(ws)
    wrong = "11010519491231002" + ric_check_char("11010519491231002")
    cases = [
        ((wrong,), "collector_id", "与申请人不符"),
        ((APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1"),), "collector_id", "校验位"),
        (("",), "collector_id", "不能为空"),
        ((AGENT_ID, "王五", ""), "authorisation", "不能为空"),
        (("1234", "王五", "委托书"), "collector_id", "18位"),
        ((APPLICANT_ID, "王五", "委托书"), "collector_id", "无需代领"),
        ((AGENT_ID, "王\x1b五", "委托书"), "agent_name", "控制字符"),
    ]
    for args, field, words in cases:
        with pytest.raises(HandoverRefused) as err:
            hand_over(ws, number, *args)
        assert err.value.field == field and words in str(err.value), (args, str(err.value))
    assert counts(ws) == before
    from app.services.cases import CaseService

    assert CaseService(ws).get(number).state == "completed"


def test_agent_collects_with_written_authorisation(ws) -> None:
    number = decided_case(ws, "case.denied")
    done = hand_over(ws, number, AGENT_ID, "王五", "张秀英书面委托王五代为领取，委托书编号 WT-0042")
    payload = json.loads(done.event.payload_json)
    assert payload["collector"] == {
        "role": "agent",
        "name": "王五",
        "id_number": AGENT_ID,
        "authorisation": "张秀英书面委托王五代为领取，委托书编号 WT-0042",
    }
    assert payload["outcome"] == "denied"
    text = done.job.text
    assert "领取人：王五" in text and "代领（凭书面授权）" in text and "WT-0042" in text
    assert "办理结果：不予许可" in text and AGENT_ID not in text
    # handed out once: a second handover is refused, nothing added
    before = counts(ws)
    with pytest.raises(HandoverRefused, match="已出件"):
        hand_over(ws, number, AGENT_ID, "王五", "again")
    assert counts(ws) == before


def test_a_company_result_goes_to_an_authorised_person(ws) -> None:
    number = decided_case(ws, kind="enterprise")
    with pytest.raises(HandoverRefused, match="经办人"):
        hand_over(ws, number, "91320724MA1MXXXX01")
    done = hand_over(ws, number, AGENT_ID, "赵六", "公司授权委托书")
    assert json.loads(done.event.payload_json)["collector"]["role"] == "agent"


def test_a_case_not_ready_cannot_be_handed_out(ws) -> None:
    number = decided_case(ws, "case.in_review")
    with pytest.raises(HandoverRefused, match="审批中"):
        hand_over(ws, number, APPLICANT_ID)
    with pytest.raises(HandoverRefused, match="没有找到"):
        hand_over(ws, "320724100-01-261120-0099-X", APPLICANT_ID)


# --- the command line ----------------------------------------------------------------------------
def test_cli_handover_and_reprint(ws, capsys) -> None:
    from app.cli import main

    number = decided_case(ws)
    data = str(ws.config.data_dir)
    before = counts(ws)
    with PrinterListener("accept") as printer:
        code = main(["case", "handover", number, "--collector-id", "0000", "--data-dir", data])
        err = capsys.readouterr().err
        assert code == 1 and "18位" in err
        code = main(
            [
                "case",
                "handover",
                number,
                "--collector-id",
                AGENT_ID,
                "--agent-name",
                "王五",
                "--data-dir",
                data,
            ]
        )
        assert code == 1 and "授权委托" in capsys.readouterr().err
        assert counts(ws) == before  # refused: nothing recorded, nothing queued
        code = main(
            [
                "case",
                "handover",
                number,
                "--collector-id",
                AGENT_ID,
                "--agent-name",
                "王五",
                "--authorisation",
                "张秀英委托",
                "--printer",
                printer.url,
                "--data-dir",
                data,
            ]
        )
        out = capsys.readouterr()
        assert code == 0, out.err
        assert f"已出件：案件 {number}（代领人 王五）" in out.out and "领取凭证" in out.out
        first = read_paper(printer.wait_jobs(1)[0], ws.config.get("printer.profile"))
        assert "领取人：王五" in first.text and "补打" not in first.text
        # `case print --doc handover` reprints the 领取凭证 as issued, marked 补打
        code = main(
            ["case", "print", number, "--doc", "handover", "--printer", printer.url, "--data-dir", data]
        )
        out = capsys.readouterr()
        assert code == 0, out.err
        assert "领取凭证" in out.out
        again = read_paper(printer.wait_jobs(2)[1], ws.config.get("printer.profile"))
    assert "补打" in again.text and "领取人：王五" in again.text and "张秀英委托" in again.text
