import FuzzChecks

/// Fuzz target for address and domain handling: validation, IDNA mapping, punycode, the public
/// suffix list and placeholders.
///
/// Feeds the input, decoded as UTF-8 (bytes that are not become U+FFFD) and also read as
/// Latin-1, to ``EmailAddress/init(_:)`` and ``DomainName/init(_:)``, and the part after its
/// last `@` to ``DomainName/init(_:)``.
///
/// Checks, for an address or domain that is accepted: the ASCII form holds only lower-case
/// letters, digits, hyphens and dots, in 2 or more labels of 1 to 63 octets, at most 253 in all,
/// no label starting or ending with a hyphen; the ASCII form and the Unicode form both parse
/// back to the same value (so punycode decodes what it encoded, and encodes what it decoded);
/// the public suffix and registered domain are whole trailing labels of the name; placeholders
/// expand to the address's own parts. For input that is refused, the error says something.
///
/// The invariants live in ``FuzzChecks/address(_:)``, which the test suite replays the seed
/// corpus through too; a problem stops the run with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzChecks.fuzz(FuzzChecks.address, start, count)
}
