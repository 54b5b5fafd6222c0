"""`python -m bank_simulator`: the simulator's command line."""

from bank_simulator.cli import main

main()
