#!/usr/bin/env python3
"""Import the facts of Thunderbird's ISPDB into ProviderData/providers/.

Reads every Mozilla clientConfig v1.1 file of an ISPDB snapshot (default
../shared/data/ispdb next to the repository) and writes one provider file per
ISPDB file, with "origin": "ispdb". Only facts are imported (domains, host names,
ports, socket types, authentication methods, user-name form, the URL of the page
where access is switched on, the URL of the help page); the sentences of the ISPDB
(instruction, descr, comments) are never copied.

Curated provider files ("origin": "curated") own the ISPDB files named in their
"ispdb" array: those ISPDB files are not imported, and the domains a curated file
lists are left to it. Curated files are never written or deleted. Re-running the
importer rewrites every origin-ispdb file and deletes the origin-ispdb files that
no longer have an ISPDB source of their own.

Standard library only: runs with a bare python3.

Usage: Scripts/import-ispdb.py [--ispdb DIR] [--data DIR] [--verbose]
"""

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from generated_file import write_atomically

REPO_ROOT = Path(__file__).resolve().parent.parent

# The schema's own patterns (ProviderData/schema.json), repeated here so that the
# importer never writes a file the generator would refuse.
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)
HOSTNAME_RE = re.compile(
    r"^(%EMAILDOMAIN%|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)"
    r"(\.(%EMAILDOMAIN%|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))*$"
)
USERNAME_RE = re.compile(r"^([^%\s]|%EMAILADDRESS%|%EMAILLOCALPART%|%EMAILDOMAIN%)+$")

SCHEMA_AUTHENTICATION = [
    "password-cleartext",
    "password-encrypted",
    "OAuth2",
    "NTLM",
    "GSSAPI",
    "client-IP-address",
    "TLS-client-cert",
    "none",
]
# Older spellings Thunderbird still reads as the same methods.
AUTHENTICATION_SYNONYMS = {"plain": "password-cleartext", "secure": "password-encrypted"}
SOCKET_TYPES = {"SSL": "tls", "STARTTLS": "starttls", "plain": "plain"}
INCOMING_TYPES = ("pop3", "imap")
OUTGOING_TYPES = ("smtp",)

KEY_ORDER = [
    "id",
    "name",
    "kind",
    "origin",
    "ispdb",
    "confidence",
    "confidenceReason",
    "domains",
    "mxPatterns",
    "incoming",
    "outgoing",
    "notes",
    "help",
]
CONFIDENCE_REASON = "imported from Thunderbird's ISPDB, not reviewed by us"
MAX_FILE_BYTES = 1 << 20  # the largest real ISPDB file is a few kB


class Refused(Exception):
    """The ISPDB file is not imported at all (hostile or unreadable)."""


def text_of(element):
    """The element's text with surrounding white space removed ('' when absent)."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def collapse(text):
    return " ".join(text.split())


def lower_keeping_placeholders(text):
    """Lower-case a host name but keep placeholders such as %EMAILDOMAIN% upper-case."""
    return re.sub(r"%[A-Za-z]+%", lambda m: m.group(0).upper(), text.lower())


def provider_id_for(file_name):
    stem = file_name[: -len(".xml")]
    return re.sub(r"[^a-z0-9-]", "-", stem.lower().replace(".", "-"))


def to_ascii_domain(raw):
    """Lower-case, drop a trailing dot, and encode IDN labels as punycode."""
    domain = raw.strip().lower().rstrip(".")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return domain


def parse_xml(path):
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"larger than {MAX_FILE_BYTES} bytes")
    # Only UTF-8 is read, so that the DOCTYPE check below sees what expat will see
    # (UTF-16 or a declared single-byte encoding could hide a declaration from it).
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("not UTF-8")
    if "\x00" in text:
        raise Refused("contains NUL bytes")
    declared = re.match(r"""\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""", text)
    if declared and declared.group(1).lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise Refused(f"declares the encoding {declared.group(1)!r}; only UTF-8 is read")
    # Refuse DTDs outright: no entity expansion of any kind ("billion laughs",
    # external entities). The check runs before any parsing.
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise Refused("contains a DOCTYPE or ENTITY declaration")
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        raise Refused(f"not well-formed XML ({error})")


class Stats:
    def __init__(self):
        self.dropped = Counter()  # reason -> servers dropped
        self.skipped_types = Counter()  # server type -> count
        self.usernames_fixed = 0
        self.auth_defaulted = 0
        self.domains_dropped = Counter()  # reason -> count


def convert_server(element, protocol, file_name, stats, messages):
    """One server object, or None when the block is unusable (reason counted)."""

    def drop(reason):
        stats.dropped[reason] += 1
        messages.append(f"{file_name}: {protocol} server dropped: {reason}")
        return None

    hostname = lower_keeping_placeholders(text_of(element.find("hostname"))).rstrip(".")
    if not hostname:
        return drop("missing hostname")
    if not HOSTNAME_RE.match(hostname):
        return drop(f"bad hostname {hostname!r}")

    port_text = text_of(element.find("port"))
    if not port_text:
        return drop("missing port")
    if not re.fullmatch(r"[0-9]{1,5}", port_text) or not 1 <= int(port_text) <= 65535:
        return drop(f"bad port {port_text!r}")
    port = int(port_text)

    socket_type = text_of(element.find("socketType"))
    if socket_type not in SOCKET_TYPES:
        return drop(f"unknown socketType {socket_type!r}" if socket_type else "missing socketType")
    security = SOCKET_TYPES[socket_type]

    username = text_of(element.find("username"))
    if not username:
        username = "%EMAILADDRESS%"
    fixed = re.sub(r"%EMAILADDRESS(?!%)", "%EMAILADDRESS%", username)
    if fixed != username:
        stats.usernames_fixed += 1
        username = fixed
    if not USERNAME_RE.match(username):
        return drop(f"bad username {username!r}")

    authentication = []
    for auth in element.findall("authentication"):
        value = text_of(auth)
        value = AUTHENTICATION_SYNONYMS.get(value, value)
        if value in SCHEMA_AUTHENTICATION and value not in authentication:
            authentication.append(value)
    if not authentication:
        stats.auth_defaulted += 1
        authentication = ["password-cleartext"]  # Thunderbird's default

    return {
        "protocol": protocol,
        "hostname": hostname,
        "port": port,
        "security": security,
        "username": username,
        "authentication": authentication,
    }


def convert_file(path, stats, messages):
    """The provider object for one ISPDB file (raises Refused)."""
    root = parse_xml(path)
    if root.tag != "clientConfig":
        raise Refused(f"root element is <{root.tag}>, not <clientConfig>")
    provider = root.find("emailProvider")
    if provider is None:
        raise Refused("no <emailProvider>")
    file_name = path.name

    # A name made of placeholders (inbox.lv and mail.ee use "%EMAILDOMAIN%") says
    # nothing once stored: fall back to the next candidate.
    candidates = [
        collapse(text_of(provider.find("displayName"))),
        collapse(text_of(provider.find("displayShortName"))),
        collapse(provider.get("id") or ""),
        file_name[: -len(".xml")],
    ]
    name = next((c for c in candidates if c and "%" not in c), file_name[: -len(".xml")])

    domains = []
    for element in provider.findall("domain"):
        domain = to_ascii_domain(text_of(element))
        if not domain:
            continue
        if not DOMAIN_RE.match(domain):
            stats.domains_dropped["not a valid domain"] += 1
            messages.append(f"{file_name}: domain {text_of(element)!r} dropped: not a valid domain")
            continue
        if domain not in domains:
            domains.append(domain)

    incoming, outgoing = [], []
    for element in provider:
        if element.tag == "incomingServer":
            kind, wanted, target = element.get("type", ""), INCOMING_TYPES, incoming
        elif element.tag == "outgoingServer":
            kind, wanted, target = element.get("type", ""), OUTGOING_TYPES, outgoing
        else:
            continue
        if kind not in wanted:
            stats.skipped_types[kind or "(no type)"] += 1
            continue
        server = convert_server(element, kind, file_name, stats, messages)
        if server is not None:
            target.append(server)

    # <enable visiturl> may sit inside <emailProvider> or, in older files, beside it.
    notes = []
    enables = [e for e in root.iter("enable")]
    if enables:
        urls = [(e.get("visiturl") or "").strip() for e in enables]
        https_urls = [u for u in urls if u.startswith("https://")]
        url = https_urls[0] if https_urls else None
        protocols = [s["protocol"] for s in incoming]
        for protocol, note_id in (("imap", "enable-imap"), ("pop3", "enable-pop")):
            if protocol in protocols:
                note = {"id": note_id}
                if url:
                    note["url"] = url
                notes.append(note)

    help_url = None
    for element in root.iter("documentation"):
        url = (element.get("url") or "").strip()
        if url.startswith("https://") and not any(c.isspace() for c in url):
            help_url = url
            break

    result = {
        "id": provider_id_for(file_name),
        "name": name,
        "kind": "mailbox",
        "origin": "ispdb",
        "ispdb": [file_name],
        "confidence": "medium",
        "confidenceReason": CONFIDENCE_REASON,
        "domains": domains,
        "mxPatterns": [],
        "incoming": incoming,
        "outgoing": outgoing,
        "notes": notes,
    }
    if help_url:
        result["help"] = help_url
    return result


def ordered(provider):
    known = {key: provider[key] for key in KEY_ORDER if key in provider}
    extra = {key: provider[key] for key in sorted(provider) if key not in known}
    return {**known, **extra}


def render(provider):
    return json.dumps(ordered(provider), indent=2, ensure_ascii=False) + "\n"


def read_existing(providers_dir):
    """{path: parsed JSON} of every provider file; exits when one cannot be read.

    A file that does not parse might be a curated file half-way through an edit:
    not knowing who owns what, the importer stops rather than risk overwriting it.
    """
    existing = {}
    problems = []
    for path in sorted(providers_dir.glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            existing[path] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path}: cannot read it ({error})")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("import-ispdb: stopped, nothing written: fix the files above first", file=sys.stderr)
        sys.exit(1)
    return existing


def curated_claims(existing):
    """(ISPDB file -> curated path, domain -> curated path) of the curated files."""
    ispdb_owner, domain_owner = {}, {}
    for path, data in existing.items():
        if not isinstance(data, dict) or data.get("origin") != "curated":
            continue
        for name in data.get("ispdb") or []:
            if isinstance(name, str):
                ispdb_owner.setdefault(name, path)
        for domain in data.get("domains") or []:
            if isinstance(domain, str):
                domain_owner.setdefault(domain.lower(), path)
    return ispdb_owner, domain_owner


def is_imported(data):
    return isinstance(data, dict) and data.get("origin") == "ispdb"


def is_ours_to_write(target):
    """True when target is absent or an imported file, read just before writing it:
    a curated file may appear while the importer runs."""
    try:
        return is_imported(json.loads(target.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ispdb",
        default="../shared/data/ispdb",
        help="folder of ISPDB *.xml files (default ../shared/data/ispdb, relative to the repository)",
    )
    parser.add_argument(
        "--data",
        default="ProviderData",
        help="the knowledge base source folder (default ProviderData, relative to the repository)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every dropped server and domain")
    args = parser.parse_args()

    ispdb_dir = REPO_ROOT / args.ispdb
    providers_dir = REPO_ROOT / args.data / "providers"
    if not ispdb_dir.is_dir():
        print(f"import-ispdb: no ISPDB folder at {ispdb_dir}", file=sys.stderr)
        return 1
    providers_dir.mkdir(parents=True, exist_ok=True)

    existing = read_existing(providers_dir)
    ispdb_owner, domain_owner = curated_claims(existing)

    stats = Stats()
    messages = []
    imported, skipped_curated, refused, id_taken = [], [], [], []
    domain_first_file = {}
    written_ids = set()
    changed = 0

    for path in sorted(ispdb_dir.glob("*.xml")):
        if path.name in ispdb_owner:
            skipped_curated.append(path.name)
            continue
        try:
            provider = convert_file(path, stats, messages)
        except Refused as reason:
            refused.append(path.name)
            print(f"import-ispdb: {path.name} skipped: {reason}", file=sys.stderr)
            continue
        except OSError as error:
            refused.append(path.name)
            print(f"import-ispdb: {path.name} skipped: cannot read it ({error})", file=sys.stderr)
            continue

        target = providers_dir / f"{provider['id']}.json"
        if not is_ours_to_write(target):
            # A curated file took this name without listing the ISPDB file it replaces.
            id_taken.append(path.name)
            print(
                f"import-ispdb: {path.name} skipped: {target.name} is a curated file that does not "
                f'list "{path.name}" in its "ispdb" array; add it there if the curated file replaces it',
                file=sys.stderr,
            )
            continue
        if provider["id"] in written_ids:
            refused.append(path.name)
            print(f"import-ispdb: {path.name} skipped: id {provider['id']} already used", file=sys.stderr)
            continue

        kept = []
        for domain in provider["domains"]:
            if domain in domain_owner:
                stats.domains_dropped["listed by a curated file"] += 1
                messages.append(f"{path.name}: domain {domain} left to {domain_owner[domain].name}")
            elif domain in domain_first_file:
                stats.domains_dropped["listed by an earlier ISPDB file"] += 1
                messages.append(f"{path.name}: domain {domain} already in {domain_first_file[domain]}")
            else:
                domain_first_file[domain] = path.name
                kept.append(domain)
        provider["domains"] = kept

        if write_atomically(target, render(provider)):
            changed += 1
        written_ids.add(provider["id"])
        imported.append(provider)

    # Delete the imported files that no longer have a source of their own. Read the
    # folder again: a curated file may have appeared while we were writing.
    deleted = []
    existing = read_existing(providers_dir)
    ispdb_owner, _ = curated_claims(existing)
    for path, data in existing.items():
        if not is_imported(data):
            continue
        sources = data.get("ispdb") or []
        owned_by_curated = any(name in ispdb_owner for name in sources)
        if path.stem not in written_ids or owned_by_curated:
            path.unlink()
            deleted.append(path.name)
            written_ids.discard(path.stem)
            imported = [p for p in imported if p["id"] != path.stem]

    if args.verbose:
        for message in messages:
            print(message, file=sys.stderr)

    domain_count = sum(len(p["domains"]) for p in imported)
    server_count = sum(len(p["incoming"]) + len(p["outgoing"]) for p in imported)
    def listing(counter):
        return ", ".join(f"{n} {reason}" for reason, n in sorted(counter.items())) or "none"

    parts = [
        f"{len(imported)} ISPDB files imported ({domain_count} domains, {server_count} servers; "
        f"{changed} provider files written, {len(deleted)} deleted)",
        f"{len(skipped_curated)} skipped as curated",
    ]
    if refused:
        parts.append(f"{len(refused)} refused (hostile or unreadable)")
    if id_taken:
        parts.append(f"{len(id_taken)} blocked by a curated file of the same id")
    parts.append(f"servers dropped: {listing(stats.dropped)}")
    if stats.skipped_types:
        parts.append(
            "other server types skipped: "
            + ", ".join(f"{n} {kind}" for kind, n in sorted(stats.skipped_types.items()))
        )
    if stats.domains_dropped:
        parts.append(f"domains dropped: {listing(stats.domains_dropped)}")
    if stats.usernames_fixed:
        parts.append(f"{stats.usernames_fixed} user name(s) %EMAILADDRESS fixed to %EMAILADDRESS%")
    if stats.auth_defaulted:
        parts.append(f"{stats.auth_defaulted} server(s) without authentication given password-cleartext")
    print("import-ispdb: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
