// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sigil", targets: ["sigil"]),
        .executable(name: "sigil-server", targets: ["sigil-server"]),
        .executable(name: "sigil-bench", targets: ["sigil-bench"]),
        .library(name: "Merkle", targets: ["Merkle"]),
        .library(name: "SigstoreKit", targets: ["SigstoreKit"]),
        .library(name: "WireFormat", targets: ["WireFormat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Already in the graph through Hummingbird and AsyncHTTPClient; named because targets import
        // their modules directly (ByteBuffer, channel handlers, TLS settings, HTTP field types).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // Strict JSON, canonical JSON, base64, hex, RFC 3339 and byte-exact text: the encodings every
        // other target reads and writes. Foundation only, so servers can use it without SigstoreKit.
        .target(name: "WireFormat"),
        // RFC 6962 Merkle math. No I/O; swift-crypto only.
        .target(name: "Merkle", dependencies: [
            "WireFormat",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Wire formats and offline verification. No servers, database or networking.
        .target(name: "SigstoreKit", dependencies: [
            "Merkle", "WireFormat",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // The transparency log server: SQLite or PostgreSQL storage, sequencer, Rekor v1 API, tiles.
        .target(name: "TransparencyLog", dependencies: [
            "Merkle", "SigstoreKit", "ServerSupport", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // For `ConnectionPoolError`, which PostgresClient throws as is when its circuit breaker is open.
            .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], resources: [
            // The explorer page served at /explorer/: plain HTML, CSS and JavaScript, no build step.
            .copy("Explorer/Assets"),
        ]),
        // What every server shares for running in production: configuration files, TLS listeners,
        // health and readiness, Prometheus metrics, structured request logs.
        .target(name: "ServerSupport", dependencies: [
            "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Development OIDC provider: discovery, JWKS, token minting, GitHub Actions emulation.
        .target(name: "OIDCIssuer", dependencies: [
            "ServerSupport", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // Fulcio's job: OIDC token validation, certificate issuance, CT submission.
        .target(name: "CertificateAuthority", dependencies: [
            "SigstoreKit", "ServerSupport", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // RFC 3161 timestamp authority: the HTTP routes of Sigstore's timestamp-authority over
        // SigstoreKit's TimeStampReq parser and token signer; its key and chain.
        .target(name: "TimestampAuthority", dependencies: [
            "SigstoreKit", "ServerSupport", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Client library: HTTP clients for the servers, sign flows, auditor logic.
        .target(name: "SigilClient", dependencies: [
            "Merkle", "SigstoreKit", "WireFormat",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            // The one-shot loopback listener of the browser sign-in.
            .product(name: "NIOPosix", package: "swift-nio"),
            // TLS settings for registries: the system trust store plus a CA file.
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .executableTarget(name: "sigil", dependencies: [
            "SigilClient", "SigstoreKit", "WireFormat", "Merkle",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "sigil-server", dependencies: [
            "TransparencyLog", "SigstoreKit", "WireFormat", "OIDCIssuer", "CertificateAuthority", "ServerSupport", "TimestampAuthority",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "sigil-bench", dependencies: [
            "TransparencyLog", "SigilClient", "SigstoreKit", "WireFormat", "Merkle",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Shared by the test targets: the `fixtures/` folder, free ports, the built executables,
        // entry builders, test keys and certificates.
        .target(name: "TestSupport", dependencies: [
            "SigstoreKit", "WireFormat",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"]),
        .testTarget(name: "MerkleTests", dependencies: [
            "Merkle", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "SigstoreKitTests", dependencies: [
            "SigstoreKit", "WireFormat", "Merkle", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "OIDCIssuerTests", dependencies: [
            "OIDCIssuer", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            // An independent JWT implementation checks what the issuer mints.
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "CertificateAuthorityTests", dependencies: [
            "CertificateAuthority", "OIDCIssuer", "SigstoreKit", "WireFormat", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "TimestampAuthorityTests", dependencies: [
            "TimestampAuthority", "SigstoreKit", "WireFormat", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "SigilClientTests", dependencies: [
            // OIDCIssuer: the browser sign-in is tested against the real development issuer.
            "SigilClient", "SigstoreKit", "WireFormat", "Merkle", "TestSupport", "TransparencyLog", "OIDCIssuer",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "TransparencyLogTests", dependencies: [
            "TransparencyLog", "SigstoreKit", "WireFormat", "Merkle", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "ServerSupportTests", dependencies: [
            "ServerSupport", "WireFormat", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "SigilClient", "SigstoreKit", "WireFormat", "Merkle", "TestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
    ]
)
