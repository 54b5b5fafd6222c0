"""A simulated cooperating bank (`sscard bank-sim`): its own process, its own store, real HTTP.

It speaks sscard's bank protocol (sscard.banks.protocol) from the bank's side: it takes signed
webhook batches and opens accounts (SPEC ISS-2), lets a teller activate, report loss, unlock and
close (ISS-4, LOSS-2/3, CAN-3), calls sscard back with signed reports, and serves a signed
statement for reconciliation. One process can play several banks, each under /banks/{code}/.
"""
