#!/usr/bin/env python3
"""Write the embedded Public Suffix List Swift source from Debian's `publicsuffix` data.

Reads the Public Suffix List (default /usr/share/publicsuffix/public_suffix_list.dat, from
Debian's `publicsuffix` package), keeps the rules of its ICANN and PRIVATE sections (normal
rules, wildcard rules `*.x` and exception rules `!x`), converts Unicode labels to punycode,
and writes Sources/MailSettings/PublicSuffix/EmbeddedPublicSuffixes.swift: one rule per line,
sorted, in one raw string literal, byte-for-byte deterministic.

Unicode labels become "xn--" + the label's Punycode (RFC 3492, Python's `punycode` codec),
after checking that the label is already lower-case NFC as the PSL promises. This is
what IDNA2008 and UTS 46 produce for such labels; Python's `encodings.idna` (IDNA2003,
nameprep) is deliberately not used, so no IDNA2003-only mapping can creep in. (For the
current list both give the same result for every rule.)

The generated file records the list's own `// VERSION:` and `// COMMIT:` header lines when
it has them (Debian's 2023 copy has none) and always the SHA-256 of the source file, so a
new Debian list makes the file stale even when only its comments changed.

  --check        compare with the existing generated file; write nothing. Exit status 1
                 ("stale: run Scripts/generate-public-suffixes.py") when it differs.
  --source FILE  the list (default /usr/share/publicsuffix/public_suffix_list.dat)
  --output FILE  the Swift file (default Sources/MailSettings/PublicSuffix/EmbeddedPublicSuffixes.swift)

Relative paths are resolved against the repository root, not the current folder.
Standard library only: runs with a bare python3.
"""

import argparse
import hashlib
import re
import sys
import unicodedata
from pathlib import Path

from generated_file import check_or_write, raw_string_literal

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "/usr/share/publicsuffix/public_suffix_list.dat"
DEFAULT_OUTPUT = "Sources/MailSettings/PublicSuffix/EmbeddedPublicSuffixes.swift"

SECTIONS = ("ICANN", "PRIVATE")
SECTION_LINE = re.compile(r"^// ===(BEGIN|END) (ICANN|PRIVATE) DOMAINS===$")
HEADER_FIELD = re.compile(r"^// (VERSION|COMMIT): (\S+)\s*$")
ASCII_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class ListProblem(Exception):
    """The source file holds something this script does not understand."""


def to_ascii_label(label, where):
    if label.isascii():
        ascii_label = label
    else:
        if unicodedata.normalize("NFC", label) != label or label.lower() != label:
            raise ListProblem(f"{where}: label {label!r} is not lower-case NFC")
        ascii_label = "xn--" + label.encode("punycode").decode("ascii")
    if not ASCII_LABEL.match(ascii_label):
        raise ListProblem(f"{where}: label {label!r} is not a valid host name label ({ascii_label!r})")
    return ascii_label


def to_ascii_rule(rule, where):
    """A rule with its labels in ASCII form; raises ListProblem for anything unexpected."""
    prefix = ""
    body = rule
    if body.startswith("!"):
        prefix, body = "!", body[1:]
    elif body.startswith("*."):
        prefix, body = "*.", body[2:]
    labels = body.split(".")
    if not body or any(not label for label in labels):
        raise ListProblem(f"{where}: rule {rule!r} has an empty label")
    if prefix == "!" and len(labels) < 2:
        raise ListProblem(f"{where}: exception rule {rule!r} has one label only")
    if any("*" in label or "!" in label for label in labels):
        raise ListProblem(f"{where}: rule {rule!r} has a wildcard or '!' other than at its start")
    return prefix + ".".join(to_ascii_label(label, where) for label in labels)


def read_list(path):
    """(rules, header fields, counts): the ASCII rules of the ICANN and PRIVATE sections."""
    data = path.read_bytes()
    text = data.decode("utf-8")
    fields = {}
    section = None
    seen_sections = []
    rules = set()
    counts = {name: 0 for name in SECTIONS}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        header = HEADER_FIELD.match(line)
        if header and header.group(1) not in fields:
            fields[header.group(1)] = header.group(2)
        marker = SECTION_LINE.match(line)
        if marker:
            kind, name = marker.groups()
            if kind == "BEGIN":
                if section is not None:
                    raise ListProblem(f"{where}: {name} section starts inside the {section} section")
                section = name
                seen_sections.append(name)
            else:
                if section != name:
                    raise ListProblem(f"{where}: {name} section ends but was not open")
                section = None
            continue
        if not line or line.startswith("//"):
            continue
        if section is None:
            raise ListProblem(f"{where}: rule outside the ICANN and PRIVATE sections")
        # The list format: a rule is the line up to its first white space.
        rule = to_ascii_rule(line.split()[0], where)
        if rule not in rules:
            rules.add(rule)
            counts[section] += 1
    if section is not None:
        raise ListProblem(f"{path.name}: the {section} section is never closed")
    if sorted(seen_sections) != sorted(SECTIONS):
        raise ListProblem(f"{path.name}: expected one ICANN and one PRIVATE section, found {seen_sections}")
    return sorted(rules), fields, counts, hashlib.sha256(data).hexdigest()


def render(rules, fields, counts, digest):
    wildcards = sum(1 for rule in rules if rule.startswith("*."))
    exceptions = sum(1 for rule in rules if rule.startswith("!"))
    lines = [
        "// Generated by Scripts/generate-public-suffixes.py from Debian's publicsuffix package",
        "// (/usr/share/publicsuffix/public_suffix_list.dat). Do not edit by hand: run the script",
        "// again (a test fails when this file is stale).",
        "//",
        "// The Public Suffix List is subject to the Mozilla Public License, v. 2.0:",
        "// https://mozilla.org/MPL/2.0/. Source: https://publicsuffix.org/list/",
        "//",
    ]
    for name in ("VERSION", "COMMIT"):
        if name in fields:
            lines.append(f"// List {name.lower()}: {fields[name]}")
    lines += [
        f"// Source SHA-256: {digest}",
        f"// Rules: {len(rules)} ({counts['ICANN']} ICANN, {counts['PRIVATE']} private; "
        f"{wildcards} wildcard, {exceptions} exception), Unicode labels in punycode.",
        "",
        "/// The Public Suffix List's rules, one per line in ASCII form and sorted: `example.com`,",
        "/// `*.example.com` (wildcard) or `!www.example.com` (exception). ``PublicSuffixList`` reads it.",
        "enum EmbeddedPublicSuffixes {",
    ]
    swift = "\n".join(lines) + "\n"
    swift += f"    static let rules = {raw_string_literal(chr(10).join(rules))}\n"
    swift += "}\n"
    return swift


def main():
    parser = argparse.ArgumentParser(description="Write the embedded Public Suffix List Swift source.")
    parser.add_argument("--check", action="store_true", help="compare with the existing file; write nothing")
    parser.add_argument("--source", default=DEFAULT_SOURCE, help=f"the list (default {DEFAULT_SOURCE})")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help=f"Swift file to write (default {DEFAULT_OUTPUT})")
    args = parser.parse_args()

    source = REPO_ROOT / args.source
    output = REPO_ROOT / args.output
    try:
        rules, fields, counts, digest = read_list(source)
    except FileNotFoundError:
        print(
            f"generate-public-suffixes: {source} not found (install Debian's publicsuffix package)",
            file=sys.stderr,
        )
        return 2
    except (ListProblem, UnicodeDecodeError) as problem:
        print(f"generate-public-suffixes: {problem}; nothing written", file=sys.stderr)
        return 2

    swift = render(rules, fields, counts, digest)
    summary = f"{len(rules)} rules, {len(swift.encode('utf-8'))} bytes"
    return check_or_write(output, swift, "generate-public-suffixes", output.name, summary, args.check)


if __name__ == "__main__":
    sys.exit(main())
