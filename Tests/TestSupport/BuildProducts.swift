import Foundation

/// The executables under test (`sigil`, `sigil-server`), from the build that built these tests.
public enum BuildProducts {
    /// The folder holding the built executables: `SIGIL_BIN_DIR` when set; else the folder of this
    /// test bundle when the executables sit beside it (it is the bin path of the running build,
    /// whatever its configuration or scratch path); else `swift build --show-bin-path`.
    public static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["SIGIL_BIN_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        if let tests = testBundleDirectory,
           FileManager.default.isExecutableFile(atPath: tests.appendingPathComponent("sigil-server").path) {
            return tests
        }
        return showBinPath()
    }()

    /// The path of the built executable `name`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The folder the running `.xctest` bundle (or Linux test executable) was built into.
    private static var testBundleDirectory: URL? {
        #if os(macOS)
        Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
        #else
        Bundle.main.executableURL?.deletingLastPathComponent()
        #endif
    }

    private static func showBinPath() -> URL {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build", "--show-bin-path"]
        process.currentDirectoryURL = Fixtures.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { fatalError("BuildProducts: set SIGIL_BIN_DIR; cannot run `swift build --show-bin-path`: \(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty else {
            fatalError("BuildProducts: set SIGIL_BIN_DIR; `swift build --show-bin-path` failed")
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
