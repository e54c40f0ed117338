import Testing

@testable import MailSettings

/// One sample of RFC 3492 section 7.1: the code points and their Punycode.
private struct PunycodeSample: Sendable, CustomTestStringConvertible {
    var name: String
    var codePoints: [UInt32]
    var punycode: String

    var text: String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: codePoints.map { Unicode.Scalar($0)! })
        return String(scalars)
    }

    var testDescription: String { name }
}

/// The sample strings of RFC 3492 section 7.1 (without their mixed-case annotations).
private let rfc3492Samples: [PunycodeSample] = [
    PunycodeSample(
        name: "(A) Arabic (Egyptian)",
        codePoints: [
            0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628, 0x062A, 0x0643, 0x0644, 0x0645,
            0x0648, 0x0634, 0x0639, 0x0631, 0x0628, 0x064A, 0x061F,
        ],
        punycode: "egbpdaj6bu4bxfgehfvwxn"),
    PunycodeSample(
        name: "(B) Chinese (simplified)",
        codePoints: [0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587],
        punycode: "ihqwcrb4cv8a8dqg056pqjye"),
    PunycodeSample(
        name: "(C) Chinese (traditional)",
        codePoints: [0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA, 0x4E2D, 0x6587],
        punycode: "ihqwctvzc91f659drss3x8bo0yb"),
    PunycodeSample(
        name: "(D) Czech",
        codePoints: [
            0x0050, 0x0072, 0x006F, 0x010D, 0x0070, 0x0072, 0x006F, 0x0073, 0x0074, 0x011B,
            0x006E, 0x0065, 0x006D, 0x006C, 0x0075, 0x0076, 0x00ED, 0x010D, 0x0065, 0x0073,
            0x006B, 0x0079,
        ],
        punycode: "Proprostnemluvesky-uyb24dma41a"),
    PunycodeSample(
        name: "(E) Hebrew",
        codePoints: [
            0x05DC, 0x05DE, 0x05D4, 0x05D4, 0x05DD, 0x05E4, 0x05E9, 0x05D5, 0x05D8, 0x05DC,
            0x05D0, 0x05DE, 0x05D3, 0x05D1, 0x05E8, 0x05D9, 0x05DD, 0x05E2, 0x05D1, 0x05E8,
            0x05D9, 0x05EA,
        ],
        punycode: "4dbcagdahymbxekheh6e0a7fei0b"),
    PunycodeSample(
        name: "(F) Hindi (Devanagari)",
        codePoints: [
            0x092F, 0x0939, 0x0932, 0x094B, 0x0917, 0x0939, 0x093F, 0x0928, 0x094D, 0x0926,
            0x0940, 0x0915, 0x094D, 0x092F, 0x094B, 0x0902, 0x0928, 0x0939, 0x0940, 0x0902,
            0x092C, 0x094B, 0x0932, 0x0938, 0x0915, 0x0924, 0x0947, 0x0939, 0x0948, 0x0902,
        ],
        punycode: "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"),
    PunycodeSample(
        name: "(G) Japanese (kanji and hiragana)",
        codePoints: [
            0x306A, 0x305C, 0x307F, 0x3093, 0x306A, 0x65E5, 0x672C, 0x8A9E, 0x3092, 0x8A71,
            0x3057, 0x3066, 0x304F, 0x308C, 0x306A, 0x3044, 0x306E, 0x304B,
        ],
        punycode: "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
    PunycodeSample(
        name: "(H) Korean (Hangul syllables)",
        codePoints: [
            0xC138, 0xACC4, 0xC758, 0xBAA8, 0xB4E0, 0xC0AC, 0xB78C, 0xB4E4, 0xC774, 0xD55C,
            0xAD6D, 0xC5B4, 0xB97C, 0xC774, 0xD574, 0xD55C, 0xB2E4, 0xBA74, 0xC5BC, 0xB9C8,
            0xB098, 0xC88B, 0xC744, 0xAE4C,
        ],
        punycode: "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"),
    PunycodeSample(
        name: "(I) Russian (Cyrillic)",
        codePoints: [
            0x043F, 0x043E, 0x0447, 0x0435, 0x043C, 0x0443, 0x0436, 0x0435, 0x043E, 0x043D,
            0x0438, 0x043D, 0x0435, 0x0433, 0x043E, 0x0432, 0x043E, 0x0440, 0x044F, 0x0442,
            0x043F, 0x043E, 0x0440, 0x0443, 0x0441, 0x0441, 0x043A, 0x0438,
        ],
        punycode: "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
    PunycodeSample(
        name: "(J) Spanish",
        codePoints: [
            0x0050, 0x006F, 0x0072, 0x0071, 0x0075, 0x00E9, 0x006E, 0x006F, 0x0070, 0x0075,
            0x0065, 0x0064, 0x0065, 0x006E, 0x0073, 0x0069, 0x006D, 0x0070, 0x006C, 0x0065,
            0x006D, 0x0065, 0x006E, 0x0074, 0x0065, 0x0068, 0x0061, 0x0062, 0x006C, 0x0061,
            0x0072, 0x0065, 0x006E, 0x0045, 0x0073, 0x0070, 0x0061, 0x00F1, 0x006F, 0x006C,
        ],
        punycode: "PorqunopuedensimplementehablarenEspaol-fmd56a"),
    PunycodeSample(
        name: "(K) Vietnamese",
        codePoints: [
            0x0054, 0x1EA1, 0x0069, 0x0073, 0x0061, 0x006F, 0x0068, 0x1ECD, 0x006B, 0x0068,
            0x00F4, 0x006E, 0x0067, 0x0074, 0x0068, 0x1EC3, 0x0063, 0x0068, 0x1EC9, 0x006E,
            0x00F3, 0x0069, 0x0074, 0x0069, 0x1EBF, 0x006E, 0x0067, 0x0056, 0x0069, 0x1EC7,
            0x0074,
        ],
        punycode: "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"),
    PunycodeSample(
        name: "(L) 3<nen>B<gumi><kinpachi><sensei>",
        codePoints: [0x0033, 0x5E74, 0x0042, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F],
        punycode: "3B-ww4c5e180e575a65lsy2b"),
    PunycodeSample(
        name: "(M) <amuro><namie>-with-SUPER-MONKEYS",
        codePoints: [
            0x5B89, 0x5BA4, 0x5948, 0x7F8E, 0x6075, 0x002D, 0x0077, 0x0069, 0x0074, 0x0068,
            0x002D, 0x0053, 0x0055, 0x0050, 0x0045, 0x0052, 0x002D, 0x004D, 0x004F, 0x004E,
            0x004B, 0x0045, 0x0059, 0x0053,
        ],
        punycode: "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
    PunycodeSample(
        name: "(N) Hello-Another-Way-<sorezore><no><basho>",
        codePoints: [
            0x0048, 0x0065, 0x006C, 0x006C, 0x006F, 0x002D, 0x0041, 0x006E, 0x006F, 0x0074,
            0x0068, 0x0065, 0x0072, 0x002D, 0x0057, 0x0061, 0x0079, 0x002D, 0x305D, 0x308C,
            0x305E, 0x308C, 0x306E, 0x5834, 0x6240,
        ],
        punycode: "Hello-Another-Way--fc4qua05auwb3674vfr0b"),
    PunycodeSample(
        name: "(O) <hitotsu><yane><no><shita>2",
        codePoints: [0x3072, 0x3068, 0x3064, 0x5C4B, 0x6839, 0x306E, 0x4E0B, 0x0032],
        punycode: "2-u9tlzr9756bt3uc0v"),
    PunycodeSample(
        name: "(P) Maji<de>Koi<suru>5<byou><mae>",
        codePoints: [
            0x004D, 0x0061, 0x006A, 0x0069, 0x3067, 0x004B, 0x006F, 0x0069, 0x3059, 0x308B,
            0x0035, 0x79D2, 0x524D,
        ],
        punycode: "MajiKoi5-783gue6qz075azm5e"),
    PunycodeSample(
        name: "(Q) <pafii>de<runba>",
        codePoints: [0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x0064, 0x0065, 0x30EB, 0x30F3, 0x30D0],
        punycode: "de-jg4avhby1noc0d"),
    PunycodeSample(
        name: "(R) <sono><supiido><de>",
        codePoints: [0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067],
        punycode: "d9juau41awczczp"),
    PunycodeSample(
        name: "(S) -> $1.00 <-",
        codePoints: [0x002D, 0x003E, 0x0020, 0x0024, 0x0031, 0x002E, 0x0030, 0x0030, 0x0020, 0x003C, 0x002D],
        punycode: "-> $1.00 <--"),
]

@Suite("Punycode (RFC 3492)")
struct PunycodeTests {
    @Test("encodes the RFC 3492 samples", arguments: rfc3492Samples)
    fileprivate func encodesSample(_ sample: PunycodeSample) {
        #expect(Punycode.encode(sample.text) == sample.punycode)
    }

    @Test("decodes the RFC 3492 samples", arguments: rfc3492Samples)
    fileprivate func decodesSample(_ sample: PunycodeSample) {
        #expect(Punycode.decode(sample.punycode) == sample.text)
    }

    @Test("reads digits in either case, as with the RFC's mixed-case annotations")
    func decodesUpperCaseDigits() {
        let russian = rfc3492Samples[8]
        // The RFC prints this sample with an upper-case "D" that only annotates case.
        #expect(Punycode.decode("b1abfaaepdrnnbgefbaDotcwatmq2g4l") == russian.text)
        #expect(Punycode.decode(russian.punycode.uppercased()) == russian.text)
    }

    @Test(
        "encodes the labels of well-known IDN domains",
        arguments: [
            ("españa", "espaa-rta"),
            ("bücher", "bcher-kva"),
            ("münchen", "mnchen-3ya"),
            ("例え", "r8jz45g"),
            ("テスト", "zckzah"),
            ("пример", "e1afmkfd"),
            ("рф", "p1ai"),
            ("ü", "tda"),
            ("", ""),
            ("abc", "abc-"),
        ])
    func encodesLabel(_ unicode: String, _ punycode: String) {
        #expect(Punycode.encode(unicode) == punycode)
        #expect(Punycode.decode(punycode) == unicode)
    }

    @Test("accepts a Substring")
    func encodesSubstring() {
        let domain = "españa.es"
        let label = domain.split(separator: ".")[0]
        #expect(Punycode.encode(label) == "espaa-rta")
    }

    @Test(
        "refuses what is not Punycode",
        arguments: [
            "ü-abc",  // non-ASCII before the delimiter
            "ab!c",  // not a digit
            "b",  // a number cut off
            "-abc",  // a delimiter with no basic code points before it is not skipped
            "zzzzzzzzzzzzzzzzzzzzzzzz",  // overflow
            "99999999999999",  // overflow
            "ib9b",  // decodes to a surrogate, U+D800
            "en32g",  // decodes past U+10FFFF
        ])
    func refusesInvalid(_ text: String) {
        #expect(Punycode.decode(text) == nil)
    }

    @Test("round-trips the samples and generated strings")
    func roundTrips() {
        var texts = rfc3492Samples.map(\.text)
        texts += ["a", "ab-cd", "𝒜𝒷𝒸", "😀😃😄", "ꙮ", "mixed-ASCII-и-кириллица", String(repeating: "ü", count: 200)]
        var generator = SplitMix64(seed: 3492)
        let pools: [ClosedRange<UInt32>] = [0x21...0x7E, 0xA0...0x24F, 0x370...0x4FF, 0x3040...0x30FF, 0x4E00...0x9FFF, 0x1F300...0x1F64F]
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            let count = Int(generator.next() % 20) + 1
            for _ in 0..<count {
                let pool = pools[Int(generator.next() % UInt64(pools.count))]
                let value = pool.lowerBound + UInt32(generator.next() % UInt64(pool.count))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            texts.append(String(scalars))
        }
        for text in texts {
            let encoded = Punycode.encode(text)
            #expect(encoded != nil, "\(text)")
            #expect(encoded.map { $0.utf8.allSatisfy { $0 < 0x80 } } == true)
            #expect(encoded.flatMap(Punycode.decode) == text, "\(text)")
        }
    }
}

/// A small deterministic random number generator, so generated cases are the same every run.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
