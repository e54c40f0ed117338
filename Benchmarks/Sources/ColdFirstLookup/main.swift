// Times the first lookup of a fresh process from inside it: decoding the bundled knowledge base
// plus one lookup, with cold caches and nothing instantiated yet. The benchmark harness repeats the
// decode in a warm process, which is faster; Scripts/bench-process.py runs this program many times
// and reports the median. Prints nanoseconds on one line. Stdlib clock only: no Foundation here.
import MailSettings

let clock = ContinuousClock()
let start = clock.now
let provider = KnowledgeBase.bundled.provider(forDomain: try! DomainName("gmail.com"))
let elapsed = clock.now - start
guard provider?.id == "gmail" else { fatalError("gmail.com is not found in the bundled knowledge base") }
let (seconds, attoseconds) = elapsed.components
print(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
