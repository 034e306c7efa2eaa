import Foundation

/// A short reason for a failed file read, in the system's words ("No such file or directory",
/// "Permission denied"), rather than Foundation's multi-line `NSCocoaErrorDomain` dump. Other
/// errors keep their own description.
public enum FileErrorReason {
    public static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        guard nsError.domain == NSCocoaErrorDomain else { return "\(error)" }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let path = nsError.userInfo[NSFilePathErrorKey] as? String {
            return FileManager.default.fileExists(atPath: path) ? "cannot be read" : String(cString: strerror(ENOENT))
        }
        return nsError.localizedDescription
    }
}
