"""The development stack: sscard and the bank simulator started, checked and stopped together.

`make run` is `python -m devstack`. It talks to sscard only through its command line and HTTP
API and to the simulator only through its command line and HTTP API: it imports neither.

1. Claims both ports first (SSCARD_PORT, default 8000; SSCARD_SIM_PORT, default 8700): a taken
   one stops it at once with one line naming the port and the variable, nothing started.
2. `sscard setup` and `sscard banks link-simulator` (each bank's endpoint, token and shared secret).
3. Starts the simulator on the listening socket devstack already holds, with a random instance
   nonce, and checks that what answers on that port proves knowledge of the nonce and of every
   bank's secret (identity.py) before sscard, which sends personal data there, is started.
4. Starts `sscard serve`, waits for /health, and supervises both (processes.py): a signal stops
   both, one dying stops the other.
"""
