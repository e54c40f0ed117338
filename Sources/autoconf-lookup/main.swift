import AutoconfLookupCLI

await AutoconfLookup.runMain()
