import Foundation

/// Where key passwords come from: `SIGIL_PASSWORD`, else an interactive prompt on the terminal
/// with echo off. Never argv, where any user could read it in the process list.
enum Password {
    static let environmentVariable = "SIGIL_PASSWORD"

    /// The password to open a key.
    static func read(prompt: String) throws -> [UInt8] {
        if let value = ProcessInfo.processInfo.environment[environmentVariable] { return Array(value.utf8) }
        return try prompted(prompt)
    }

    /// A new password, typed twice when prompted.
    static func readNew() throws -> [UInt8] {
        if let value = ProcessInfo.processInfo.environment[environmentVariable] { return Array(value.utf8) }
        let first = try prompted("Enter password for private key: ")
        let second = try prompted("Enter password for private key again: ")
        guard first == second else { throw CLIError("the passwords do not match") }
        return first
    }

    /// Reads one line from /dev/tty with echo disabled, restoring the terminal afterwards.
    private static func prompted(_ prompt: String) throws -> [UInt8] {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw CLIError("no terminal to ask for the password; set \(environmentVariable)")
        }
        defer { close(fd) }
        _ = prompt.withCString { Foundation.write(fd, $0, strlen($0)) }
        var saved = termios()
        let haveTerminal = tcgetattr(fd, &saved) == 0
        if haveTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTerminal { tcsetattr(fd, TCSAFLUSH, &saved) }
            _ = "\n".withCString { Foundation.write(fd, $0, 1) }
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(fd, &byte, 1) == 1, byte != 0x0a {
            if byte != 0x0d { line.append(byte) }
            if line.count > 4096 { throw CLIError("the password is too long") }
        }
        return line
    }
}
