import Foundation

/// The repository's test data, `<package root>/fixtures/` (fixtures/README.md says where each file
/// came from). Every test reads fixtures through here, so a clone needs nothing outside itself.
public enum Fixtures {
    /// `<package root>`; this file is `<package root>/Tests/TestSupport/Fixtures.swift`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // TestSupport
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .standardizedFileURL

    /// `<package root>/fixtures`.
    public static let directory: URL = packageRoot.appendingPathComponent("fixtures", isDirectory: true)

    /// A file or folder under `fixtures/`, e.g. `url("vectors/signed-note.json")`. Traps when
    /// `relativePath` climbs out of `fixtures/`: test data lives in the repository.
    public static func url(_ relativePath: String) -> URL {
        let url = directory.appendingPathComponent(relativePath).standardizedFileURL
        precondition(url.path.hasPrefix(directory.path + "/"), "Fixtures: \(relativePath) is outside fixtures/")
        return url
    }

    /// The bytes of a file under `fixtures/`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }
}
