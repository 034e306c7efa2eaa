import Foundation
import TestSupport
import Testing

/// docker-compose.yml runs commands of this very binary: every service's command is a subcommand in
/// `sigil-server --help`, every flag it passes is in that subcommand's help, and the settings file it
/// names (from `deploy/`) passes `--check-config` against a freshly initialised data folder.
@Suite struct ComposeFileTests {
    static let repository = Fixtures.packageRoot

    /// Each service's `command:` (a JSON-style flow sequence, which is also valid YAML) by service name.
    static func commands() throws -> [String: [String]] {
        let text = try String(contentsOf: repository.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        var inServices = false
        var service: String?
        var commands: [String: [String]] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("services:") { inServices = true; continue }
            if let first = line.first, first != " ", first != "#" { inServices = false }
            guard inServices else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                service = String(line.dropFirst(2).dropLast())
            } else if let service, let range = line.range(of: "    command: ") {
                let array = try JSONSerialization.jsonObject(with: Data(line[range.upperBound...].utf8)) as? [String]
                commands[service] = try #require(array, "\(service): command is not a flow sequence of strings")
            }
        }
        return commands
    }

    @Test func servicesRunSubcommandsAndFlagsThatExist() throws {
        let commands = try Self.commands()
        #expect(Set(commands.keys) == ["init", "oidc", "ca", "log", "tsa", "ci-job"])
        let help = try runToCompletion(ServerProcess.binary, ["--help"]).output
        for (service, command) in commands where service != "ci-job" {
            let subcommand = try #require(command.first)
            #expect(help.contains("\n  \(subcommand) "), "\(service): `\(subcommand)` is not in sigil-server --help")
            let subhelp = try runToCompletion(ServerProcess.binary, [subcommand, "--help"]).output
            for flag in command where flag.hasPrefix("--") {
                #expect(subhelp.contains(flag), "\(service): \(flag) is not an option of sigil-server \(subcommand)")
            }
        }
        // The example job runs the script the image ships.
        #expect(commands["ci-job"] == ["/usr/share/sigil/examples/ci-job.sh"])
        #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("examples/ci-job.sh").path))
    }

    @Test func deploySettingsPassTheirServersChecks() throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let deploy = Self.repository.appendingPathComponent("deploy").path
        for (service, command) in try Self.commands() where ["oidc", "ca", "log", "tsa"].contains(service) {
            let config = try #require(command.firstIndex(of: "--config").map { command[$0 + 1] })
            #expect(config.hasPrefix("/etc/sigil/"), "the image copies deploy/ to /etc/sigil")
            let local = deploy + "/" + config.dropFirst("/etc/sigil/".count)
            // Only the paths that exist inside the image change: the data volume and /etc/sigil.
            let (status, output) = try runToCompletion(ServerProcess.binary, [service, "--config", local, "--data", data, "--check-config"],
                                                       environment: ["SIGIL_CA_ISSUERS_FILE": deploy + "/issuers.json"])
            #expect(status == 0, "\(service): \(output)")
            #expect(output.contains("sigil-server \(service): configuration OK"), "\(output)")
        }
    }
}
