"""`python -m delta_simulator`: the simulator's command line."""

from delta_simulator.cli import main

main()
