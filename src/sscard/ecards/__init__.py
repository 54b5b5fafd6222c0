"""The electronic social security card (电子社保卡; SPEC ECARD-1..5, issue 14).

One ecard per card, generated when the card is produced (ECARD-1), its status driven only by the
card's events (ECARD-2): `cards` publishes them and imports nothing from here. sscard plays the
national platform's issuing role for the ecard (the real one is 全国社会保障卡服务平台): it keeps
the ecard, the holder's consent for each synchronised-application channel, and signs the QR codes
the ecard is shown as.
"""
