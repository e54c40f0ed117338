"""What the benchmark scripts share: running a command visibly, finding a program (or naming
the Debian package that has it), a free loopback port for a DNS server, and a release binary's
path. Python 3 standard library only; imported by bench-dns.py, bench-batch.py and
bench-process.py, which sit in the same folder."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

EX_UNAVAILABLE = 69


def tool_name() -> str:
    """The running script's file name, to start its messages with."""
    return Path(sys.argv[0]).name


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Runs `cmd` (printed on stderr first), failing on a non-zero exit."""
    print("+ " + " ".join(str(part) for part in cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def require(program: str, package: str) -> str:
    """The path of `program` (PATH, /usr/sbin, /usr/bin), or exit 69 naming its Debian package."""
    path = shutil.which(program) or next(
        (str(p) for p in (Path("/usr/sbin") / program, Path("/usr/bin") / program) if p.exists()), None)
    if path is None:
        print(f"{tool_name()}: {program} not found: install the Debian package {package} "
              f"(apt-get install -y {package})", file=sys.stderr)
        sys.exit(EX_UNAVAILABLE)
    return path


def free_port(address: str) -> int:
    """A port free on `address` for both UDP and TCP (dnsmasq listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((address, port))
                except OSError:
                    continue
                return port
    sys.exit(f"{tool_name()}: no free port on {address} for dnsmasq")


def bin_path(cmd: list) -> Path:
    """The folder `swift build` (given as `cmd`) puts its products in."""
    out = subprocess.run(cmd + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout
    return Path(out.strip().splitlines()[-1])
