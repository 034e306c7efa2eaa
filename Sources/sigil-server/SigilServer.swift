import ArgumentParser

/// `sigil-server`: runs Sigil's servers and creates their keys and trust files.
@main
struct SigilServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil-server",
        abstract: "Run Sigil's servers: development OIDC issuer, certificate authority, transparency log, timestamp authority.",
        discussion: """
            Start everything on loopback, initialising ./.sigil on first run:
              sigil-server all
            On other ports (remembered in ./.sigil/config/ for later runs):
              sigil-server all --oidc-port 15556 --ca-port 15555 --log-port 13000
            Or create the data folder first and run one server:
              sigil-server init --data ./.sigil
              sigil-server log --data ./.sigil --port 3000
              sigil-server ca --data ./.sigil --port 5555
              sigil-server oidc --data ./.sigil --port 5556
              sigil-server tsa --data ./.sigil --port 5557
            """,
        subcommands: [InitCommand.self, MigrateCommand.self, AllCommand.self, OIDCCommand.self, CACommand.self, LogCommand.self, TSACommand.self,
                      RotateCommand.self, TUFCommand.self])
}

/// Options every server command shares.
struct DataOptions: ParsableArguments {
    @Option(help: "The data folder holding keys, databases and trust files.")
    var data: String = "./.sigil"
}
