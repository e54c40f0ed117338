#!/usr/bin/env python3
"""`autoconf-lookup batch` over thousands of domains against a loopback world: throughput, peak RSS,
DNS queries per second beside dnsperf against the same dnsmasq in the same run — and, with
--soak, RSS and open file descriptors sampled through a long batch.

The world (written to a temporary folder, removed at the end):
  - dnsmasq on 127.0.0.30 and a free port, answering for `batch.test` only, TTL 300 s. Domain i is
    `d<i>.batch.test`; a tenth have an autoconfig file on nginx (A records for autoconfig.d<i> and
    d<i>), three tenths have SRV records (_imaps, _pop3s, _submission), the rest only an MX at one of
    40 hosters (mx.hoster<k>.test, a registered domain of its own), half of which serve an
    autoconfig file — so the HTTP cache is shared through the MX source. One domain in a hundred
    has no records at all. Mail hosts resolve to 127.0.0.31, where nothing listens.
  - nginx on 127.0.0.30, ports 443 and 80 (so the script must run as root, or with the right to
    bind them), certificates from a throw-away openssl CA (one per 25 domains, SNI picks), the
    ISPDB at https://ispdb.batch.test/v1.1/ (404 for every domain).
  - the input: every other line an address (`user<i>@d<i>.batch.test`), the others domains, one
    line in a thousand not an address at all (reported on its own line, as batch must).

Steps: build `autoconf-lookup` in release; dnsperf for --dnsperf-seconds against the dnsmasq with
the names and types a resolution asks; the batch under `/usr/bin/time -v` (RSS and open file
descriptors of the process sampled every --sample-every seconds from /proc); dnsperf again; with
--benchmarks, the BatchBenchmarks suite of the Benchmarks/ package in the same world (1,000 lines
through the library with shared caches, and without as the baseline). The
batch's DNS rate is the number of queries dnsmasq answered during the batch (its own counters,
read with SIGUSR1) over the batch's wall time; dnsperf's figure is the median of its rounds. Every
output line is checked against what the world holds (servers found where there are some, none
where there are none); a mismatch is reported and makes the exit status 1.

    sudo Scripts/bench-batch.py                          # 10,000 domains, 8 lookups at once
    sudo Scripts/bench-batch.py --domains 2000 --concurrency 32
    sudo Scripts/bench-batch.py --soak 100000            # 100,000 lines, the domains over and over
    sudo Scripts/bench-batch.py --benchmarks             # also the Benchmarks/ suite BatchBenchmarks
    Scripts/bench-batch.py --skip-build --json out.json  # reuse the release build; figures as JSON

Needs the Debian packages dnsmasq, nginx-light (or nginx), openssl, dnsperf and time; installs
nothing: a missing program is named with its package, exit 69. Python 3 standard library only.
Only 127.0.0.30 and 127.0.0.31 (nothing listens there) are contacted; dnsmasq and nginx are stopped at
the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_support import EX_UNAVAILABLE, bin_path, free_port, require, run

ROOT = Path(__file__).resolve().parent.parent
ZONE = "batch.test"
ADDRESS = "127.0.0.30"
NOTHING = "127.0.0.31"  # mail hosts: loopback, nothing listening
HOSTERS = 40
CERTIFICATE_GROUP = 25
EX_USAGE = 64


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# MARK: - The world

def kind(i: int) -> str:
    """What domain i has: 'none', 'autoconfig' (nginx), 'srv', or 'mx' (a hoster's)."""
    if i % 100 == 99:
        return "none"
    return {0: "autoconfig", 1: "srv", 2: "srv", 3: "srv"}.get(i % 10, "mx")


def hoster(i: int) -> int:
    return i % HOSTERS


def hoster_serves(k: int) -> bool:
    return k % 2 == 0


def expects_servers(i: int) -> bool:
    """Whether a lookup of domain i must find incoming and outgoing servers."""
    what = kind(i)
    return what in ("autoconfig", "srv") or (what == "mx" and hoster_serves(hoster(i)))


def config_xml(domain: str, mail_host: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="{domain}">
    <domain>{domain}</domain>
    <displayName>Mail at {domain}</displayName>
    <incomingServer type="imap">
      <hostname>{mail_host}</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>{mail_host}</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>{mail_host}</hostname><port>465</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""


def write_site(sites: Path, host: str, path: str, text: str) -> None:
    target = sites / host / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def write_world(folder: Path, domains: int, dns_port: int, soak: int | None) -> dict:
    """dnsmasq's and nginx's configuration, certificates, sites, the input and dnsperf's query file."""
    sites = folder / "sites"
    dns = [f"port={dns_port}", f"listen-address={ADDRESS}", "bind-interfaces", "no-resolv", "no-hosts",
           "no-poll", f"pid-file={folder / 'dnsmasq.pid'}", f"log-facility={folder / 'dnsmasq.log'}",
           "local=/test/", "local-ttl=300", f"host-record=ispdb.{ZONE},{ADDRESS}"]
    served: list[str] = []  # the names nginx holds certificates for
    queries: list[str] = []
    for k in range(HOSTERS):
        mx = f"mx.hoster{k}.test"
        dns.append(f"host-record={mx},{NOTHING}")
        if hoster_serves(k):
            name = f"autoconfig.hoster{k}.test"
            dns.append(f"host-record={name},{ADDRESS}")
            served.append(name)
            write_site(sites, name, "mail/config-v1.1.xml", config_xml(f"hoster{k}.test", mx))
    lines: list[str] = []
    for i in range(domains):
        domain = f"d{i}.{ZONE}"
        mail = f"mail.{domain}"
        what = kind(i)
        if what == "autoconfig":
            for name in (f"autoconfig.{domain}", domain):
                dns.append(f"host-record={name},{ADDRESS}")
                served.append(name)
            write_site(sites, f"autoconfig.{domain}", "mail/config-v1.1.xml", config_xml(domain, mail))
            write_site(sites, domain, ".well-known/autoconfig/mail/config-v1.1.xml", config_xml(domain, mail))
        if what == "srv":
            for service, port in (("_imaps", 993), ("_pop3s", 995), ("_submission", 587)):
                dns.append(f"srv-host={service}._tcp.{domain},{mail},{port},0,1")
        if what in ("autoconfig", "srv"):
            dns.append(f"mx-host={domain},{mail},10")
            dns.append(f"host-record={mail},{NOTHING}")
        if what == "mx":
            dns.append(f"mx-host={domain},mx.hoster{hoster(i)}.test,10")
        if i % 1000 == 500:
            lines.append(f"not an address {i}")
        lines.append(f"user{i}@{domain}" if i % 2 == 0 else domain)
        if i < 2000:
            queries += [f"{domain} MX", f"_imaps._tcp.{domain} SRV", f"_submission._tcp.{domain} SRV",
                        f"autoconfig.{domain} A", f"autoconfig.{domain} AAAA", f"{domain} A"]
    (folder / "dnsmasq.conf").write_text("\n".join(dns) + "\n")
    (folder / "queries.txt").write_text("\n".join(queries) + "\n")
    if soak:  # the domains over and over, each time with another address
        lines = [f"user{j}@d{j % domains}.{ZONE}" for j in range(soak)]
    (folder / "input.txt").write_text("\n".join(lines) + "\n")
    write_certificates(folder, served + [f"ispdb.{ZONE}"])
    write_nginx(folder)
    return {"dnsmasq_conf": folder / "dnsmasq.conf", "queries": folder / "queries.txt",
            "input": folder / "input.txt", "lines": len(lines), "served_names": len(served)}


def write_certificates(folder: Path, names: list[str]) -> None:
    """A throw-away CA and one P-256 certificate per group of names (one key for all of them)."""
    certs = folder / "certs"
    certs.mkdir()
    quiet = {"capture_output": True}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=bench-batch CA", "-keyout", certs / "ca.key", "-out", certs / "ca.crt",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                   check=True, **quiet)
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", certs / "server.key"], check=True, **quiet)
    groups = [names[start:start + CERTIFICATE_GROUP] for start in range(0, len(names), CERTIFICATE_GROUP)]
    for number, group in enumerate(groups):
        extensions = certs / f"g{number}.ext"
        extensions.write_text("subjectAltName=" + ",".join(f"DNS:{name}" for name in group) + "\n"
                              "extendedKeyUsage=serverAuth\n")
        request = subprocess.run(["openssl", "req", "-new", "-key", certs / "server.key", "-subj", f"/CN={group[0]}"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["openssl", "x509", "-req", "-CA", certs / "ca.crt", "-CAkey", certs / "ca.key",
                        "-CAcreateserial", "-days", "2", "-extfile", extensions, "-out", certs / f"g{number}.crt"],
                       input=request, check=True, **quiet)
    (certs / "groups.json").write_text(json.dumps(groups))


def write_nginx(folder: Path) -> None:
    certs = folder / "certs"
    groups = json.loads((certs / "groups.json").read_text())
    servers = []
    for number, group in enumerate(groups):
        default = " default_server" if number == 0 else ""
        servers.append(f"""    server {{
        listen {ADDRESS}:443 ssl{default};
        listen {ADDRESS}:80{default};
        server_name {' '.join(group)};
        ssl_certificate {certs}/g{number}.crt;
        ssl_certificate_key {certs}/server.key;
        root {folder}/sites/$host;
    }}""")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(f"""daemon on;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    types {{ application/xml xml; }}
    default_type application/xml;
    server_names_hash_max_size 262144;
    server_names_hash_bucket_size 128;
    server_tokens off;
{chr(10).join(servers)}
}}
""")


def wait_until(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    sys.exit(f"bench-batch.py: {what}")


def dns_answers(port: int) -> bool:
    name = f"ispdb.{ZONE}"
    query = bytes.fromhex("beef01000001000000000000") + b"".join(
        bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\x00\x00\x01\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(0.2)
        try:
            udp.sendto(query, (ADDRESS, port))
            return udp.recv(512)[:2] == b"\xbe\xef"
        except OSError:
            return False


def accepting(port: int) -> bool:
    try:
        socket.create_connection((ADDRESS, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def dnsmasq_answered(folder: Path, pid: int) -> int:
    """Queries dnsmasq has answered so far (its statistics, written to its log on SIGUSR1)."""
    logfile = folder / "dnsmasq.log"
    before = logfile.stat().st_size if logfile.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    pattern = re.compile(r"queries forwarded (\d+), queries answered locally (\d+)")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with logfile.open("rb") as handle:
            handle.seek(before)
            found = pattern.findall(handle.read().decode(errors="replace"))
        if found:
            forwarded, local = found[-1]
            return int(forwarded) + int(local)
        time.sleep(0.05)
    sys.exit("bench-batch.py: dnsmasq wrote no statistics after SIGUSR1")


# MARK: - Measuring

def dnsperf_round(dnsperf: str, port: int, queries: Path, seconds: float) -> float:
    cmd = [dnsperf, "-s", ADDRESS, "-p", str(port), "-d", str(queries), "-l", str(seconds),
           "-c", "8", "-q", "64", "-t", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    qps = re.search(r"Queries per second:\s+([\d.]+)", done.stdout)
    if done.returncode != 0 or not qps:
        sys.exit(f"bench-batch.py: {' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return float(qps.group(1))


def process_sample(pid: int) -> tuple[int, int] | None:
    """(RSS in KiB, open file descriptors) of a running process, from /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        return rss, len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, AttributeError):
        return None


def child_of(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(children[0]) if children else None
    except OSError:
        return None


def sample_until_exit(process: subprocess.Popen, output: Path, sample_every: float, start: float,
                      samples: list[dict]) -> int | None:
    """Samples the tool (the child of /usr/bin/time) until it exits; returns its pid."""
    target = None
    done, offset = 0, 0
    while process.poll() is None:
        target = target or child_of(process.pid)
        if target:
            sample = process_sample(target)
            if sample and sample[0] >= 2048:  # past exec: the tool itself, not /usr/bin/time's fork
                with output.open("rb") as written:  # count the lines written since the last sample
                    written.seek(offset)
                    chunk = written.read()
                done, offset = done + chunk.count(b"\n"), offset + len(chunk)
                samples.append({"seconds": round(time.monotonic() - start, 2), "lines": done,
                                "rss_kib": sample[0], "fds": sample[1]})
        try:
            process.wait(timeout=sample_every)
        except subprocess.TimeoutExpired:
            pass
    return target


def run_batch(binary: Path, world: dict, folder: Path, dns_port: int, concurrency: int, input_path: Path,
              sample_every: float, output: Path) -> dict:
    cmd = ["/usr/bin/time", "-v", str(binary), "batch", str(input_path), "--json",
           "--concurrency", str(concurrency), "--dns-server", f"{ADDRESS}:{dns_port}",
           "--cacert", str(folder / "certs" / "ca.crt"), "--ispdb-url", f"https://ispdb.{ZONE}/v1.1/"]
    log("+ " + " ".join(cmd))
    samples: list[dict] = []
    start = time.monotonic()
    with output.open("wb") as out, (folder / "time.txt").open("wb") as err:
        process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        target = None
        try:
            target = sample_until_exit(process, output, sample_every, start, samples)
        finally:
            if process.poll() is None:  # interrupted: the tool goes too
                for pid in (target or child_of(process.pid), process.pid):
                    if pid:
                        os.kill(pid, signal.SIGTERM)
                process.wait()
        seconds = time.monotonic() - start
    report = (folder / "time.txt").read_text(errors="replace")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    status = re.search(r"Exit status: (\d+)", report)
    if peak is None or status is None:
        sys.exit(f"bench-batch.py: /usr/bin/time printed no figures:\n{report[-2000:]}")
    if int(status.group(1)) not in (0, 1):
        sys.exit(f"bench-batch.py: the batch exited {status.group(1)}:\n{report[-2000:]}")
    return {"seconds": seconds, "peak_rss_kib": int(peak.group(1)), "samples": samples}


def check_output(output: Path, input_path: Path) -> dict:
    """Every output line against the world: servers where there are some, none where there are none."""
    inputs = [line for line in input_path.read_text().splitlines() if line]
    results = [json.loads(line) for line in output.read_text().splitlines() if line]
    mismatches: list[str] = []
    counts = {"lines": len(results), "found": 0, "not_found": 0, "errors": 0}
    if len(results) != len(inputs):
        mismatches.append(f"{len(inputs)} input lines, {len(results)} output lines")
    for number, (text, result) in enumerate(zip(inputs, results), start=1):
        if result.get("input") != text:
            mismatches.append(f"line {number}: input {text!r} echoed as {result.get('input')!r}")
            continue
        match = re.search(r"(?:^|@)d(\d+)\." + re.escape(ZONE) + "$", text)
        if match is None:
            counts["errors"] += 1
            if "error" not in result:
                mismatches.append(f"line {number}: {text!r} is not an address, yet no error")
            continue
        found = bool(result.get("incoming")) and bool(result.get("outgoing"))
        counts["found" if found else "not_found"] += 1
        if found != expects_servers(int(match.group(1))):
            sources = {s.get("id"): s.get("status") for s in result.get("sources", [])}
            mismatches.append(f"line {number}: {text} found={found}, expected {not found}; sources {sources}")
    counts["mismatches"] = mismatches
    return counts


def run_suite(folder: Path, dns_port: int, world: dict, scratch: str | None) -> None:
    """The BatchBenchmarks suite of the Benchmarks/ package, told where the world is."""
    description = folder / "world.json"
    description.write_text(json.dumps({
        "dnsServer": f"{ADDRESS}:{dns_port}", "cacert": str(folder / "certs" / "ca.crt"),
        "ispdbURL": f"https://ispdb.{ZONE}/v1.1/", "input": str(world["input"]), "lines": 1000}))
    cmd = ["swift", "package", "--package-path", str(ROOT / "Benchmarks")]
    if scratch:
        cmd += ["--scratch-path", scratch + "-benchmarks"]
    cmd += ["benchmark", "--target", "BatchBenchmarks", "--no-progress"]
    log("+ AUTOCONF_BATCH_WORLD=" + str(description) + " " + " ".join(cmd))
    subprocess.run(cmd, check=True, env={**os.environ, "AUTOCONF_BATCH_WORLD": str(description)})


def build(scratch: str | None, skip: bool) -> Path:
    cmd = ["swift", "build", "-c", "release", "--package-path", str(ROOT)]
    if scratch:
        cmd += ["--scratch-path", scratch]
    if not skip:
        run(cmd + ["--product", "autoconf-lookup"])
    binary = bin_path(cmd) / "autoconf-lookup"
    if not binary.exists():
        sys.exit(f"bench-batch.py: {binary} is not built; run without --skip-build")
    return binary


def pick(samples: list[dict], fraction: float) -> dict | None:
    """The sample nearest to `fraction` of the lines done."""
    if not samples:
        return None
    total = max(sample["lines"] for sample in samples) or 1
    return min(samples, key=lambda sample: abs(sample["lines"] / total - fraction))


def stop_on_signal(number: int, _frame) -> None:
    """SIGTERM and SIGHUP end the script as Ctrl-C does: the world is still taken down."""
    raise SystemExit(128 + number)


def main() -> None:
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=10_000, help="domains in the world (default 10,000)")
    parser.add_argument("--soak", type=int, metavar="LINES",
                        help="a soak: this many addresses, cycling through the domains (new local part each time)")
    parser.add_argument("--concurrency", type=int, default=8, help="batch --concurrency (default 8)")
    parser.add_argument("--dnsperf-seconds", type=float, default=5, help="each dnsperf round (default 5)")
    parser.add_argument("--sample-every", type=float, default=1.0, help="seconds between samples (default 1)")
    parser.add_argument("--skip-build", action="store_true", help="use the release autoconf-lookup already built")
    parser.add_argument("--scratch-path", metavar="DIR", help="build folder (default: swift build's own)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--benchmarks", action="store_true",
                        help="also run the Benchmarks/ suite BatchBenchmarks in the world")
    parser.add_argument("--keep", metavar="DIR", help="copy the world and the output to DIR at the end")
    args = parser.parse_args()
    domains = args.domains
    if domains < 10 or (args.soak is not None and args.soak < 1) or not 1 <= args.concurrency <= 256 or args.dnsperf_seconds <= 0 or args.sample_every <= 0:
        log("bench-batch.py: --domains ≥ 10, --soak ≥ 1, --concurrency 1–256, --dnsperf-seconds and --sample-every > 0")
        sys.exit(EX_USAGE)
    dnsmasq = require("dnsmasq", "dnsmasq")
    nginx = require("nginx", "nginx-light")
    require("openssl", "openssl")
    dnsperf = require("dnsperf", "dnsperf")
    if not Path("/usr/bin/time").exists():
        log("bench-batch.py: /usr/bin/time not found: install the Debian package time")
        sys.exit(EX_UNAVAILABLE)
    if accepting(443) or accepting(80):
        sys.exit(f"bench-batch.py: something already listens on {ADDRESS}:443 or :80; stop it first")
    binary = build(args.scratch_path, args.skip_build)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # nginx's workers run as another user and read the sites
        dns_port = free_port(ADDRESS)
        log(f"bench-batch.py: writing a world of {domains:,} domains in {folder}")
        made = time.monotonic()
        world = write_world(folder, domains, dns_port, args.soak)
        log(f"bench-batch.py: world written in {time.monotonic() - made:.1f} s "
            f"({world['lines']:,} input lines, {world['served_names']:,} names on nginx)")
        dns_process = subprocess.Popen([dnsmasq, "--keep-in-foreground", f"--conf-file={world['dnsmasq_conf']}"],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=(folder / "dnsmasq.err").open("wb"))
        nginx_started = False
        try:
            wait_until(lambda: dns_answers(dns_port), f"dnsmasq does not answer on {ADDRESS}:{dns_port}: "
                       f"{(folder / 'dnsmasq.err').read_text(errors='replace')}", seconds=120)
            run([nginx, "-c", str(folder / "nginx.conf"), "-e", str(folder / "nginx-error.log")])
            nginx_started = True
            wait_until(lambda: accepting(443) and accepting(80), f"nginx does not accept on {ADDRESS}:443 and :80")

            warm = folder / "warm.txt"
            warm.write_text("\n".join(f"warm{i}@d{i}.{ZONE}" for i in range(0, 40)) + "\n")
            run_batch(binary, world, folder, dns_port, args.concurrency, warm, 1.0, folder / "warm.jsonl")

            perf = [dnsperf_round(dnsperf, dns_port, world["queries"], args.dnsperf_seconds)]
            answered_before = dnsmasq_answered(folder, dns_process.pid)
            batch = run_batch(binary, world, folder, dns_port, args.concurrency, world["input"],
                              args.sample_every, folder / "output.jsonl")
            answered = dnsmasq_answered(folder, dns_process.pid) - answered_before
            perf.append(dnsperf_round(dnsperf, dns_port, world["queries"], args.dnsperf_seconds))
            checked = check_output(folder / "output.jsonl", world["input"])
            if args.benchmarks:
                run_suite(folder, dns_port, world, args.scratch_path)
        finally:
            if nginx_started:
                subprocess.run([nginx, "-c", str(folder / "nginx.conf"), "-e", str(folder / "nginx-error.log"),
                                "-s", "stop"], capture_output=True)
            dns_process.terminate()
            dns_process.wait(timeout=10)
            if args.keep:
                shutil.copytree(folder, args.keep, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("sites", "tmp"))

    lines = checked["lines"]
    figures = {
        "domains": domains, "lines": lines, "concurrency": args.concurrency,
        "seconds": round(batch["seconds"], 2), "lines_per_second": round(lines / batch["seconds"], 1),
        "peak_rss_mib": round(batch["peak_rss_kib"] / 1024, 1),
        "dns_queries": answered, "dns_queries_per_line": round(answered / max(lines, 1), 1),
        "batch_dns_qps": round(answered / batch["seconds"]),
        "dnsperf_qps": [round(q) for q in perf], "dnsperf_qps_median": round(statistics.median(perf)),
        "found": checked["found"], "not_found": checked["not_found"], "errors": checked["errors"],
        "mismatches": len(checked["mismatches"]),
        "samples": {name: pick(batch["samples"], f) for name, f in (("start", 0.02), ("middle", 0.5), ("end", 1.0))},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    share = figures["batch_dns_qps"] / max(figures["dnsperf_qps_median"], 1)
    print(f"| domains | lines | concurrency | wall | lines/s | peak RSS | DNS queries (per line) "
          f"| batch DNS q/s | dnsperf q/s | share |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {domains:,} | {lines:,} | {args.concurrency} | {figures['seconds']:.1f} s | "
          f"{figures['lines_per_second']:,.0f} | {figures['peak_rss_mib']:.1f} MiB | {answered:,} "
          f"({figures['dns_queries_per_line']}) | {figures['batch_dns_qps']:,} | "
          f"{figures['dnsperf_qps_median']:,} | {share:.2f} |")
    print(f"\nfound {checked['found']:,}, not found {checked['not_found']:,}, not an address {checked['errors']:,}; "
          f"mismatches with the world: {len(checked['mismatches'])}")
    for name, sample in figures["samples"].items():
        if sample:
            print(f"{name:>6}: after {sample['seconds']:.0f} s, {sample['lines']:,} lines: "
                  f"RSS {sample['rss_kib'] / 1024:.1f} MiB, {sample['fds']} open fds")
    for mismatch in checked["mismatches"][:20]:
        log("mismatch: " + mismatch)
    if args.json:
        figures["all_samples"] = batch["samples"]
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    sys.exit(1 if checked["mismatches"] else 0)


if __name__ == "__main__":
    main()
