// The store behind each log service, for the server that wires replicas of a shared database to them.
extension LogService {
    public var storage: any LogStore { store }
}

extension CTLogService {
    public var storage: any LogStore { store }
}

extension RekorV2Log {
    public var storage: any LogStore { store }
}
