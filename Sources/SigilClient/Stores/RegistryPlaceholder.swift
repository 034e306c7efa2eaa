// TEMPORARY until the registry branch merges; not committed.
public struct RegistryReference: Sendable, CustomStringConvertible {
    public var host: String
    public var repository: String
    public var tag: String?
    public var digest: OCIDigest?
    public init(parsing text: String) throws(ImageStoreError) { throw .badReference("registry support pending") }
    public var description: String { "\(host)/\(repository)" }
}
public struct RegistryOptions: Sendable {
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var allowHTTP = false
    public init() {}
}
public final class RegistryStore: ImageStore {
    public init(reference: RegistryReference, options: RegistryOptions) throws(ImageStoreError) { throw .badReference("pending") }
    public var location: String { "" }
    public func resolve(_ selector: OCIReference.Selector) async throws(ImageStoreError) -> OCIDescriptor { throw .badReference("") }
    public func fetch(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> [UInt8] { [] }
    public func stream(_ descriptor: OCIDescriptor, into consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError) {}
    public func checkPresent(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {}
    public func referrers(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIReferrer] { [] }
    public func tags(of digest: OCIDigest) async -> [String] { [] }
    public func hasBlob(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> Bool { false }
    public func putBlob(_ bytes: [UInt8], as descriptor: OCIDescriptor) async throws(ImageStoreError) {}
    public func copyBlob(_ descriptor: OCIDescriptor, from source: any ImageStore, progress: TransferProgress?) async throws(ImageStoreError) {}
    public func putManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, role: ManifestRole) async throws(ImageStoreError) {}
    public func putReferrers(_ referrers: [ReferrerUpload]) async throws(ImageStoreError) {}
}
