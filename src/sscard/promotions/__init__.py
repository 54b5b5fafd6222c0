"""Promotions for cardholders (优惠卡, SPEC PRM-1): offers as data with effective dates, granted
by rule on card events (a first financial activation at a bank in a city, a card collected),
shown to the holder and redeemed once."""
