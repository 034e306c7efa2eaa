import GRDB
import GRDBSQLite

/// Runs one prepared statement many times with values bound straight from memory: the batch's
/// inserts, and its lookups of leaf hashes already stored. Blobs are bound
/// without a copy (`SQLITE_STATIC`), so each must stay alive until `step` returns; callers bind inside
/// `withUnsafeBytes` and step there. Use only inside the write transaction that owns the statement.
struct BoundStatement {
    let statement: SQLiteStatement

    init(_ statement: SQLiteStatement) { self.statement = statement }

    mutating func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }

    mutating func bind(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        // A zero-length blob must still be a blob, not NULL, so never pass a nil pointer.
        let empty: UInt8 = 0
        if let base = bytes.baseAddress {
            sqlite3_bind_blob(statement, index, base, Int32(bytes.count), nil)
        } else {
            withUnsafePointer(to: empty) { sqlite3_bind_blob(statement, index, $0, 0, Self.transient) }
        }
    }

    mutating func bind(_ index: Int32, text: String) {
        sqlite3_bind_text(statement, index, text, -1, Self.transient)
    }

    mutating func bindNull(_ index: Int32) { sqlite3_bind_null(statement, index) }

    /// Executes the insert and resets the statement for the next row.
    mutating func step(_ db: Database) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        // The statement is GRDB's cached one: leave it holding no pointer into our buffers.
        sqlite3_clear_bindings(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Runs a query and says whether it found a row, then resets the statement for the next one.
    mutating func findsRow(_ db: Database) throws -> Bool {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        guard code == SQLITE_ROW || code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return code == SQLITE_ROW
    }

    /// SQLite copies the value before the call returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
