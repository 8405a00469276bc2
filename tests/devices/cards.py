"""Sample cards for the reader's tests (valid MOD 11-2 numbers; invented people)."""

from __future__ import annotations

import datetime as dt

from devices.idcard.card import FOREIGN_PERMANENT, HKMOTW_RESIDENCE, IdCard

RESIDENT = IdCard(
    name="王䶮",
    sex="2",
    nation="01",
    birth=dt.date(1985, 3, 17),
    address="江苏省连云港市灌南县新安镇人民路1号",
    id_number="320724198503170045",
    issuer="灌南县公安局",
    valid_from=dt.date(2020, 5, 1),
    valid_to=dt.date(2040, 5, 1),
)
LONG_TERM = IdCard(
    name="张三",
    sex="2",
    nation="01",
    birth=dt.date(1949, 12, 31),
    address="北京市朝阳区",
    id_number="11010519491231002X",
    issuer="北京市公安局朝阳分局",
    valid_from=dt.date(2010, 1, 1),
    valid_to=None,
)
EXPIRED = IdCard(
    name="李四",
    sex="1",
    nation="01",
    birth=dt.date(1949, 12, 31),
    address="北京市朝阳区",
    id_number="110105194912310011",
    issuer="北京市公安局朝阳分局",
    valid_from=dt.date(2000, 1, 1),
    valid_to=dt.date(2020, 1, 1),
)
MISMATCH = IdCard(  # the chip says female, the number says male (odd 17th digit)
    name="赵五",
    sex="2",
    nation="01",
    birth=dt.date(1949, 12, 31),
    address="北京市朝阳区",
    id_number="110105194912310011",
    issuer="北京市公安局朝阳分局",
    valid_from=dt.date(2020, 1, 1),
    valid_to=dt.date(2040, 1, 1),
)
FOREIGN_2017 = IdCard(
    name="约翰",
    sex="1",
    nation="USA",
    birth=dt.date(1980, 1, 2),
    address="",
    id_number="USA110080010201",
    issuer="1100",
    valid_from=dt.date(2018, 1, 1),
    valid_to=dt.date(2028, 1, 1),
    card_type=FOREIGN_PERMANENT,
    english_name="SMITH, JOHN",
)
FOREIGN_2023 = IdCard(
    name="约翰",
    sex="1",
    nation="",
    birth=dt.date(1990, 1, 1),
    address="",
    id_number="910840199001010017",
    issuer="国家移民管理局",
    valid_from=dt.date(2024, 1, 1),
    valid_to=dt.date(2034, 1, 1),
    card_type=FOREIGN_PERMANENT,
    english_name="SMITH JOHN",
)
HKMO = IdCard(
    name="陈大文",
    sex="1",
    nation="",
    birth=dt.date(1990, 1, 1),
    address="广东省深圳市福田区",
    id_number="810000199001010019",
    issuer="深圳市公安局",
    valid_from=dt.date(2020, 1, 1),
    valid_to=dt.date(2025, 1, 1),
    card_type=HKMOTW_RESIDENCE,
    pass_number="H12345678",
)
RARE_NAME = IdCard(  # 𠀀 (U+20000) lies outside the BMP: a surrogate pair in UTF-16
    name="𠀀䶮",
    sex="1",
    nation="01",
    birth=dt.date(1949, 12, 31),
    address="北京市朝阳区",
    id_number="110105194912310011",
    issuer="北京市公安局朝阳分局",
    valid_from=dt.date(2020, 1, 1),
    valid_to=dt.date(2040, 1, 1),
)
