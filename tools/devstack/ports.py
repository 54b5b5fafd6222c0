"""Claiming a TCP port before anything starts, so that a taken one fails at once and by name."""

from __future__ import annotations

import errno
import socket


class PortTaken(Exception):
    def __init__(self, host: str, port: int, variable: str) -> None:
        super().__init__(
            f"port {port} on {host} is already in use; set {variable} to a free port "
            f"(e.g. {variable}={port + 1} make run)"
        )


def claim(host: str, port: int, variable: str) -> socket.socket:
    """A socket listening on host:port, held by this process; PortTaken if another holds it.

    Without SO_REUSEPORT no other process can bind the port while this socket is open, even one
    that sets SO_REUSEPORT itself. SO_REUSEADDR only lets a restart reuse a port whose old
    connections still linger in TIME_WAIT.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortTaken(host, port, variable) from None
        raise
    return sock
