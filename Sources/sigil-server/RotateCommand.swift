import ArgumentParser
import CertificateAuthority
import Foundation
import SigstoreKit
import TimestampAuthority
import TransparencyLog
import WireFormat
import X509

/// `sigil-server rotate`: replace the CA intermediate or the log key, recording the change in the
/// trust files as `validFor` windows so that everything signed before keeps verifying.
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate the CA intermediate, the transparency log key or the TSA chain; the trust files get validFor windows.",
        discussion: """
            Stop the server whose key rotates first, then restart it and give clients the new trust files.
            Examples:
              sigil-server rotate ca-intermediate --data ./.sigil
              sigil-server rotate log-key --data ./.sigil
              sigil-server rotate tsa --data ./.sigil
              sigil-server rotate rekor-v2-key --data ./.sigil
            Each of these publishes the new trust files through the TUF repository in the same step, so
            `--instance` clients pick them up on their next refresh. TUF's own keys:
              sigil-server rotate tuf-online --data ./.sigil [--tuf-key OFFLINE-ROOT-KEY.pem]
              sigil-server rotate tuf-targets --data ./.sigil [--tuf-key OFFLINE-ROOT-KEY.pem]
              sigil-server rotate tuf-root --data ./.sigil [--tuf-key OFFLINE-ROOT-KEY.pem]
            """,
        subcommands: [RotateIntermediate.self, RotateLogKey.self, RotateTSA.self, RotateRekorV2Key.self,
                      RotateTUFRoot.self, RotateTUFTargets.self, RotateTUFOnline.self])
}

/// `sigil-server rotate ca-intermediate`.
struct RotateIntermediate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca-intermediate",
        abstract: "Issue a new CA intermediate under the same root and retire the old one.",
        discussion: """
            The old intermediate certificate moves to ca/retired/ and its private key is deleted. In the
            trusted root the old certificate authority's validFor ends now and the new one starts now.
            """)

    @OptionGroup var options: DataOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        try DataFolderLock.acquire(folder.file("ca"), holder: "sigil-server ca")
        let trust = try TrustFileSet(folder: folder)
        let profile: CertificateProfile
        do { profile = try CertificateProfile(file: folder.caProfile.path) } catch {
            throw ServerError("\(folder.caProfile.path): \(error)")
        }
        let old = try Certificate(pemEncoded: try folder.read(folder.caIntermediate, what: "the CA intermediate certificate"))
        let rotated: (material: CAKeyMaterial, intermediateKeyPEM: String)
        do {
            rotated = try CAKeyMaterial.rotateIntermediate(
                rootPEM: try folder.read(folder.caRoot, what: "the CA root certificate"),
                rootKeyPEM: try folder.read(folder.caRootKey, what: "the CA root key"), profile: profile)
        } catch let error as ServerError { throw error } catch { throw ServerError("cannot issue a new intermediate: \(error)") }

        // Whole seconds, as the trust files record them: a signature in this very second must fall
        // inside the new window, not before it.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var root = trust.config.trustedRoot
        var retiredAny = false
        for index in root.certificateAuthorities.indices where root.certificateAuthorities[index].certificates.first == old {
            root.certificateAuthorities[index].validFor = TimeRange(start: root.certificateAuthorities[index].validFor?.start ?? now, end: now)
            retiredAny = true
        }
        guard retiredAny, let template = root.certificateAuthorities.last(where: { $0.certificates.first == old }) else {
            throw ServerError("\(folder.trustedRoot.path) lists no certificate authority with the current intermediate; refusing to rotate")
        }
        root.certificateAuthorities.append(TrustedCertificateAuthority(
            subject: template.subject, uri: template.uri, certificates: [rotated.material.intermediate, rotated.material.root],
            validFor: TimeRange(start: now), operator: template.operator))

        let retired = folder.file("ca/retired")
        try FileManager.default.createDirectory(at: retired, withIntermediateDirectories: true)
        let serial = LowercaseHex.encode(old.serialNumber.bytes)
        try DataFolder.writePublic(try old.serializeAsPEM().pemString + "\n", to: retired.appendingPathComponent("intermediate-\(serial).pem"))
        // Key and certificate are two files: a crash between these writes leaves a key that does not
        // match the certificate, and the CA then refuses to start rather than issue from a wrong pair.
        try DataFolder.writeSecret(rotated.intermediateKeyPEM, to: folder.caIntermediateKey)
        try DataFolder.writePublic(rotated.material.intermediatePEM, to: folder.caIntermediate)
        try trust.write(trustedRoot: root)
        print("Rotated the CA intermediate: old serial \(serial) retired to \(retired.path), its key deleted")
        print("Restart `sigil-server ca` and give clients \(folder.trustConfig.path)")
    }
}

/// `sigil-server rotate log-key`.
struct RotateLogKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-key",
        abstract: "Freeze the current transparency log and start a new one with a new key.",
        discussion: """
            The current database moves to retired/log-<tree ID>.sqlite with its public key; the new log is
            empty. In the trusted root the old log's validFor ends now and the new key's starts now, so
            bundles from the old log keep verifying offline.
            """)

    @OptionGroup var options: DataOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        try DataFolderLock.acquire(folder.root, holder: "sigil-server log")
        let trust = try TrustFileSet(folder: folder)
        let oldKey = try folder.loadLogKey()
        let identity: LogIdentity
        do { identity = try SQLiteLogStore.open(path: folder.logDatabase.path).identity() } catch {
            throw ServerError("\(folder.logDatabase.path): \(error)")
        }
        // Whole seconds, as the trust files record them: a signature in this very second must fall
        // inside the new window, not before it.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var root = trust.config.trustedRoot
        guard let index = root.tlogs.firstIndex(where: { $0.logID == oldKey.verificationKey.keyID }) else {
            throw ServerError("\(folder.trustedRoot.path) does not list the current log key; refusing to rotate")
        }
        let newKey = SigningKey.generateP256()
        root.tlogs[index].validFor = TimeRange(start: root.tlogs[index].validFor?.start ?? now, end: now)
        root.tlogs.append(TransparencyLogInstance(baseURL: root.tlogs[index].baseURL, key: newKey.verificationKey,
                                                  keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: TimeRange(start: now)))

        let fm = FileManager.default
        let retired = folder.file("retired")
        try fm.createDirectory(at: retired, withIntermediateDirectories: true)
        let archive = retired.appendingPathComponent("log-\(identity.treeID).sqlite")
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: folder.logDatabase.path + suffix) {
            try fm.moveItem(atPath: folder.logDatabase.path + suffix, toPath: archive.path + suffix)
        }
        try fm.moveItem(at: folder.logPublicKey, to: retired.appendingPathComponent("log-\(identity.treeID)-public-key.pem"))
        try DataFolder.writeSecret(newKey.pemRepresentation, to: folder.logKey)
        try DataFolder.writePublic(newKey.verificationKey.pem, to: folder.logPublicKey)
        _ = try LogService.createStore(path: folder.logDatabase.path, signingKey: newKey, name: folder.loadLogName())
        try trust.write(trustedRoot: root)
        print("Rotated the log key: tree \(identity.treeID) frozen at \(archive.path); a new empty log uses the new key")
        print("Restart `sigil-server log` and give clients \(folder.trustConfig.path)")
    }
}

/// `sigil-server rotate tsa`.
struct RotateTSA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsa",
        abstract: "Replace the timestamp authority's key and certificate chain.",
        discussion: """
            A new chain (root, intermediate, leaf) and leaf key replace the old ones; the old chain moves to
            tsa/retired/ and its key is deleted. In the trusted root the old TSA's validFor ends now and the
            new one starts now, so timestamps issued before keep verifying offline.
            """)

    @OptionGroup var options: DataOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        try DataFolderLock.acquire(folder.file("tsa"), holder: "sigil-server tsa")
        let trust = try TrustFileSet(folder: folder)
        let old: TSAKeyMaterial
        do {
            old = try TSAKeyMaterial(chainPEM: try folder.read(folder.tsaChain, what: "the TSA certificate chain"),
                                     keyPEM: try folder.read(folder.tsaKey, what: "the TSA signing key"))
        } catch let error as ServerError { throw error } catch { throw ServerError("\(folder.tsaChain.path): \(error)") }
        let rotated: TSAKeyMaterial
        do {
            rotated = try TSAKeyMaterial.generate()
            _ = try rotated.signer()
        } catch { throw ServerError("cannot make a new TSA chain: \(error)") }

        // Whole seconds, as the trust files record them: a timestamp in this very second must fall
        // inside the new window, not before it.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var root = trust.config.trustedRoot
        guard let index = root.timestampAuthorities.lastIndex(where: { $0.certificates.first == old.chain.first }) else {
            throw ServerError("\(folder.trustedRoot.path) lists no timestamp authority with the current TSA certificate; refusing to rotate")
        }
        let template = root.timestampAuthorities[index]
        root.timestampAuthorities[index].validFor = TimeRange(start: template.validFor?.start ?? now, end: now)
        root.timestampAuthorities.append(TrustedCertificateAuthority(subject: template.subject, uri: template.uri,
                                                                     certificates: rotated.chain, validFor: TimeRange(start: now),
                                                                     operator: template.operator))

        try FileManager.default.createDirectory(at: folder.tsaRetired, withIntermediateDirectories: true)
        let serial = LowercaseHex.encode(old.chain[0].serialNumber.bytes)
        let retired = folder.tsaRetired.appendingPathComponent("chain-\(serial).pem")
        try DataFolder.writePublic(old.chainPEM, to: retired)
        // Key then chain: a crash between them leaves a key that does not match the chain, and the
        // TSA then refuses to start rather than sign under the wrong certificate.
        try DataFolder.writeSecret(rotated.key.pemRepresentation, to: folder.tsaKey)
        try DataFolder.writePublic(rotated.chainPEM, to: folder.tsaChain)
        try trust.write(trustedRoot: root)
        print("Rotated the TSA: old chain (leaf serial \(serial)) retired to \(retired.path), its key deleted")
        print("Restart `sigil-server tsa` (or `all`) and give clients \(folder.trustConfig.path)")
    }
}

/// `sigil-server rotate rekor-v2-key`.
struct RotateRekorV2Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekor-v2-key",
        abstract: "Freeze the current Rekor v2 log and start a new one with a new Ed25519 key.",
        discussion: """
            The current v2 database moves to retired/rekor-v2-<tree ID>.sqlite with its public key; the new
            v2 log is empty, at the same base URL and checkpoint origin. In the trusted root the old key's
            validFor ends now and the new key (a new log ID) starts now, so bundles from the old log keep
            verifying offline.
            """)

    @OptionGroup var options: DataOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        try DataFolderLock.acquire(folder.root, holder: "sigil-server log")
        let trust = try TrustFileSet(folder: folder)
        let oldKey = try folder.loadRekorV2Key()
        let identity: LogIdentity
        do { identity = try SQLiteLogStore.open(path: folder.rekorV2Database.path).identity() } catch {
            throw ServerError("\(folder.rekorV2Database.path): \(error)")
        }
        let oldKeyID = NoteKeyID(rekorV2Origin: identity.origin, key: oldKey.verificationKey)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var root = trust.config.trustedRoot
        guard let index = root.tlogs.firstIndex(where: { $0.logID == oldKeyID.bytes }) else {
            throw ServerError("\(folder.trustedRoot.path) does not list the current Rekor v2 log key; refusing to rotate")
        }
        let newKey = SigningKey.generateEd25519()
        let old = root.tlogs[index]
        root.tlogs[index].validFor = TimeRange(start: old.validFor?.start ?? now, end: now)
        root.tlogs.append(TransparencyLogInstance(
            baseURL: old.baseURL, key: newKey.verificationKey, keyDetails: "PKIX_ED25519", validFor: TimeRange(start: now),
            logID: NoteKeyID(rekorV2Origin: identity.origin, key: newKey.verificationKey).bytes, operator: old.operator))

        let fm = FileManager.default
        let retired = folder.file("retired")
        try fm.createDirectory(at: retired, withIntermediateDirectories: true)
        let archive = retired.appendingPathComponent("rekor-v2-\(identity.treeID).sqlite")
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: folder.rekorV2Database.path + suffix) {
            try fm.moveItem(atPath: folder.rekorV2Database.path + suffix, toPath: archive.path + suffix)
        }
        try fm.moveItem(at: folder.rekorV2PublicKey, to: retired.appendingPathComponent("rekor-v2-\(identity.treeID)-public-key.pem"))
        try DataFolder.writeSecret(newKey.pemRepresentation, to: folder.rekorV2Key)
        try DataFolder.writePublic(newKey.verificationKey.pem, to: folder.rekorV2PublicKey)
        _ = try RekorV2Log.createStore(path: folder.rekorV2Database.path, signingKey: newKey, origin: identity.origin)
        try trust.write(trustedRoot: root)
        print("Rotated the Rekor v2 log key: tree \(identity.treeID) frozen at \(archive.path); a new empty v2 log uses the new key")
        print("Restart `sigil-server log` and give clients \(folder.trustConfig.path)")
    }
}

/// The trust files `init` wrote, read together and written back together.
struct TrustFileSet {
    let folder: DataFolder
    let config: ClientTrustConfig

    init(folder: DataFolder) throws {
        self.folder = folder
        do {
            config = try ClientTrustConfig(parsing: Array(try Data(contentsOf: folder.trustConfig)))
        } catch {
            throw ServerError("\(folder.trustConfig.path): \(error)")
        }
    }

    /// Writes the new trusted root into the trust files and publishes it through TUF.
    func write(trustedRoot: TrustedRoot) throws {
        try Data(trustedRoot.encoded()).write(to: folder.trustedRoot, options: .atomic)
        try Data(ClientTrustConfig(trustedRoot: trustedRoot, signingConfig: config.signingConfig).encoded())
            .write(to: folder.trustConfig, options: .atomic)
        TUFPublication.publish(folder)
    }
}
