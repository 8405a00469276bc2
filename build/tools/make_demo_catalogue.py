"""Generate forms/demo/catalogue.json, the demo catalogue of 灌南县 (320724), Jiangsu.

Usage (from the repository root)::

    .venv/bin/python build/tools/make_demo_catalogue.py [--check]

The data below is illustrative, modelled on Jiangsu's published lists (事项清单) and
on the 灌南县 "一件事快速办" reform (seed 004): 开餐馆 = 7 departments, 46 materials
before merging, 26 after. Material names come from one registry, so one key always
has one name. The file is written with forms.loader.dump_catalogue, so loading and
dumping it again is byte-identical. ``--check`` only verifies the file is up to date.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # a tool script, run from a checkout
    sys.path.insert(0, str(ROOT))

from forms.catalogue import Bundle, Catalogue, Material, Matter  # noqa: E402
from forms.loader import dump_catalogue, load_catalogue, serialize_catalogue  # noqa: E402

OUTPUT = ROOT / "forms" / "demo" / "catalogue.json"

# ----------------------------------------------------------------- material registry
# key -> name. Shared keys are what a bundle's checklist dedupes.
NAMES: dict[str, str] = {
    # shared across many matters
    "business_licence": "营业执照",
    "legal_rep_id": "法定代表人（负责人、经营者）身份证明",
    "premises_proof": "经营场所使用证明（房屋产权证明）",
    "lease_contract": "房屋租赁合同",
    "agent_authorisation": "授权委托书及委托代理人身份证明",
    "site_plan": "经营场所平面布局图",
    "resident_id": "居民身份证",
    "household_register": "居民户口簿",
    "applicant_id": "申请人有效身份证件（居民身份证或户口簿）",
    "parents_id": "父母双方居民身份证",
    "marriage_certificate": "结婚证",
    "birth_medical_certificate": "出生医学证明",
    "id_photo": "近期免冠彩色照片",
    "bank_card": "本人社会保障卡或银行卡",
    "fire_safety_check_proof": "公众聚集场所投入使用、营业前消防安全检查合格证明",
    "planning_permit": "建设工程规划许可证",
    "land_certificate": "建设用地批准文件或不动产权证书",
    "driver_qualification": "驾驶员从业资格证",
    "vehicle_proof": "拟投入车辆承诺书或车辆行驶证",
    "safety_rules": "安全生产管理制度文本",
    "staff_health_certificate": "从业人员健康合格证明",
    # 市场监管局
    "company_registration_application": "公司登记（备案）申请书",
    "articles_of_association": "公司章程",
    "shareholder_id": "股东主体资格证明或自然人身份证件",
    "officer_appointment": "法定代表人、董事、监事和经理的任职文件",
    "individual_registration_application": "个体工商户注册登记申请书",
    "company_change_application": "公司变更登记申请书",
    "shareholder_resolution": "股东会决议或股东决定",
    "articles_amendment": "公司章程修正案",
    "company_deregistration_application": "公司注销登记申请书",
    "liquidation_report": "清算报告",
    "tax_clearance": "清税证明",
    "device_filing_form": "第二类医疗器械经营备案表",
    "quality_manager_proof": "质量负责人身份证明、学历或职称证明",
    "quality_rules": "经营质量管理制度、工作程序等文件目录",
    "equipment_registration_form": "特种设备使用登记表",
    "equipment_product_docs": "特种设备产品合格证",
    "supervision_certificate": "特种设备监督检验证明",
    # 行政审批局
    "food_licence_application": "食品经营许可申请书",
    "food_safety_manager": "食品安全管理人员身份证明及培训考核合格证明",
    "equipment_list": "食品经营设备、设施清单",
    "food_safety_rules": "食品安全管理制度文本",
    "food_licence_change_application": "食品经营许可变更申请书",
    "food_licence": "食品经营许可证正、副本",
    "hygiene_licence_application": "公共场所卫生许可申请表",
    "hygiene_rules": "公共场所卫生管理制度",
    "hygiene_inspection_report": "公共场所卫生检测或评价报告",
    "drug_licence_application": "药品经营许可证申请表",
    "pharmacist_certificate": "执业药师注册证及身份证明",
    "drug_quality_rules": "药品质量管理制度文件",
    "publication_licence_application": "出版物经营许可申请书",
    # 生态环境局
    "env_registration_form": "建设项目环境影响登记表",
    "fume_purifier_proof": "油烟净化设施安装说明",
    "eia_application": "建设项目环境影响评价审批申请书",
    "eia_report": "建设项目环境影响报告表（全本）",
    "eia_public_version": "建设项目环境影响报告表公开版本及删除涉密信息说明",
    "discharge_permit_application": "排污许可证申请表",
    "eia_approval": "环境影响评价审批文件",
    "self_monitoring_plan": "自行监测方案",
    "compliance_commitment": "守法承诺书",
    # 住建局
    "drainage_application": "城镇污水排入排水管网许可申请表",
    "drainage_plan": "排水户内部排水管网、专用检测井、排放口位置和口径的图纸及说明",
    "grease_trap_proof": "隔油池等污水预处理设施说明",
    "construction_permit_application": "建筑工程施工许可申请表",
    "construction_contract": "建筑工程施工合同",
    "quality_safety_filing": "工程质量安全监督手续",
    "fund_proof": "建设资金已经落实承诺书",
    "presale_application": "商品房预售许可申请表",
    "construction_permit": "建筑工程施工许可证",
    "presale_plan": "商品房预售方案",
    "investment_proof": "工程投入资金达到工程建设总投资25%以上的证明",
    "fire_design_application": "特殊建设工程消防设计审查申请表",
    "fire_design_docs": "消防设计文件",
    "fire_acceptance_application": "特殊建设工程消防验收申请表",
    "completion_report": "工程竣工验收报告",
    "fire_test_report": "消防设施检测报告",
    # 消防救援大队
    "fire_check_application": "公众聚集场所投入使用、营业前消防安全检查申请表",
    "fire_acceptance_proof": "建设工程消防验收合格或备案证明",
    "fire_safety_rules": "消防安全制度、灭火和应急疏散预案",
    "fire_training_proof": "员工岗前消防安全教育培训记录",
    # 城管局
    "signboard_application": "户外广告（店招标牌）设置申请表",
    "signboard_design": "店招标牌设计效果图（含尺寸、材质、位置）",
    "waste_disposal_application": "城市建筑垃圾处置核准申请表",
    "transport_contract": "建筑垃圾运输合同",
    "disposal_site_proof": "建筑垃圾消纳场所证明",
    # 税务局
    "tax_info_form": "新办纳税人涉税事项综合申请表",
    "invoice_application": "纳税人领用发票票种核定表",
    "tax_officer_id": "办税人员身份证件",
    "deregistration_tax_form": "清税申报表",
    # 卫健委
    "birth_certificate_application": "出生医学证明首次签发登记表",
    "clinic_application": "医疗机构执业登记申请书",
    "clinic_setup_approval": "设置医疗机构批准书",
    "medical_staff_certificates": "医务人员执业资格证书",
    "clinic_rules": "医疗机构规章制度",
    "birth_registration_form": "生育登记服务单",
    # 公安局
    "id_photo_receipt": "居民身份证相片采集回执",
    "hotel_permit_application": "特种行业许可证申请登记表",
    "security_rules": "治安保卫制度及安全防范措施",
    "seal_application": "印章刻制申请表",
    # 人社局
    "unemployment_proof": "解除或终止劳动关系证明",
    "social_insurance_form": "社会保险登记表",
    # 民政局
    "single_declaration": "无配偶及无禁止结婚亲属关系的签字声明",
    "divorce_agreement": "离婚协议书",
    "family_income_statement": "家庭收入、财产状况申报及授权核对书",
    "subsistence_application": "最低生活保障申请书",
    # 文旅局
    "entertainment_application": "娱乐场所经营许可申请书",
    "investor_declaration": "投资人及负责人无《娱乐场所管理条例》第五条规定情形的书面声明",
    "internet_cafe_application": "互联网上网服务营业场所经营单位申请表",
    "performance_application": "营业性演出申请表",
    "performance_contract": "演出协议",
    "performer_list": "演员名单及身份证明",
    "travel_agency_application": "旅行社业务经营许可申请书",
    "office_equipment_proof": "营业设施、设备证明文件",
    "quality_deposit_proof": "旅游服务质量保证金存缴证明",
    "manager_resume": "经理（负责人）履历表及身份证明",
    "outbound_application": "旅行社经营出境旅游业务申请书",
    "travel_agency_licence": "旅行社业务经营许可证副本",
    "outbound_commitment": "经营旅行社业务满两年且未受罚款以上处罚的承诺书",
    # 医保局
    "medical_invoices": "医疗费用票据及费用清单",
    # 烟草专卖局
    "tobacco_application": "烟草专卖零售许可证申请表",
    # 交通运输局
    "freight_application": "道路货物运输经营申请表",
    "hazardous_transport_application": "道路危险货物运输经营申请表",
    "parking_proof": "停车场地使用证明",
    "car_rental_filing": "汽车租赁经营备案表",
    "vehicle_list": "租赁车辆清单及机动车行驶证",
    "service_rules": "汽车租赁服务管理制度",
    # 省住建厅
    "qualification_application": "建筑业企业资质申请表",
    "technical_staff_certificates": "技术负责人及注册建造师证书",
    "performance_proof": "企业代表工程业绩证明材料",
    "safety_production_licence": "安全生产许可证",
}


def mat(
    key: str,
    form: str = "copy",
    copies: int = 1,
    required: bool = True,
    tolerable: bool = False,
    medium: str = "paper",
    note: str = "",
) -> Material:
    return Material(key, NAMES[key], form, copies, required, tolerable, medium, note)  # type: ignore[arg-type]


def orig(key: str, **kw: object) -> Material:
    return mat(key, "original", **kw)  # type: ignore[arg-type]


def optional(key: str, form: str = "original", **kw: object) -> Material:
    return mat(key, form, required=False, **kw)  # type: ignore[arg-type]


COUNTY, CITY, PROVINCE = "320724", "320700", "320000"
REFORM = date(2019, 10, 8)  # 灌南县 "一件事快速办" reform started in October 2019
BATCH2 = date(2020, 5, 1)  # second batch of 100 "one things"
FREE = "不收费"

MATTERS: list[Matter] = []


def matter(
    code: str,
    name: str,
    type_: str,
    department: str,
    legal: int,
    promised: int,
    materials: list[Material],
    *,
    level: str = "county",
    fee: str = FREE,
    effective: date = REFORM,
    keywords: tuple[str, ...] = (),
) -> str:
    prefix = {"county": COUNTY, "city": CITY, "province": PROVINCE}[level]
    full = f"{prefix}-{code}"
    MATTERS.append(
        Matter(
            full,
            name,
            type_,
            department,
            level,
            legal,
            promised,
            fee,
            effective,  # type: ignore[arg-type]
            tuple(materials),
            keywords,
        )
    )
    return full


# ----------------------------------------------------------------- matters
SCJG, XZSP, STHJ, ZJ, XF = "市场监管局", "行政审批局", "生态环境局", "住建局", "消防救援大队"
CG, SW, WJ, GA, RS, MZ, WL = "城管局", "税务局", "卫健委", "公安局", "人社局", "民政局", "文旅局"
YB, YC, JT = "医保局", "烟草专卖局", "交通运输局"

company_reg = matter(
    "SCJG-0001",
    "企业设立登记（有限责任公司）",
    "行政许可",
    SCJG,
    15,
    1,
    [
        orig("company_registration_application"),
        orig("articles_of_association"),
        mat("shareholder_id"),
        orig("officer_appointment"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract", note="租用场所的提供；自有房产免交"),
        optional("agent_authorisation"),
    ],
    keywords=("开公司", "公司注册", "办营业执照", "企业开办"),
)
individual_reg = matter(
    "SCJG-0002",
    "个体工商户注册登记",
    "行政许可",
    SCJG,
    15,
    0,
    [
        orig("individual_registration_application"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract", note="租用场所的提供；自有房产免交"),
        optional("agent_authorisation"),
    ],
    keywords=("个体户", "办营业执照", "小店"),
)
matter(
    "SCJG-0003",
    "企业变更登记",
    "行政许可",
    SCJG,
    15,
    1,
    [
        orig("company_change_application"),
        orig("business_licence", note="正、副本"),
        orig("shareholder_resolution"),
        orig("articles_amendment", tolerable=True),
        optional("agent_authorisation"),
    ],
    keywords=("变更", "换照", "改名"),
)
matter(
    "SCJG-0004",
    "企业注销登记",
    "行政许可",
    SCJG,
    15,
    3,
    [
        orig("company_deregistration_application"),
        orig("shareholder_resolution"),
        orig("liquidation_report"),
        orig("business_licence", note="正、副本"),
        mat("tax_clearance"),
        optional("agent_authorisation"),
    ],
    keywords=("注销", "关闭公司"),
)
device_filing = matter(
    "SCJG-0005",
    "第二类医疗器械经营备案",
    "行政备案",
    SCJG,
    0,
    0,
    [
        orig("device_filing_form"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("quality_manager_proof"),
        mat("premises_proof"),
        mat("site_plan"),
        orig("quality_rules"),
    ],
    effective=BATCH2,
    keywords=("医疗器械", "二类备案"),
)
matter(
    "SCJG-0006",
    "特种设备使用登记",
    "行政许可",
    SCJG,
    15,
    5,
    [
        orig("equipment_registration_form", copies=2),
        mat("business_licence"),
        mat("equipment_product_docs"),
        mat("supervision_certificate"),
        optional("agent_authorisation"),
    ],
    keywords=("电梯", "锅炉", "压力容器"),
)

food_licence = matter(
    "XZSP-0001",
    "食品经营许可（新办）",
    "行政许可",
    XZSP,
    20,
    5,
    [
        orig("food_licence_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("food_safety_manager"),
        orig("site_plan"),
        orig("equipment_list"),
        orig("food_safety_rules", tolerable=True),
        mat("premises_proof"),
        optional("agent_authorisation"),
    ],
    keywords=("食品经营许可证", "餐饮许可", "卖食品"),
)
hygiene_licence = matter(
    "XZSP-0002",
    "公共场所卫生许可（新办）",
    "行政许可",
    XZSP,
    20,
    3,
    [
        orig("hygiene_licence_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("site_plan"),
        orig("hygiene_rules", tolerable=True),
        mat("staff_health_certificate"),
        orig("hygiene_inspection_report", tolerable=True),
    ],
    keywords=("卫生许可证", "理发", "美容", "宾馆"),
)
drug_licence = matter(
    "XZSP-0003",
    "药品零售企业许可（药品经营许可证核发）",
    "行政许可",
    XZSP,
    30,
    15,
    [
        orig("drug_licence_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("pharmacist_certificate"),
        orig("site_plan"),
        mat("premises_proof"),
        mat("lease_contract"),
        orig("drug_quality_rules", tolerable=True),
    ],
    effective=BATCH2,
    keywords=("药店", "药房", "药品经营许可证"),
)
matter(
    "XZSP-0004",
    "出版物零售业务经营许可",
    "行政许可",
    XZSP,
    20,
    5,
    [
        orig("publication_licence_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
    ],
    keywords=("书店", "出版物经营许可证"),
)
matter(
    "XZSP-0005",
    "食品经营许可（变更）",
    "行政许可",
    XZSP,
    20,
    3,
    [
        orig("food_licence_change_application"),
        orig("food_licence"),
        mat("business_licence"),
        mat("legal_rep_id"),
        optional("agent_authorisation"),
    ],
    keywords=("食品经营许可证变更",),
)

env_registration = matter(
    "STHJ-0001",
    "建设项目环境影响登记表备案",
    "行政备案",
    STHJ,
    0,
    0,
    [
        orig("env_registration_form", medium="electronic", note="在建设项目环境影响登记表备案系统在线填报"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("fume_purifier_proof"),
        mat("site_plan"),
    ],
    keywords=("环评登记", "环评备案", "油烟"),
)
matter(
    "STHJ-0002",
    "建设项目环境影响报告表审批",
    "行政许可",
    STHJ,
    30,
    15,
    [
        orig("eia_application"),
        orig("eia_report", copies=2),
        mat("business_licence"),
        mat("legal_rep_id"),
        optional("eia_public_version", medium="electronic"),
    ],
    keywords=("环评审批", "环评报告表"),
)
matter(
    "STHJ-0001",
    "排污许可证核发",
    "行政许可",
    "连云港市生态环境局",
    20,
    15,
    [
        orig("discharge_permit_application", medium="electronic", note="在全国排污许可证管理信息平台填报"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("eia_approval"),
        orig("self_monitoring_plan"),
        orig("compliance_commitment"),
    ],
    level="city",
    keywords=("排污证", "排污许可"),
)

drainage = matter(
    "ZJ-0001",
    "城镇污水排入排水管网许可",
    "行政许可",
    ZJ,
    15,
    5,
    [
        orig("drainage_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("drainage_plan"),
        orig("grease_trap_proof"),
        mat("premises_proof"),
    ],
    keywords=("排水许可", "排水证", "污水"),
)
matter(
    "ZJ-0002",
    "建筑工程施工许可证核发",
    "行政许可",
    ZJ,
    7,
    3,
    [
        orig("construction_permit_application"),
        mat("planning_permit"),
        mat("land_certificate"),
        mat("construction_contract"),
        mat("quality_safety_filing"),
        orig("fund_proof"),
        mat("business_licence"),
        optional("agent_authorisation"),
    ],
    keywords=("施工许可", "开工"),
)
matter(
    "ZJ-0003",
    "商品房预售许可",
    "行政许可",
    ZJ,
    10,
    5,
    [
        orig("presale_application"),
        mat("business_licence"),
        mat("land_certificate"),
        mat("planning_permit"),
        mat("construction_permit"),
        orig("presale_plan"),
        orig("investment_proof"),
    ],
    keywords=("预售证", "卖房"),
)
matter(
    "ZJ-0004",
    "特殊建设工程消防设计审查",
    "行政许可",
    ZJ,
    15,
    10,
    [
        orig("fire_design_application"),
        orig("fire_design_docs", copies=2),
        mat("business_licence"),
        mat("planning_permit", tolerable=True),
        optional("agent_authorisation"),
    ],
    effective=BATCH2,
    keywords=("消防设计审查", "消防审图"),
)
matter(
    "ZJ-0005",
    "特殊建设工程消防验收",
    "行政许可",
    ZJ,
    15,
    10,
    [
        orig("fire_acceptance_application"),
        mat("completion_report"),
        orig("fire_test_report"),
        mat("business_licence"),
    ],
    effective=BATCH2,
    keywords=("消防验收",),
)

fire_check = matter(
    "XF-0001",
    "公众聚集场所投入使用、营业前消防安全检查",
    "行政许可",
    XF,
    10,
    5,
    [
        orig("fire_check_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("fire_acceptance_proof"),
        orig("fire_safety_rules"),
        mat("site_plan"),
        mat("lease_contract"),
        orig("fire_training_proof", tolerable=True),
    ],
    keywords=("消防检查", "消防安全检查", "开业消防"),
)

signboard = matter(
    "CG-0001",
    "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
    "行政许可",
    CG,
    20,
    5,
    [
        orig("signboard_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("signboard_design"),
        mat("premises_proof"),
        mat("lease_contract"),
    ],
    keywords=("店招", "门头", "招牌", "户外广告"),
)
matter(
    "CG-0002",
    "城市建筑垃圾处置核准",
    "行政许可",
    CG,
    20,
    5,
    [
        orig("waste_disposal_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("transport_contract"),
        mat("disposal_site_proof"),
    ],
    keywords=("渣土", "建筑垃圾"),
)

new_taxpayer = matter(
    "SW-0001",
    "新办纳税人“套餐式”服务",
    "公共服务",
    SW,
    1,
    0,
    [
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("tax_info_form"),
        optional("agent_authorisation"),
    ],
    keywords=("税务登记", "新办纳税人", "领发票", "套餐"),
)
matter(
    "SW-0002",
    "发票领用",
    "其他行政权力",
    SW,
    5,
    1,
    [
        orig("invoice_application"),
        mat("tax_officer_id"),
        optional("agent_authorisation"),
    ],
    keywords=("领发票", "票种核定"),
)
matter(
    "SW-0003",
    "个人所得税纳税记录开具",
    "公共服务",
    SW,
    0,
    0,
    [
        orig("resident_id"),
        optional("agent_authorisation"),
    ],
    keywords=("完税证明", "纳税证明"),
)
matter(
    "SW-0004",
    "清税证明开具",
    "其他行政权力",
    SW,
    3,
    1,
    [
        orig("deregistration_tax_form"),
        mat("business_licence"),
        mat("legal_rep_id"),
    ],
    keywords=("清税", "注销税务"),
)

birth_cert = matter(
    "WJ-0001",
    "出生医学证明签发",
    "公共服务",
    WJ,
    5,
    1,
    [
        orig("birth_certificate_application"),
        mat("parents_id"),
        optional("marriage_certificate", form="copy"),
    ],
    keywords=("出生证", "出生医学证明"),
)
vaccination = matter(
    "WJ-0002",
    "预防接种证办理",
    "公共服务",
    WJ,
    0,
    0,
    [
        mat("birth_medical_certificate"),
        mat("parents_id"),
    ],
    keywords=("接种证", "打疫苗", "疫苗本"),
)
matter(
    "WJ-0003",
    "医疗机构执业登记（诊所）",
    "行政许可",
    WJ,
    45,
    20,
    [
        orig("clinic_application"),
        mat("clinic_setup_approval"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        orig("site_plan"),
        mat("medical_staff_certificates"),
        orig("clinic_rules", tolerable=True),
    ],
    keywords=("诊所", "医疗机构执业许可证"),
)
matter(
    "WJ-0004",
    "生育登记服务",
    "公共服务",
    WJ,
    0,
    0,
    [
        orig("resident_id", note="夫妻双方"),
        orig("marriage_certificate"),
        orig("household_register"),
        optional("birth_registration_form", medium="electronic"),
    ],
    keywords=("生育登记", "准生证", "生育服务证"),
)

birth_hukou = matter(
    "GA-0001",
    "出生登记（户口登记）",
    "行政确认",
    GA,
    10,
    1,
    [
        orig("birth_medical_certificate"),
        orig("household_register"),
        orig("parents_id"),
        optional("marriage_certificate"),
    ],
    keywords=("上户口", "报户口", "新生儿落户"),
)
matter(
    "GA-0002",
    "居民身份证申领（首次申领、换领）",
    "行政确认",
    GA,
    60,
    20,
    [
        orig("household_register"),
        orig("id_photo_receipt"),
    ],
    fee="工本费20元",
    keywords=("办身份证", "换身份证"),
)
matter(
    "GA-0003",
    "临时居民身份证核发",
    "行政确认",
    GA,
    3,
    1,
    [
        orig("household_register"),
        orig("id_photo_receipt"),
    ],
    fee="工本费10元",
    keywords=("临时身份证",),
)
hotel_permit = matter(
    "GA-0004",
    "旅馆业特种行业许可证核发",
    "行政许可",
    GA,
    20,
    10,
    [
        orig("hotel_permit_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
        orig("site_plan"),
        orig("security_rules", tolerable=True),
        mat("fire_safety_check_proof", tolerable=True, note="可在取得后补交"),
    ],
    keywords=("特种行业许可证", "宾馆", "旅馆", "民宿"),
)
matter(
    "GA-0005",
    "印章刻制备案",
    "其他行政权力",
    GA,
    1,
    0,
    [
        orig("seal_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        optional("agent_authorisation"),
    ],
    keywords=("刻章", "公章"),
)

social_card = matter(
    "RS-0001",
    "社会保障卡申领",
    "公共服务",
    RS,
    20,
    10,
    [
        orig("applicant_id"),
        optional("id_photo", note="16周岁以下可不提供"),
    ],
    keywords=("社保卡", "办社保卡"),
)
matter(
    "RS-0002",
    "失业保险金申领",
    "行政给付",
    RS,
    10,
    5,
    [
        orig("resident_id"),
        orig("unemployment_proof"),
        orig("bank_card"),
    ],
    keywords=("失业金", "失业保险"),
)
matter(
    "RS-0003",
    "就业创业证申领",
    "公共服务",
    RS,
    5,
    0,
    [
        orig("resident_id"),
        optional("id_photo", note="一寸"),
    ],
    keywords=("就业证", "失业登记"),
)
matter(
    "RS-0004",
    "职工参保登记",
    "行政确认",
    RS,
    5,
    0,
    [
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("social_insurance_form"),
    ],
    keywords=("社保开户", "单位参保"),
)

matter(
    "MZ-0001",
    "内地居民结婚登记",
    "行政确认",
    MZ,
    0,
    0,
    [
        orig("resident_id", note="双方各自的"),
        orig("household_register", note="双方各自的"),
        orig("id_photo", copies=3, note="双方近期半身免冠合影二寸照片"),
        orig("single_declaration"),
    ],
    keywords=("领结婚证", "结婚"),
)
matter(
    "MZ-0002",
    "内地居民离婚登记",
    "行政确认",
    MZ,
    0,
    0,
    [
        orig("resident_id", note="双方各自的"),
        orig("household_register", note="双方各自的"),
        orig("marriage_certificate"),
        orig("divorce_agreement", copies=3),
        orig("id_photo", copies=2, note="双方各自的近期半身免冠二寸照片"),
    ],
    keywords=("离婚",),
)
matter(
    "MZ-0003",
    "最低生活保障审核确认",
    "行政给付",
    MZ,
    30,
    20,
    [
        orig("subsistence_application"),
        orig("resident_id"),
        orig("household_register"),
        orig("family_income_statement"),
    ],
    effective=BATCH2,
    keywords=("低保",),
)

entertainment = matter(
    "WL-0001",
    "娱乐场所经营许可",
    "行政许可",
    WL,
    20,
    10,
    [
        orig("entertainment_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
        orig("site_plan"),
        orig("investor_declaration"),
    ],
    keywords=("KTV", "歌舞厅", "游艺厅", "娱乐经营许可证"),
)
internet_cafe = matter(
    "WL-0002",
    "互联网上网服务营业场所经营许可",
    "行政许可",
    WL,
    20,
    10,
    [
        orig("internet_cafe_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
        orig("site_plan"),
        mat("fire_safety_check_proof", tolerable=True, note="可在取得后补交"),
    ],
    keywords=("网吧", "网络经营许可证"),
)
matter(
    "WL-0003",
    "营业性演出审批",
    "行政许可",
    WL,
    3,
    2,
    [
        orig("performance_application"),
        mat("performance_contract"),
        mat("performer_list"),
        mat("business_licence"),
    ],
    keywords=("演出", "演唱会"),
)
travel_licence = matter(
    "WL-0001",
    "旅行社业务经营许可（国内和入境旅游业务）",
    "行政许可",
    "连云港市文旅局",
    20,
    10,
    [
        orig("travel_agency_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
        orig("office_equipment_proof"),
        mat("manager_resume"),
        orig("quality_deposit_proof", tolerable=True),
    ],
    level="city",
    keywords=("旅行社", "旅行社经营许可证"),
)
matter(
    "WL-0001",
    "旅行社经营出境旅游业务许可",
    "行政许可",
    "江苏省文旅厅",
    20,
    15,
    [
        orig("outbound_application"),
        mat("travel_agency_licence"),
        mat("business_licence"),
        orig("outbound_commitment"),
    ],
    level="province",
    effective=BATCH2,
    keywords=("出境游", "出境旅游"),
)

resident_insurance = matter(
    "YB-0001",
    "城乡居民基本医疗保险参保登记",
    "行政确认",
    YB,
    0,
    0,
    [
        orig("applicant_id"),
    ],
    keywords=("医保", "参保", "新农合"),
)
maternity = matter(
    "YB-0002",
    "生育保险待遇核准支付",
    "行政给付",
    YB,
    20,
    10,
    [
        orig("resident_id"),
        mat("birth_medical_certificate"),
        orig("medical_invoices"),
        mat("bank_card"),
    ],
    effective=BATCH2,
    keywords=("生育津贴", "生育报销"),
)

tobacco = matter(
    "YC-0001",
    "烟草专卖零售许可证核发",
    "行政许可",
    YC,
    20,
    10,
    [
        orig("tobacco_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("premises_proof"),
        mat("lease_contract"),
    ],
    keywords=("烟草证", "卖烟", "烟草专卖许可证"),
)

matter(
    "JT-0001",
    "道路货物运输经营许可（除危险货物外）",
    "行政许可",
    JT,
    20,
    5,
    [
        orig("freight_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("vehicle_proof"),
        mat("driver_qualification"),
        orig("safety_rules"),
    ],
    keywords=("货运", "道路运输经营许可证"),
)
matter(
    "JT-0001",
    "道路危险货物运输许可",
    "行政许可",
    "连云港市交通运输局",
    20,
    15,
    [
        orig("hazardous_transport_application"),
        mat("business_licence"),
        mat("legal_rep_id"),
        orig("vehicle_proof"),
        mat("driver_qualification"),
        orig("safety_rules"),
        mat("parking_proof"),
    ],
    level="city",
    keywords=("危货运输", "危险品运输"),
)
car_rental = matter(
    "JT-0002",
    "汽车租赁经营备案",
    "行政备案",
    "连云港市交通运输局",
    5,
    3,
    [
        orig("car_rental_filing"),
        mat("business_licence"),
        mat("legal_rep_id"),
        mat("vehicle_list"),
        mat("premises_proof"),
        orig("service_rules"),
    ],
    level="city",
    effective=BATCH2,
    keywords=("租车", "汽车租赁"),
)

matter(
    "ZJ-0001",
    "建筑业企业资质核准（施工总承包二级）",
    "行政许可",
    "江苏省住建厅",
    20,
    15,
    [
        orig("qualification_application", medium="electronic", note="在江苏政务服务网在线填报"),
        mat("business_licence"),
        mat("technical_staff_certificates"),
        mat("performance_proof"),
        mat("safety_production_licence"),
    ],
    level="province",
    keywords=("建筑资质", "施工资质"),
)

# ----------------------------------------------------------------- bundles
BUNDLES = [
    Bundle(
        "320724-YJS-001",
        "开餐馆",
        ("餐馆", "饭店", "餐饮", "小吃店", "开饭店"),
        (company_reg, food_licence, env_registration, drainage, fire_check, signboard, new_taxpayer),
        description="以有限责任公司形式开办餐馆；7个部门并联审批，一窗受理，统一出件。"
        "以个体工商户形式开办的，将企业设立登记换为个体工商户注册登记。",
    ),
    Bundle(
        "320724-YJS-002",
        "开便利店",
        ("便利店", "超市", "小卖部", "烟酒店"),
        (individual_reg, food_licence, tobacco, signboard, new_taxpayer),
        description="个体工商户开办便利店（销售预包装食品、卷烟）。",
    ),
    Bundle(
        "320724-YJS-003",
        "开理发店",
        ("理发店", "美发店", "美容美发"),
        (individual_reg, hygiene_licence, signboard, new_taxpayer),
        description="个体工商户开办理发店。",
    ),
    Bundle(
        "320724-YJS-004",
        "我要开旅行社",
        ("旅行社", "旅游公司"),
        (company_reg, travel_licence, signboard, new_taxpayer),
        joint="市县联办",
        description="县政务服务中心一窗受理，旅行社业务经营许可由连云港市文旅局审批，"
        "其余事项由县级部门办理，统一出件。",
    ),
    Bundle(
        "320724-YJS-005",
        "开药店",
        ("药店", "药房", "大药房"),
        (company_reg, drug_licence, device_filing, food_licence, signboard, new_taxpayer),
        description="开办药品零售企业，同时经营第二类医疗器械和保健食品。",
    ),
    Bundle(
        "320724-YJS-006",
        "新生儿出生一件事",
        ("出生", "新生儿", "宝宝", "上户口"),
        (birth_cert, vaccination, birth_hukou, resident_insurance, social_card, maternity),
        description="出生医学证明、预防接种证、户口登记、医保参保、社保卡和生育津贴一次办理。",
    ),
    Bundle(
        "320724-YJS-007",
        "开宾馆",
        ("宾馆", "旅馆", "酒店", "民宿"),
        (company_reg, hotel_permit, hygiene_licence, fire_check, signboard, new_taxpayer),
        description="开办旅馆业企业；特种行业许可与消防检查并联办理。",
    ),
    Bundle(
        "320724-YJS-008",
        "我要开汽车租赁公司",
        ("汽车租赁", "租车公司"),
        (company_reg, car_rental, signboard, new_taxpayer),
        joint="市县联办",
        description="汽车租赁经营备案由连云港市交通运输局办理，县窗口一窗受理。",
    ),
    Bundle(
        "320724-YJS-009",
        "开网吧",
        ("网吧", "网咖"),
        (company_reg, internet_cafe, fire_check, signboard, new_taxpayer),
    ),
    Bundle(
        "320724-YJS-010",
        "开KTV",
        ("KTV", "歌厅", "娱乐场所"),
        (company_reg, entertainment, fire_check, env_registration, signboard, new_taxpayer),
    ),
]

CATALOGUE = Catalogue(
    version="2020.2",
    published=date(2020, 6, 1),
    region=COUNTY,
    matters={m.code: m for m in MATTERS},
    bundles={b.code: b for b in BUNDLES},
)


def main(argv: list[str]) -> int:
    payload = serialize_catalogue(CATALOGUE)
    if "--check" in argv:
        if OUTPUT.read_bytes() != payload:
            print(f"{OUTPUT} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    if len(MATTERS) != len(CATALOGUE.matters):
        raise SystemExit("duplicate matter codes")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    dump_catalogue(CATALOGUE, OUTPUT)
    load_catalogue(OUTPUT)  # full schema + semantic validation
    print(
        f"wrote {OUTPUT}: {len(CATALOGUE.matters)} matters, {len(CATALOGUE.bundles)} bundles, "
        f"{len(CATALOGUE.departments())} departments"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
