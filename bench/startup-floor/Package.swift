// swift-tools-version:6.1
import PackageDescription

// What a Swift process costs before it does any work, built exactly as the README's Install
// section builds `sigil` (bench/round2.py's client section times these beside the client, so the
// ratio to sigstore says how much of it the platform alone takes).
let package = Package(
    name: "StartupFloor",
    targets: [
        // Prints a line: the loader, the relocations of a static PIE and the Swift runtime's start.
        .executableTarget(name: "empty-program"),
        // Reads a JSON document and a date with Foundation, as every Sigil command does at least once.
        .executableTarget(name: "foundation-program"),
    ]
)
