"""`python -m sscard`: the operator CLI."""

from sscard.cli import main

main()
