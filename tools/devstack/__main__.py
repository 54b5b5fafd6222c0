"""`python -m devstack`: what `make run` starts."""

from devstack.cli import main

raise SystemExit(main())
