"""`python -m sscard`: the operator CLI."""

from sscard.cli.main import main

main()
