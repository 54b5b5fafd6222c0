"""The printed documents a counter hands out, as PDFs (issue 12 item 3).

Each module draws one Chinese form from a plain dataclass (no I/O, no clock read), with its
labels in that module only; `pdf` holds what the forms share: reportlab's built-in CID font
(STSong-Light: nothing fetched, nothing bundled), QR codes drawn by segno as vector squares,
bordered label/value tables and the dates in Chinese. Only masked personal data goes on a form
(SPEC ID-6). The financial-account closure notice (SPEC CAN-3) is the cancellation context's
own (`sscard.cards.cancellation.notice`), which the API serves too; the counter prints that
same form rather than a second drawing of it.
"""
