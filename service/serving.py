"""Serve the API on a port claimed before anything else happens.

A second ``teemakartta serve`` on the same data (``make run`` twice) must stop before it
touches the database: its start-up would otherwise migrate and recover jobs while the
first instance runs them. So the port is bound first and handed to uvicorn, which then
cannot lose it to another process between the check and the start (service/commands/serve.py).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn

    from service.config import Settings


class PortInUse(OSError):
    """The port is taken (most likely by a running Teemakartta)."""


def claim_port(host: str, port: int, setting: str = "--port or TEEMA_API_PORT") -> socket.socket:
    """A socket bound to ``host:port`` for the server to listen on; PortInUse if taken."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: a port left in TIME_WAIT is free; one another server listens on is not.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise PortInUse(
            f"Port {port} on {host} is in use: is Teemakartta already running (for example "
            f"`make run` twice)? Stop the other one, or choose another port with {setting}. "
            "Nothing was changed."
        ) from error
    return sock


def check_port_free(host: str, port: int, setting: str) -> None:
    """PortInUse unless ``host:port`` could be bound now (for a server started later)."""
    claim_port(host, port, setting).close()


def api_server(
    settings: Settings, host: str, port: int, log_config: dict[str, Any]
) -> uvicorn.Server:
    """The uvicorn server of the API app (not started: ``run(sockets=[claimed])`` does).
    The CLI starts the API through here and never imports the API itself."""
    import uvicorn

    from service.api.app import create_app  # lazy: loads the whole API; the port comes first

    config = uvicorn.Config(create_app(settings), host=host, port=port, log_config=log_config)
    return uvicorn.Server(config)
