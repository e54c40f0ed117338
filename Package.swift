// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-mail-autoconfig",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MailSettings", targets: ["MailSettings"]),
        .library(name: "MailAutoconfig", targets: ["MailAutoconfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // Pure core: models, address handling, the knowledge base, ranking. Foundation only.
        .target(name: "MailSettings"),
        // I/O: sources and the resolver that runs them.
        .target(
            name: "MailAutoconfig",
            dependencies: [
                "MailSettings",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command-line logic, as a library so tests can drive it.
        .target(
            name: "AutoconfLookupCLI",
            dependencies: [
                "MailSettings",
                "MailAutoconfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A plain executable target, not a product: library users never fetch the argument parser.
        .executableTarget(name: "autoconf-lookup", dependencies: ["AutoconfLookupCLI"]),
        .testTarget(name: "MailSettingsTests", dependencies: ["MailSettings"]),
        .testTarget(name: "MailAutoconfigTests", dependencies: ["MailAutoconfig"]),
        .testTarget(
            name: "AutoconfLookupCLITests",
            dependencies: ["AutoconfLookupCLI", "autoconf-lookup"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
