#!/usr/bin/env bash
# Installs what the test suite needs (Debian packages) and runs the whole suite.
#
#   Scripts/test.sh                 # everything
#   Scripts/test.sh --filter Ranking   # extra arguments go to `swift test`
#
# Set AUTOCONF_REQUIRE_WORLD=1 (as .ci/run does) to turn "skipped: missing program" into failures.
set -euo pipefail
cd "$(dirname "$0")/.."

# Programs the tests run, and the Debian package that brings each.
declare -A needed=(
    [python3]=python3            # Scripts/generate-knowledge-base.py --check, run by ProviderDataTests; the test world's stalling server
    [nginx]=nginx-light          # the test world's HTTPS/HTTP server (Tests/MailAutoconfigTests/World)
    [openssl]=openssl            # the test world's CA and certificates
    [dnsmasq]=dnsmasq            # the DNS test world (Tests/MailAutoconfigTests/World/DNSWorld.swift)
    [dovecot]=dovecot-core       # the mail test world (Tests/MailAutoconfigTests/World/MailWorld.swift)
    # The real clients that read the exported files (Tests/AutoconfLookupCLITests/ExportRealClientTests.swift)
    [msmtp]=msmtp                # msmtp --pretend
    [mpop]=mpop                  # mpop --pretend
    [fetchmail]=fetchmail        # fetchmail --configdump
    [getmail]=getmail6           # getmail --dump
    [neomutt]=neomutt            # neomutt -n -F FILE -Q …
    [xmllint]=libxml2-utils      # xmllint --noout for the XML formats
)

# Files the tests need (data, or programs outside PATH), and the Debian package that brings each.
declare -A needed_files=(
    [/usr/share/publicsuffix/public_suffix_list.dat]=publicsuffix  # generate-public-suffixes.py --check, run by PublicSuffixTests
    [/usr/lib/dovecot/pop3]=dovecot-pop3d              # the mail test world: POP3 and POP3S
    [/usr/lib/dovecot/imap]=dovecot-imapd              # the mail test world: IMAP and IMAPS
    [/usr/lib/dovecot/submission]=dovecot-submissiond  # the mail test world: submission and submissions
)

missing=()
for program in "${!needed[@]}"; do
    command -v "$program" >/dev/null 2>&1 || missing+=("${needed[$program]}")
done
for file in "${!needed_files[@]}"; do
    [ -e "$file" ] || missing+=("${needed_files[$file]}")
done
if ((${#missing[@]})); then
    echo "test.sh: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

swift build --build-tests
swift test --skip-build "$@"
