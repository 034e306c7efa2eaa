import Foundation

/// Opens a URL in the user's browser the way command-line tools on Unix do: each command of
/// `BROWSER` (colon-separated; `%s` stands for the URL, else the URL is appended), then
/// `xdg-open`, then `open`. The first command found on `PATH` is started and not waited for: the
/// sign-in continues at the loopback listener, whatever the browser process does.
public struct BrowserLauncher: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The commands tried, in order, with the URL in place.
    func commands(for url: String) -> [[String]] {
        var candidates: [[String]] = []
        if let browser = environment["BROWSER"] {
            for entry in browser.split(separator: ":") {
                let words = entry.split(separator: " ").map(String.init)
                guard !words.isEmpty else { continue }
                let substituted = words.map { $0.replacingOccurrences(of: "%s", with: url) }
                candidates.append(words.contains { $0.contains("%s") } ? substituted : words + [url])
            }
        }
        candidates.append(["xdg-open", url])
        candidates.append(["open", url])
        return candidates
    }

    /// Starts the first available command; false when none could be started.
    public func open(_ url: String) -> Bool {
        for command in commands(for: url) {
            guard let executable = resolve(command[0]) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(command.dropFirst())
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch { continue }
            return true
        }
        return false
    }

    private func resolve(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
