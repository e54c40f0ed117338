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
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // Only for `swift package generate-documentation`: a plugin, never linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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
        .testTarget(name: "MailSettingsTests", dependencies: ["MailSettings"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MailAutoconfigTests",
            dependencies: [
                "MailAutoconfig",
                "autoconf-lookup",  // the sources' end-to-end test runs the built binary
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "AutoconfLookupCLITests",
            dependencies: ["AutoconfLookupCLI", "MailSettings", "autoconf-lookup"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
