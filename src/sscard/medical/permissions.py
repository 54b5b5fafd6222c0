"""Operations of the medical use (SPEC MED-1, MED-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# A cross-region filing: the holder online, or an outlet or 12333 for them (MED-1).
FILE_CROSS_REGION = Operation(
    "file_cross_region", "异地就医备案", {R.CARDHOLDER, R.OUTLET_CLERK, R.HOTLINE_AGENT}
)
# The personal account's balance and entries: the holder, 12333, an outlet, the centre (MED-2).
VIEW_MEDICAL_ACCOUNT = Operation(
    "view_medical_account",
    "查询医保个人账户",
    {R.CARDHOLDER, R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN},
)
# The medical-insurance fund credits personal accounts (MED-2).
CREDIT_MEDICAL_ACCOUNTS = Operation(
    "credit_medical_accounts", "医保基金划入个人账户", {R.MEDICAL_FUND}
)
# A designated institution's terminal settles a visit and refunds it (MED-1, MED-2).
SETTLE_MEDICAL = Operation("settle_medical", "医保结算", {R.SCENE_TERMINAL})

# What went in and out of all personal accounts, counted, and one fund credit by its reference:
# the province's and the fund's reconciliation (MED-2), no person in it.
VIEW_MEDICAL_LEDGER = Operation(
    "view_medical_ledger",
    "查看医保个人账户收支汇总",
    {R.PROVINCE_ADMIN, R.AUDITOR, R.MEDICAL_FUND},
)

OPERATIONS = (
    FILE_CROSS_REGION,
    VIEW_MEDICAL_ACCOUNT,
    CREDIT_MEDICAL_ACCOUNTS,
    SETTLE_MEDICAL,
    VIEW_MEDICAL_LEDGER,
)
