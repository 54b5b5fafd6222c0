"""Claiming the stack's ports before anything starts."""

from __future__ import annotations

import socket

import pytest

from devstack.ports import PortTaken, claim
from tests.support.serving import free_port


def test_a_free_port_is_held_until_released() -> None:
    port = free_port()
    held = claim("127.0.0.1", port, "SSCARD_SIM_PORT")
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        with pytest.raises(OSError, match="in use"):
            other.bind(("127.0.0.1", port))
    held.close()
    claim("127.0.0.1", port, "SSCARD_SIM_PORT").close()


def test_a_taken_port_is_refused_by_number_and_variable() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortTaken) as taken:
            claim("127.0.0.1", port, "SSCARD_PORT")
    assert str(port) in str(taken.value)
    assert "SSCARD_PORT" in str(taken.value)
    assert "\n" not in str(taken.value)
