"""A simulated cooperating bank: its own process, its own store, real HTTP, and no code of sscard.

It implements the bank's side of sscard's published wire contract (`wire.py`) by itself: it takes
signed webhook batches (or reads its broker queue) and opens accounts (SPEC ISS-2), lets a teller
activate, report loss, unlock and close (ISS-4, LOSS-2/3, CAN-3), calls sscard back with signed
reports, and serves a signed statement for reconciliation. One process can play several banks,
each under /banks/{code}/. It imports nothing from sscard, so that a difference between the two
sides shows up as a failing test rather than being hidden by shared code.

    python -m bank_simulator serve --config var/bank-sim.json --port 8700 --db var/bank-sim.db
    python -m bank_simulator statement --bank ICBC --db var/bank-sim.db > icbc.csv
"""
