"""Operations of benefit payments (SPEC PAY-1..3, GOV-6), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The provincial centre registers the payers' systems and the kinds each pays (PAY-1).
REGISTER_PAYER = Operation("register_payer", "登记待遇发放机构", {R.PROVINCE_ADMIN})
# A payer's system sends its batch; the provincial centre may upload a payer's file in the
# console. Payers are provincial systems paying persons of every city, so a city's centre
# neither submits for them nor reads their batches (province-wide data, as the banks' links).
SUBMIT_PAYMENT_BATCH = Operation(
    "submit_payment_batch", "提交待遇发放批次", {R.PAYER, R.PROVINCE_ADMIN}
)
# The batch's report and lines: its payer, the provincial centre, the auditor.
VIEW_PAYMENT_BATCH = Operation(
    "view_payment_batch", "查看待遇发放批次", {R.PAYER, R.PROVINCE_ADMIN, R.AUDITOR}
)
# A bank system answers the credit instructions sent to it, signed (PAY-1).
ANSWER_CREDITS = Operation("answer_credits", "银行答复入账结果", {R.BANK_SYSTEM})
# The holder's own payments received, in the online hall.
VIEW_MY_PAYMENTS = Operation("view_my_payments", "查看本人待遇到账", {R.CARDHOLDER})
# Statistics for the centre (PAY-3, GOV-6).
VIEW_PAYMENT_STATISTICS = Operation(
    "view_payment_statistics", "查看待遇发放统计", {R.PROVINCE_ADMIN, R.AUDITOR}
)

OPERATIONS = (
    REGISTER_PAYER,
    SUBMIT_PAYMENT_BATCH,
    VIEW_PAYMENT_BATCH,
    ANSWER_CREDITS,
    VIEW_MY_PAYMENTS,
    VIEW_PAYMENT_STATISTICS,
)
