import FuzzChecks

/// Fuzz target for the DNS wire codec.
///
/// Feeds the input to ``DNSHeader/init(bytes:)`` and ``DNSMessage/init(bytes:)`` as a message
/// from a server, and, read as text, to ``DNSQuery`` as a name to look up.
///
/// Checks, for a message that decodes: the header agrees with the one read alone; each section
/// holds as many entries as the header counts (at most as many when the TC bit is set); every
/// name — owner names and names in record data, after following compression pointers — is at
/// most 255 octets in wire form with labels of 1 to 63 octets, lower-case; the EDNS fields come
/// from exactly one OPT record; and every name without escapes encodes again into a query whose
/// answer (the same bytes with the QR bit set) decodes back to the same question. For a message
/// that does not decode, the error's offset lies inside the input. For a name that encodes, the
/// query decodes to the same question.
///
/// The invariants live in ``FuzzChecks/dns(_:)``, which the test suite replays the seed
/// corpus through too; a problem stops the run with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzChecks.fuzz(FuzzChecks.dns, start, count)
}
