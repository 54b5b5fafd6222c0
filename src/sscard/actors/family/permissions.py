"""Operations of family binding (SPEC ECARD-4, CH-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The proof of the relation is checked by a clerk, with both documents (ECARD-4, ID-4).
RECORD_FAMILY_BINDING = Operation("record_family_binding", "办理亲情服务绑定", {R.OUTLET_CLERK})
# A clerk: a person whose document was presented; a cardholder: their own, either side.
VIEW_FAMILY_BINDINGS = Operation(
    "view_family_bindings", "查看亲情服务绑定", {R.OUTLET_CLERK, R.CARDHOLDER}
)
# At an outlet, or online by the relative or an elderly dependant.
END_FAMILY_BINDING = Operation(
    "end_family_binding", "解除亲情服务绑定", {R.OUTLET_CLERK, R.CARDHOLDER}
)
# A relative signed in to the hall switches to act for a bound dependant, and back.
ACT_FOR_DEPENDANT = Operation("act_for_dependant", "切换代办亲属（亲情服务）", {R.CARDHOLDER})

OPERATIONS = (
    RECORD_FAMILY_BINDING,
    VIEW_FAMILY_BINDINGS,
    END_FAMILY_BINDING,
    ACT_FOR_DEPENDANT,
)
