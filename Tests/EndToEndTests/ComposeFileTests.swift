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
                commands[service] = try #require(array, "\(service): command is not a flow sequence of strings").map(withDefaults)
            }
        }
        return commands
    }

    /// `${NAME:-default}` as docker-compose interpolates it with NAME unset.
    static func withDefaults(_ text: String) -> String {
        guard let start = text.range(of: "${"), let end = text.range(of: "}", range: start.upperBound..<text.endIndex),
              let dash = text.range(of: ":-", range: start.upperBound..<end.lowerBound) else { return text }
        return withDefaults(String(text[..<start.lowerBound]) + text[dash.upperBound..<end.lowerBound] + text[end.upperBound...])
    }

    @Test func servicesRunSubcommandsAndFlagsThatExist() throws {
        let commands = try Self.commands()
        #expect(Set(commands.keys) == ["init", "oidc", "ca", "log", "log-2", "tsa", "ci-job"])
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

    @Test func deploySettingsPassTheirServersChecks() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let deploy = Self.repository.appendingPathComponent("deploy").path
        // The postgres profile's settings name the compose network's database and the secret compose
        // mounts; here a database of the test's own PostgreSQL server and a file of the test's.
        let password = directory.path("postgres-password")
        try "not-a-real-password\n".write(toFile: password, atomically: true, encoding: .utf8)
        var commands = try Self.commands()
        // `log` with SIGIL_LOG_SETTINGS=log-postgres.json, the postgres profile's first replica.
        commands["log (postgres profile)"] = ["log", "--config", "/etc/sigil/log-postgres.json"]
        for (service, command) in commands where ["oidc", "ca", "log", "log-2", "log (postgres profile)", "tsa"].contains(service) {
            let server = try #require(command.first)
            let config = try #require(command.firstIndex(of: "--config").map { command[$0 + 1] })
            #expect(config.hasPrefix("/etc/sigil/"), "the image copies deploy/ to /etc/sigil")
            // Without PostgreSQL server binaries the postgres profile's settings cannot be checked.
            if config.hasSuffix("postgres.json"), !TemporaryPostgres.available { continue }
            let local = deploy + "/" + config.dropFirst("/etc/sigil/".count)
            // Only the paths that exist inside the image change: the data volume and /etc/sigil.
            let environment = config.hasSuffix("postgres.json")
                ? ["SIGIL_LOG_POSTGRES_PASSWORD_FILE": password,
                   // The shared server may have to be started: not on a cooperative thread.
                   "SIGIL_LOG_POSTGRES_URL": try await offCooperativePool { try TemporaryPostgres.shared().createDatabase() }]
                : ["SIGIL_CA_ISSUERS_FILE": deploy + "/issuers.json"]
            let (status, output) = try runToCompletion(ServerProcess.binary, [server, "--config", local, "--data", data, "--check-config"],
                                                       environment: environment)
            #expect(status == 0, "\(service): \(output)")
            #expect(output.contains("sigil-server \(server): configuration OK"), "\(output)")
        }
    }
}
