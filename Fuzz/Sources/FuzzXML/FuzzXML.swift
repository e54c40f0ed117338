import FuzzChecks

/// Fuzz target for the XML reader and the two formats read with it.
///
/// Feeds the input, as bytes, to ``XMLReader/parse(_:limits:)`` with the default limits and with
/// tight ones, to ``XMLReader/parse(_:limits:)`` as text when it is UTF-8, to
/// ``ClientConfigParser/parse(_:limits:)`` (Mozilla autoconfig) and to
/// ``AutodiscoverResponse/init(bytes:)`` (Exchange Autodiscover POX).
///
/// Checks that every call returns or throws (a crash, a hang or a leak is what libFuzzer
/// reports), that a parsed tree keeps within the limits it was read with, that errors carry
/// 1-based positions, that the autoconfig parser gives the same document from the bytes as from
/// the tree, and that every server either format lets through has a usable host name and port.
///
/// The invariants live in ``FuzzChecks/xml(_:)``, which the test suite replays the seed
/// corpus through too; a problem stops the run with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzChecks.fuzz(FuzzChecks.xml, start, count)
}
