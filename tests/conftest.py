"""What every test run shares. `make test` spreads each run over pytest-xdist workers
(`-n 2 --dist loadfile`, Makefile): a module stays whole on one worker, so its module
fixtures run once; tests/integration/conftest.py gives each worker its own database."""
