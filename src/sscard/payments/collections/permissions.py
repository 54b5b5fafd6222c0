"""Operations of collections by mandate (SPEC PAY-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The provincial centre registers the payees' systems (a utility, the contributions office).
REGISTER_PAYEE = Operation("register_payee", "登记代扣收费单位", {R.PROVINCE_ADMIN})
# The holder signs and revokes mandates, and reads them with the debits taken, in the hall.
SIGN_MANDATE = Operation("sign_mandate", "签约或解约代扣", {R.CARDHOLDER})
VIEW_MY_MANDATES = Operation("view_my_mandates", "查看本人代扣协议和扣款", {R.CARDHOLDER})
# A payee's system asks for a debit under a mandate.
REQUEST_DEBIT = Operation("request_debit", "发起代扣", {R.PAYEE})
# A bank system answers the debit instructions sent to it, signed.
ANSWER_DEBITS = Operation("answer_debits", "银行答复扣款结果", {R.BANK_SYSTEM})
# The debits and payees: a payee its own, the provincial centre and the auditor all (payees
# collect from holders of every city: a city's centre reads none).
VIEW_DEBITS = Operation("view_debits", "查看代扣记录", {R.PAYEE, R.PROVINCE_ADMIN, R.AUDITOR})
# The mandates signed with a payee: its system finds the mandate reference of a customer.
VIEW_PAYEE_MANDATES = Operation(
    "view_payee_mandates", "查看签约的代扣协议", {R.PAYEE, R.PROVINCE_ADMIN, R.AUDITOR}
)

OPERATIONS = (
    REGISTER_PAYEE,
    SIGN_MANDATE,
    VIEW_MY_MANDATES,
    REQUEST_DEBIT,
    ANSWER_DEBITS,
    VIEW_DEBITS,
    VIEW_PAYEE_MANDATES,
)
