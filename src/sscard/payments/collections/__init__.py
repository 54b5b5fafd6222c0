"""Collections by mandate (代扣, SPEC PAY-1): social insurance contributions, HR exam fees and
water, electricity and gas bills paid from the card's account, each under the holder's mandate
for that payee; the debit goes to the newest card account with an active financial function
and the bank's answer ends it."""
