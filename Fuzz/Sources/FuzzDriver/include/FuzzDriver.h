// libFuzzer's entry for programs that own `main` (from libFuzzer's FuzzerInterface.h): it parses
// the libFuzzer flags in argv and runs `callback` on each input, exactly as libFuzzer's own
// `main` would.
//
// The fuzz targets need it on Linux only, where FuzzDriver.c defines each target's
// `<Module>_main` with it.
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
