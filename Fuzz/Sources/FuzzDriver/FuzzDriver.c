// The Linux entry points of the fuzz targets. SwiftPM links every executable there with `main`
// aliased to `<Module>_main`, a symbol a `-parse-as-library` Swift target never defines; here
// each target's `<Module>_main` hands over to libFuzzer's driver with the target's own
// `LLVMFuzzerTestOneInput`. Every fuzz target links all four; only its own is called.
#include "FuzzDriver.h"

#ifdef __linux__
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET_MAIN(name) \
    int name##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_TARGET_MAIN(FuzzXML)
FUZZ_TARGET_MAIN(FuzzDNS)
FUZZ_TARGET_MAIN(FuzzMailSessions)
FUZZ_TARGET_MAIN(FuzzAddress)
#endif
