"""Checks for the identifiers a clerk types or scans.

* 居民身份证号码 (resident identity card number, GB 11643-1999): 17 digits and an
  ISO 7064 MOD 11-2 check character (``0-9`` or ``X``).
* 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters
  from ``0-9 A-H J-N P-R T-U W-Y`` with a MOD 31 check character.
* UPU S10 item numbers on EMS / 政务专递 items, e.g. ``EA123456785CN``.

python-stdnum is used where it is right (the ISO 7064 MOD 11-2 routine and the
administrative-division table), and not where it is wrong:

* ``stdnum.cn.ric.validate`` rejects a number whose area code was created after
  the holder's birth year (e.g. 灌南县 320724, created 1996, for someone born
  1990) -- but numbers are issued at first registration, often years after
  birth, so such numbers are real.  An area code missing from the table is only
  a warning here, never a refusal.
* ``stdnum.cn.uscc.validate`` (2.2) requires the first 8 characters to be
  digits, so it rejects valid codes whose registration-authority character is a
  letter (``N`` 农业农村, ``Y`` 其他, ``A`` ...).  The GB 32100 check is
  implemented here.

All checks return an :class:`IdCheck`; they never raise for bad input.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.iso7064 import mod_11_2

from app.messages import t


@dataclass(frozen=True)
class IdCheck:
    """Result of checking one identifier.

    ``value`` is the normalised text (upper case, no spaces) even when the check
    fails, so the form can show what was understood.  ``error`` is empty when
    ``ok``; otherwise a Chinese message for the clerk.  ``warnings`` never block.
    """

    ok: bool
    value: str
    error: str
    warnings: tuple[str, ...] = ()
    birth_date: date | None = None
    gender: str | None = None
    doc_type: str = ""  # a person's: resident | foreign_permanent | hkmotw_residence (ID_TYPES)


def _normalise(text: str | None) -> str:
    """NFKC (full-width digits/letters from IMEs), no whitespace, upper case."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in text if not ch.isspace()).upper()


def _fail(value: str, error: str, **extra: object) -> IdCheck:
    return IdCheck(ok=False, value=value, error=error, **extra)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# 居民身份证号码

_RIC_FORMAT = re.compile(r"[0-9]{17}[0-9X]")


def ric_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return mod_11_2.calc_check_digit(first17)


@functools.lru_cache(maxsize=4096)  # stdnum's table walk costs ~0.7 ms; codes repeat
def _area_known(code: str) -> bool:
    """True when the 6-digit area code is in stdnum's division table.

    Unlike ``stdnum.cn.ric.get_birth_place`` this ignores the years a code was
    in use: a number keeps the code it was issued under, and issue can be long
    after birth.
    """
    from stdnum import numdb

    parts = numdb.get("cn/loc").info(code)
    return any("county" in props for _, props in parts)


def check_resident_id(text: str, today: date | None = None) -> IdCheck:
    """Check a 18-character 居民身份证号码.

    Accepts surrounding/inner spaces, full-width characters and a lower-case
    ``x``.  Errors: wrong length (15-digit first-generation numbers are named),
    bad characters, wrong check character, impossible or future birth date.
    An unknown area code is a warning ("地区代码未收录，请核对").
    """
    return _check_gb11643(_normalise(text), today or date.today(), "")


# what can be wrong with a GB 11643 number: messages id.ric_* (a 身份证) and id.doc_* (another card)
GB11643_PROBLEMS = ("length", "format", "check", "birth_invalid", "birth_future", "birth_old")


def _gb11643_error(doc: str, what: str, **fields: object) -> str:
    """The message for a GB 11643 number: the 身份证's own words, or the same words naming
    another document that is numbered alike (``doc``: one of ID_TYPES other than resident)."""
    if not doc:
        return t("id.ric_" + what, **fields)
    return t("id.doc_" + what, doc=t("idcard.type_" + doc), **fields)


def _check_gb11643(value: str, today: date, doc: str) -> IdCheck:
    """A GB 11643 number (a 居民身份证, or ``doc``: a 2023 foreigner's card, a 港澳台 permit)."""
    extra = {"doc_type": doc} if doc else {}
    if not value:
        return _fail(value, t("id.ric_required"))
    if not doc and len(value) == 15 and value.isdigit():
        return _fail(value, t("id.ric_old15"))
    if len(value) != 18:
        return _fail(value, _gb11643_error(doc, "length", n=len(value)), **extra)
    if not _RIC_FORMAT.fullmatch(value):
        return _fail(value, _gb11643_error(doc, "format"), **extra)
    if ric_check_char(value[:17]) != value[17]:
        return _fail(value, _gb11643_error(doc, "check"), **extra)
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _fail(value, _gb11643_error(doc, "birth_invalid"), **extra)
    if birth > today:
        return _fail(value, _gb11643_error(doc, "birth_future"), **extra)
    if birth.year < 1900:
        return _fail(value, _gb11643_error(doc, "birth_old"), **extra)
    gender = "男" if int(value[16]) % 2 == 1 else "女"
    warnings: list[str] = []
    if not _area_known(value[:6]):
        warnings.append(t("id.ric_area_unknown"))
    return IdCheck(
        ok=True,
        value=value,
        error="",
        warnings=tuple(warnings),
        birth_date=birth,
        gender=gender,
    )


# --------------------------------------------------------------------------
# A person's document: 居民身份证, 外国人永久居留身份证, 港澳台居民居住证
#
# The number says which it is (so the type needs no column of its own and cannot disagree with
# the number): the 2023 foreigner's card is numbered as GB 11643 with 9 first (9, the province
# of issue, the ISO 3166 numeric nationality, the birth date, a sequence whose last digit is
# the sex, the MOD 11-2 check character); the 2017 card is 3 letters (ISO 3166 alpha-3
# nationality) and 12 digits (the place of issue, the birth date YYMMDD, a sequence); the
# 港澳台居民居住证 is a GB 11643 number whose area is 810000 (Hong Kong), 820000 (Macao) or
# 830000 (Taiwan). The card types are those devices.idcard.card reports.

RESIDENT_ID, FOREIGN_PERMANENT_ID, HKMOTW_RESIDENCE_ID = "resident", "foreign_permanent", "hkmotw_residence"
ID_TYPES = (RESIDENT_ID, FOREIGN_PERMANENT_ID, HKMOTW_RESIDENCE_ID)
HKMOTW_AREAS = ("810000", "820000", "830000")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")


def person_id_type(value: str) -> str:
    """Which document a person's (normalised) number belongs to: one of ID_TYPES."""
    if _FOREIGN_2017.fullmatch(value) or (len(value) == 18 and value.startswith("9")):
        return FOREIGN_PERMANENT_ID
    if value[:6] in HKMOTW_AREAS:
        return HKMOTW_RESIDENCE_ID
    return RESIDENT_ID


def typed_person_id_type(text: str) -> str:
    """The document a person's number names from what is typed so far (one of ID_TYPES), so the
    form can name it while the clerk types and word its errors for it: a letter first is a 2017
    foreigner's card, a 9 first a 2023 one (no county's code starts with 9), 81/82/83 a
    港澳台居民居住证; else a 居民身份证."""
    value = _normalise(text)
    if value[:1].isalpha() or value.startswith("9"):
        return FOREIGN_PERMANENT_ID
    if value[:2] in ("81", "82", "83") and all(a == b for a, b in zip(value[2:6], "0000", strict=False)):
        return HKMOTW_RESIDENCE_ID
    return RESIDENT_ID


def applicant_id_type(kind: str, number: str) -> str:
    """An applicant's document: ``credit_code`` for an enterprise, else person_id_type."""
    return "credit_code" if kind == "enterprise" else person_id_type(_normalise(number))


def id_type_note(kind: str, number: str) -> str:
    """The document's name when it is not the usual one (a person's 居民身份证, an enterprise's
    credit code): ``外国人永久居留身份证`` or ``港澳台居民居住证``; else ""."""
    doc = applicant_id_type(kind, number)
    return t("idcard.type_" + doc) if doc in (FOREIGN_PERMANENT_ID, HKMOTW_RESIDENCE_ID) else ""


def _check_foreign_2017(value: str, today: date) -> IdCheck:
    yy, mm, dd = int(value[7:9]), int(value[9:11]), int(value[11:13])
    births = []
    for century in (1900, 2000):
        try:
            births.append(date(century + yy, mm, dd))
        except ValueError:
            pass
    births = [b for b in births if b <= today]
    if not births:
        return _fail(value, t("id.fpr_birth_invalid"), doc_type=FOREIGN_PERMANENT_ID)
    return IdCheck(ok=True, value=value, error="", birth_date=max(births), doc_type=FOREIGN_PERMANENT_ID)


def check_person_id(text: str, today: date | None = None) -> IdCheck:
    """Check a person's document number: a 居民身份证号码, a 港澳台居民居住证 number (both
    GB 11643) or a 外国人永久居留身份证 number (2023: GB 11643 with 9 first; 2017: 3 letters and
    12 digits). ``doc_type`` names the document; the errors name it too (typed_person_id_type)."""
    value = _normalise(text)
    today = today or date.today()
    typed = typed_person_id_type(value)
    if value[:1].isalpha():
        if not _FOREIGN_2017.fullmatch(value):
            return _fail(value, t("id.fpr_format"), doc_type=FOREIGN_PERMANENT_ID)
        return _check_foreign_2017(value, today)
    check = _check_gb11643(value, today, "" if typed == RESIDENT_ID else typed)
    if not check.ok:
        return check
    doc_type = person_id_type(check.value)
    warnings = check.warnings
    if doc_type != RESIDENT_ID:  # 9xxxxx and 81/82/83 0000 are no county: nothing to look up
        warnings = tuple(w for w in warnings if w != t("id.ric_area_unknown"))
    return IdCheck(True, check.value, "", warnings, check.birth_date, check.gender, doc_type)


# --------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: First character: registration authority (登记管理部门代码), GB 32100-2015 table 1.
USCC_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业农村",
    "Y": "其他",
}


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters (upper case)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(text: str) -> IdCheck:
    """Check a 统一社会信用代码 per GB 32100-2015.

    Structure: registration authority (1) + entity type (1) + administrative
    division code of the registering authority (6 digits) + organisation code
    (9) + check character (1).  An unusual authority character is a warning.
    """
    value = _normalise(text)
    if not value:
        return _fail(value, t("id.uscc_required"))
    if len(value) != 18:
        return _fail(value, t("id.uscc_length", n=len(value)))
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        shown = "、".join(bad)
        return _fail(value, t("id.uscc_chars", chars=shown))
    if not value[2:8].isdigit():
        return _fail(value, t("id.uscc_area"))
    if uscc_check_char(value[:17]) != value[17]:
        return _fail(value, t("id.uscc_check"))
    warnings: list[str] = []
    if value[0] not in USCC_AUTHORITIES:
        warnings.append(t("id.uscc_authority_unusual"))
    return IdCheck(ok=True, value=value, error="", warnings=tuple(warnings))


# --------------------------------------------------------------------------
# UPU S10 item numbers (EMS, 政务专递)

_S10_FORMAT = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> str:
    """UPU S10 check digit for the 8-digit serial number."""
    total = sum(int(c) * w for c, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        check = 0
    elif check == 11:
        check = 5
    return str(check)


def check_waybill(text: str) -> IdCheck:
    """Check a UPU S10 item number such as ``EA123456785CN``.

    (python-stdnum 2.2 has no S10 module, so the check is implemented here.)
    """
    value = _normalise(text)
    if not value:
        return _fail(value, t("id.s10_required"))
    if len(value) != 13:
        return _fail(value, t("id.s10_length", n=len(value)))
    if not _S10_FORMAT.fullmatch(value):
        return _fail(value, t("id.s10_format"))
    if s10_check_digit(value[2:10]) != value[10]:
        return _fail(value, t("id.s10_check"))
    return IdCheck(ok=True, value=value, error="")


# --------------------------------------------------------------------------


def mask_id(value: str) -> str:
    """Mask an identifier for display: the one rule of app.domain.masking."""
    from app.domain.masking import mask_id as _mask

    return _mask(value)
