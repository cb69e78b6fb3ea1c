"""Starting the dashboard: `python -m experiments.classroom.app [--host H] [--port N] [--class]` (what `make demo` runs).

By default the server listens on this machine only (127.0.0.1). Serving a room's network is
opt-in: `--class` (all addresses, 0.0.0.0) or any `--host` other than a loopback one; then a
join code is drawn, printed with the address, and every page load must carry it
(`?join=CODE`), so a page left open on the school's network is not anyone's to steer.

The server is solara's own (`solara run experiments.classroom.app`), started in production mode and made
fit for an offline classroom: no version check against PyPI, no telemetry, no browser
opened on the server machine. The JavaScript comes from the installed `solara-assets`
package, so the page needs no network at all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys

from sim.errors import HedgesimError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_MODULE = "experiments.classroom.app"
CLASS_HOST = "0.0.0.0"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
JOIN_CODE_ENV = "HEDGESIM_JOIN_CODE"  # how the server tells the page the class's code
WARM_UP_ENV = "HEDGESIM_DASHBOARD_WARM_UP"  # set: the app warms up (classroom.warmup)
# Letters and digits a class reads off a projector without confusing them (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6

# Solara reads these at start-up. An offline classroom must not wait on, or report to, the
# internet (telemetry); a projector needs every pixel (no "runs on Solara" banner over the
# cards). The app reads the last: a class's first clicks as quick as the rest
# (`experiments.classroom.warmup`).
SERVER_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_SHOW_BANNER": "false",
    WARM_UP_ENV: "1",
}


class LaunchError(HedgesimError):
    """A bad command line: str() is the one line to print."""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.classroom.app",
        description="Serve hedgesim's classroom dashboard on this machine.",
    )
    parser.add_argument(
        "--host",
        default=None,
        help=f"address to listen on (default {DEFAULT_HOST}, this machine only; any other "
        "address needs the join code)",
    )
    parser.add_argument(
        "--class",
        dest="for_class",
        action="store_true",
        help=f"serve the room's network ({CLASS_HOST} unless --host says otherwise) behind a "
        "join code printed at start",
    )
    parser.add_argument(
        "--port",
        default=str(DEFAULT_PORT),
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    args = parser.parse_args(argv)
    args.port = check_port(args.port)
    if args.host is None:
        args.host = CLASS_HOST if args.for_class else DEFAULT_HOST
    args.join_code = join_code() if args.for_class or args.host not in LOOPBACK else ""
    return args


def join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def lan_address() -> str:
    """This machine's address on the room's network, for the printed link (no packet sent:
    a UDP socket's connect only picks the outgoing interface)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()


def check_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise LaunchError(
            f"port = {text!r}: a whole number in [0, 65535] (0 picks a free one)"
        ) from None
    if not 0 <= port <= 65535:
        raise LaunchError(f"port = {port}: a whole number in [0, 65535] (0 picks a free one)")
    return port


def claim_port(host: str, port: int) -> int:
    """The port to serve on: `port` if it is free on `host`, a free one if `port` is 0."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
            return probe.getsockname()[1]
    except socket.gaierror:
        raise LaunchError(
            f"host = {host!r}: not an address of this machine (try {DEFAULT_HOST})"
        ) from None
    except OSError as error:
        raise LaunchError(
            f"port = {port}: cannot listen on {host} ({error.strerror}); choose another with --port"
        ) from None


def solara_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level-uvicorn",
        "warning",
    ]


def main(argv: list[str] | None = None) -> None:
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
        port = claim_port(args.host, args.port)
    except LaunchError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    environment = {**os.environ, **SERVER_ENV}
    environment.pop(JOIN_CODE_ENV, None)
    if args.join_code:
        shown = lan_address() if args.host == CLASS_HOST else args.host
        environment[JOIN_CODE_ENV] = args.join_code
        print(
            f"hedgesim dashboard for a class: http://{shown}:{port}/?join={args.join_code}\n"
            f"join code: {args.join_code}   (every page needs it; Ctrl-C stops the server)",
            flush=True,
        )
    else:
        shown = "localhost" if args.host in LOOPBACK else args.host
        print(f"hedgesim dashboard: http://{shown}:{port}/   (Ctrl-C stops it)", flush=True)
    # exec: Ctrl-C and a kill reach the server itself, with nothing in between to orphan it.
    os.execve(sys.executable, solara_command(args.host, port), environment)
