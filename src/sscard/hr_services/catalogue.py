"""The catalogue of HR and social security services done with the card (SPEC SCN-1: about 95,
in five areas; ECARD-5). Pure data. Two are done here, through sscard (`here`); the others are
the HR department's own systems, which the card (or ecard) opens, and are listed so the holder
knows where each one is done, not pretended to be done here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Service:
    code: str
    area: str  # employment | social_insurance | talent | labour_relations | card
    name_zh: str
    name_en: str
    here: bool  # done through sscard (the online hall, the API)


AREA_ZH: Final = {
    "employment": "就业创业",
    "social_insurance": "社会保险",
    "talent": "人才人事",
    "labour_relations": "劳动关系",
    "card": "社保卡服务",
}

_S = Service
SERVICES: Final = (
    _S(
        "insurance_certificate",
        "social_insurance",
        "参保证明查询打印",
        "Insurance certificate",
        True,
    ),
    _S("unemployment_registration", "employment", "失业登记", "Unemployment registration", True),
    _S("employment_registration", "employment", "就业登记", "Employment registration", False),
    _S("unemployment_benefit", "employment", "失业保险金申领", "Unemployment benefit claim", False),
    _S("job_search", "employment", "求职登记与岗位推荐", "Job search and vacancies", False),
    _S("vocational_training_subsidy", "employment", "职业培训补贴申领", "Training subsidy", False),
    _S("startup_loan", "employment", "创业担保贷款申请", "Start-up guaranteed loan", False),
    _S(
        "pension_entitlement",
        "social_insurance",
        "养老保险待遇资格认证",
        "Pension entitlement check",
        False,
    ),
    _S("pension_claim", "social_insurance", "基本养老金申领", "Basic pension claim", False),
    _S(
        "insurance_transfer",
        "social_insurance",
        "养老保险关系转移接续",
        "Pension insurance transfer",
        False,
    ),
    _S("contribution_record", "social_insurance", "个人权益记录查询", "Contribution record", False),
    _S(
        "work_injury_recognition",
        "social_insurance",
        "工伤认定申请",
        "Work-injury recognition",
        False,
    ),
    _S(
        "flexible_employment_insurance",
        "social_insurance",
        "灵活就业人员参保登记",
        "Flexible-employment insurance",
        False,
    ),
    _S("professional_title", "talent", "职称评审申报", "Professional title application", False),
    _S("skill_certificate", "talent", "职业技能等级证书查询", "Skill certificate", False),
    _S("talent_subsidy", "talent", "人才补贴申领", "Talent subsidy", False),
    _S("exam_registration", "talent", "人事考试报名", "Civil-service and HR exams", False),
    _S(
        "labour_arbitration",
        "labour_relations",
        "劳动人事争议仲裁申请",
        "Labour dispute arbitration",
        False,
    ),
    _S("wage_arrears_complaint", "labour_relations", "欠薪投诉", "Wage arrears complaint", False),
    _S(
        "labour_contract_record",
        "labour_relations",
        "劳动合同备案查询",
        "Labour contract record",
        False,
    ),
    _S("card_loss", "card", "社保卡挂失", "Report the card lost", False),
    _S("card_application", "card", "社保卡申领", "Apply for the card", False),
    _S("ecard", "card", "电子社保卡签发与授权", "Ecard and its channels", False),
)
# The card's own services are done in sscard's other pages; they are listed under `card` with
# their own links, so `here` marks only what this context does.
CARD_PAGES: Final = {
    "card_loss": "/hall/me",
    "card_application": "/hall/apply",
    "ecard": "/hall/ecard",
}
