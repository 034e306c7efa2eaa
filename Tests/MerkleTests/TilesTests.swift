import Foundation
import Merkle
import Testing

@Suite("tlog-tiles")
struct TilesTests {
    @Test func indexEncodingVectors() throws {
        let cases = try Vectors.tiles().tlogTilesIndexEncoding.cases
        #expect(cases.count == 8)
        for vector in cases {
            #expect(Tiles.encodeIndex(vector.n) == vector.encoded)
            #expect(Tiles.parseIndex(vector.encoded[...]) == vector.n)
        }
        #expect(Tiles.encodeIndex(Int64.max) == "x009/x223/x372/x036/x854/x775/807")
        #expect(Tiles.parseIndex("x009/x223/x372/x036/x854/x775/807") == Int64.max)
        for n in [0, 1, 999, 1000, 999_999, 1_000_000, 1_000_001, 987_654_321_012] as [Int64] {
            #expect(Tiles.parseIndex(Tiles.encodeIndex(n)[...]) == n)
        }
    }

    @Test(arguments: [
        "", "0", "00", "0000", "1", "12", "1234", "x000", "x001", "000/000", "x000/000", "x000/001", "x000/x001/000",
        "001/000", "x001/00", "x001/0000", "x001/x000", "X001/000", "xx01/000", "x01/000", "-01", "+01", " 01", "01a",
        "x001//000", "/000", "000/", "x001/000/", "x009/x223/x372/x036/x854/x775/808",   // Int64.max + 1
        "x999/x999/x999/x999/x999/x999/x999/999", "٠٠١",
    ])
    func parseIndexRejects(text: String) {
        #expect(Tiles.parseIndex(text[...]) == nil)
    }

    @Test func inventoryVectors() throws {
        let cases = try Vectors.tiles().tlogTilesInventory.cases
        #expect(cases.map(\.treeSize).contains(70_000) && cases.map(\.treeSize).contains(256))
        for vector in cases {
            let inventory = Tiles.inventory(treeSize: vector.treeSize)
            #expect(inventory.map(\.level) == vector.tiles.map(\.level), "tree size \(vector.treeSize)")
            #expect(inventory.map(\.fullTileCount) == vector.tiles.map(\.fullTiles), "tree size \(vector.treeSize)")
            #expect(inventory.map(\.partialWidth) == vector.tiles.map(\.partialWidth), "tree size \(vector.treeSize)")
        }
        #expect(Tiles.inventory(treeSize: 0).isEmpty)
        #expect(Tiles.coordinates(treeSize: 0).isEmpty)
        #expect(Array(Tiles.entryBundles(treeSize: 0)).isEmpty)
    }

    /// The spec's 70,000-leaf example, as coordinates and paths.
    @Test func coordinatesOf70000() {
        let tiles = Tiles.coordinates(treeSize: 70_000)
        #expect(tiles.count == 273 + 1 + 1 + 1 + 1)
        #expect(tiles.filter { $0.level == 0 && !$0.isPartial }.count == 273)
        #expect(tiles.filter(\.isPartial).map(\.path) == ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"])
        #expect(tiles.allSatisfy { $0.isServable(treeSize: 70_000) })
        #expect(Set(tiles).count == tiles.count)
        let bundles = Array(Tiles.entryBundles(treeSize: 70_000))
        #expect(bundles.count == 274)
        #expect(bundles.last?.path == "tile/entries/273.p/112")
        #expect(bundles.last?.leafIndexes == 69_888..<70_000)
        #expect(bundles.allSatisfy { $0.isServable(treeSize: 70_000) })
        // Any signed size, even one no log could reach, is walked bundle by bundle.
        #expect(Tiles.entryBundles(treeSize: .max).prefix(2).map(\.path) == ["tile/entries/000", "tile/entries/001"])
    }

    @Test func servability() throws {
        func tile(_ level: Int, _ index: Int64, _ width: Int = 256) -> Tiles.Coordinate {
            Tiles.Coordinate(level: level, index: index, width: width)!
        }
        // Full tiles once complete, forever.
        #expect(!tile(0, 0).isServable(treeSize: 255))
        #expect(tile(0, 0).isServable(treeSize: 256))
        #expect(tile(0, 0).isServable(treeSize: 1 << 40))
        #expect(!tile(1, 0).isServable(treeSize: 65_535))
        #expect(tile(1, 0).isServable(treeSize: 65_536))
        // Partial tiles: the level's current partial position, any width up to the current one (earlier
        // checkpoints); gone once the full tile exists; never wider than the tree.
        #expect(tile(0, 0, 5).isServable(treeSize: 5))
        #expect(tile(0, 0, 3).isServable(treeSize: 5))
        #expect(!tile(0, 0, 6).isServable(treeSize: 5))
        #expect(!tile(0, 0, 5).isServable(treeSize: 256))
        #expect(!tile(0, 1, 1).isServable(treeSize: 256))
        #expect(tile(0, 1, 1).isServable(treeSize: 257))
        #expect(tile(1, 0, 1).isServable(treeSize: 256))
        #expect(!tile(1, 0, 2).isServable(treeSize: 511))
        #expect(tile(1, 0, 2).isServable(treeSize: 512))
        #expect(!tile(2, 0, 1).isServable(treeSize: 65_535))
        #expect(tile(2, 0, 1).isServable(treeSize: 65_536))
        #expect(!tile(0, 0, 1).isServable(treeSize: 0) && !tile(0, 0, 1).isServable(treeSize: -1))
        #expect(!tile(63, 0, 1).isServable(treeSize: .max) && !tile(8, 0).isServable(treeSize: .max))
        #expect(tile(7, 0, 127).isServable(treeSize: .max))
        #expect(tile(0, Tiles.maxIndex).isServable(treeSize: .max))     // no overflow at the extremes
        #expect(Tiles.EntryBundle(index: 0, width: 3)!.isServable(treeSize: 5))
        #expect(!Tiles.EntryBundle(index: 0, width: 6)!.isServable(treeSize: 5))
        #expect(Tiles.EntryBundle(index: 0)!.isServable(treeSize: 300))
    }

    /// Among all small coordinates, the servable ones are those `coordinates(treeSize:)` lists, plus narrower
    /// partial tiles at a listed partial position (the partial tiles of earlier tree sizes).
    @Test func servableTilesAreListedOrEarlierPartials() throws {
        for treeSize in [1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 70_000] as [Int64] {
            let listed = Set(Tiles.coordinates(treeSize: treeSize))
            for level in 0...2 {
                for index in 0...2 as ClosedRange<Int64> {
                    for width in 1...256 {
                        let tile = try #require(Tiles.Coordinate(level: level, index: index, width: width))
                        let current = listed.contains(tile)
                        let servable = tile.isServable(treeSize: treeSize)
                        // Listed tiles are servable; servable ones that are not listed are narrower partials.
                        #expect(!current || servable)
                        if servable && !current {
                            #expect(tile.isPartial && listed.contains { $0.level == level && $0.index == index && $0.width > width })
                        }
                    }
                }
            }
        }
    }

    /// generated_tiles_300: tiles built from stored hashes and bundles built from the entries.
    @Test func generatedTiles300() throws {
        let generated = try Vectors.tiles().generatedTiles300
        let store = MemoryHashStore(generatedLeafCount: Int(generated.treeSize))
        #expect(try treeHash(treeSize: generated.treeSize, reader: store) == (try hash(generated.rootHex)))
        let paths = Tiles.coordinates(treeSize: 300).map(\.path) + Tiles.entryBundles(treeSize: 300).map(\.path)
        #expect(Set(paths) == Set(generated.tiles.map(\.path)))

        var checked = 0
        for vector in generated.tiles {
            let body: [UInt8]
            switch try #require(Tiles.Resource(path: vector.path), "\(vector.path)") {
            case .hashTile(let tile):
                #expect(tile.isServable(treeSize: 300))
                store.restrict(toTreeSize: 300)
                let hashes = try store.readHashes(at: tile.storedHashIndexes)
                body = Tiles.tileData(hashes)
                #expect(try Tiles.hashes(tileData: body) == hashes)
                if let first = vector.firstHash { #expect(hashes.first == (try hash(first))) }
                if let last = vector.lastHash { #expect(hashes.last == (try hash(last))) }
            case .entryBundle(let bundle):
                #expect(bundle.isServable(treeSize: 300))
                let entries = bundle.leafIndexes.map { generatedEntry(Int($0)) }
                body = try Tiles.EntryBundle.encode(entries)
                #expect(try Tiles.EntryBundle.decode(body) == entries)
            }
            #expect(body.count == vector.bytes, "\(vector.path)")
            if let digest = vector.sha256 { #expect(sha256Hex(body) == digest, "\(vector.path)") }
            if let hex = vector.hex { #expect(bytes(hex: hex) == body, "\(vector.path)") }
            checked += 1
        }
        #expect(checked == 5)
        // tile/1/000.p/1 is the root of the first 256 leaves.
        let levelOne = try #require(Tiles.Coordinate(path: "tile/1/000.p/1"))
        #expect(try store.readHashes(at: levelOne.storedHashIndexes) == [try treeHash(treeSize: 256, reader: store)])
    }

    @Test func storedHashIndexes() throws {
        let tile = try #require(Tiles.Coordinate(level: 1, index: 2, width: 3))
        #expect(tile.storedHashIndexes == (512..<515).map { StoredHashes.index(level: 8, index: $0) })
        #expect(Tiles.Coordinate(level: 0, index: 0)!.storedHashIndexes == (0..<256).map { StoredHashes.index(level: 0, index: $0) })
    }

    @Test func pathRoundTrips() throws {
        for level in [0, 1, 2, 7, 63] {
            for index in [0, 1, 999, 1000, 1_234_067, Tiles.maxIndex] as [Int64] {
                for width in [1, 2, 112, 255, 256] {
                    let tile = try #require(Tiles.Coordinate(level: level, index: index, width: width))
                    #expect(Tiles.Coordinate(path: tile.path) == tile, "\(tile.path)")
                    #expect(Tiles.Resource(path: tile.path) == .hashTile(tile))
                    #expect(Tiles.Resource(path: tile.path)?.path == tile.path)
                    #expect(Tiles.EntryBundle(path: tile.path) == nil)
                    #expect(tile.isPartial == (width < 256))
                    if level == 0 {
                        let bundle = try #require(Tiles.EntryBundle(index: index, width: width))
                        #expect(Tiles.EntryBundle(path: bundle.path) == bundle, "\(bundle.path)")
                        #expect(Tiles.Resource(path: bundle.path) == .entryBundle(bundle))
                        #expect(Tiles.Coordinate(path: bundle.path) == nil)
                    }
                }
            }
        }
        #expect(Tiles.Coordinate(level: 0, index: 1_234_067, width: 5)?.path == "tile/0/x001/x234/067.p/5")
        #expect(Tiles.Coordinate(level: 12, index: 0)?.description == "tile/12/000")
        #expect(Tiles.EntryBundle(index: 1, width: 44)?.path == "tile/entries/001.p/44")
        #expect(Tiles.Coordinate(path: "tile/0/x001/x234/067.p/5"[...]) == Tiles.Coordinate(level: 0, index: 1_234_067, width: 5))
    }

    @Test func coordinateRanges() {
        #expect(Tiles.Coordinate(level: -1, index: 0) == nil)
        #expect(Tiles.Coordinate(level: 64, index: 0) == nil)
        #expect(Tiles.Coordinate(level: 0, index: -1) == nil)
        #expect(Tiles.Coordinate(level: 0, index: Tiles.maxIndex + 1) == nil)
        #expect(Tiles.Coordinate(level: 0, index: 0, width: 0) == nil)
        #expect(Tiles.Coordinate(level: 0, index: 0, width: 257) == nil)
        #expect(Tiles.EntryBundle(index: -1) == nil)
        #expect(Tiles.EntryBundle(index: 0, width: 0) == nil)
        #expect(Tiles.EntryBundle(index: 0, width: 257) == nil)
    }

    @Test(arguments: [
        "", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tile/0/000/", "tiles/0/000", "Tile/0/000",
        "tile/00/000", "tile/01/000", "tile/+1/000", "tile/-1/000", "tile/64/000", "tile/100/000", "tile/a/000",
        "tile/data/000", "tile/8/0/000",                             // Go sumdb's height-explicit layout
        "tile/0/0000", "tile/0/00", "tile/0/x000/001", "tile/0/001/002", "tile/0/x001", "tile/0/-01",
        "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/257", "tile/0/000.p/012", "tile/0/000.p/", "tile/0/000.p",
        "tile/0/000.p/+5", "tile/0/000.p/5/", "tile/0/000.p/5.p/5", "tile/0/000.P/5", "tile/0/000.p/x5", "tile/0/000.q/5",
        "tile/0/000?x=1", "tile/0/000 ", "tile/entries", "tile/entries/", "tile/entries/0", "tile/entries/x000/000",
        "tile/entries/000.p/0", "tile/entries/000.p/256", "tile/Entries/000", "tile/entries/000.p/01",
        "tile/0/x009/x223/x372/x036/x854/x775/807",                  // Int64.max: beyond Tiles.maxIndex
    ])
    func rejectsNonCanonicalPaths(path: String) {
        #expect(Tiles.Resource(path: path) == nil)
        #expect(Tiles.Coordinate(path: path) == nil)
        #expect(Tiles.EntryBundle(path: path) == nil)
    }

    /// Go sumdb tile paths (`tile/H/L/N[.p/W]`, `data` for entries) share tlog-tiles' `N` encoding and `.p/W`
    /// suffix but carry an explicit height. Dropping `H/` gives a tlog-tiles path for the same L, N and W
    /// (when W is a partial width); the invalid ones stay invalid.
    @Test func goSumdbPaths() throws {
        let cases = try Vectors.tiles().goSumdbTilePaths.cases
        #expect(cases.count == 8)
        for vector in cases {
            let parts = vector.path.split(separator: "/", maxSplits: 2)
            #expect(parts.count == 3 && parts[0] == "tile")
            let rest = parts[2]   // L/N[.p/W]
            if vector.invalid == true {
                #expect(Tiles.Resource(path: "tile/" + rest) == nil, "\(vector.path)")
                continue
            }
            let height = try #require(vector.height), level = try #require(vector.level)
            let index = try #require(vector.index), width = try #require(vector.width)
            let levelText = level == -1 ? "data" : String(level)
            let indexText = rest.dropFirst(levelText.count + 1).prefix { $0 != "." }
            #expect(Tiles.parseIndex(indexText) == index, "\(vector.path)")
            #expect(Tiles.encodeIndex(index) == indexText)
            guard level >= 0 else { continue }
            let isPartial = width < 1 << height
            let tile = try #require(Tiles.Coordinate(level: level, index: index, width: isPartial ? width : 256))
            #expect(Tiles.Resource(path: "tile/" + rest) == .hashTile(tile), "\(vector.path)")
        }
    }

    @Test func tileDataErrors() {
        #expect(throws: TileError.invalidTileSize(byteCount: 0)) { try Tiles.hashes(tileData: [UInt8]()) }
        #expect(throws: TileError.invalidTileSize(byteCount: 31)) { try Tiles.hashes(tileData: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: TileError.invalidTileSize(byteCount: 257 * 32)) {
            try Tiles.hashes(tileData: [UInt8](repeating: 0, count: 257 * 32))
        }
    }

    @Test func entryBundleErrors() throws {
        #expect(throws: TileError.invalidEntryCount(0)) { try Tiles.EntryBundle.encode([[UInt8]]()) }
        #expect(throws: TileError.invalidEntryCount(257)) { try Tiles.EntryBundle.encode(Array(repeating: [UInt8](), count: 257)) }
        #expect(throws: TileError.entryTooLong(position: 1, length: 65_536)) {
            try Tiles.EntryBundle.encode([[1], [UInt8](repeating: 0, count: 65_536)])
        }
        let largest = [UInt8](repeating: 7, count: 65_535)
        #expect(try Tiles.EntryBundle.decode(try Tiles.EntryBundle.encode([largest, []])) == [largest, []])
        #expect(throws: TileError.invalidEntryCount(0)) { try Tiles.EntryBundle.decode([UInt8]()) }
        #expect(throws: TileError.truncatedBundle(offset: 0)) { try Tiles.EntryBundle.decode([0]) }
        #expect(throws: TileError.truncatedBundle(offset: 0)) { try Tiles.EntryBundle.decode([0, 2, 1]) }
        #expect(throws: TileError.truncatedBundle(offset: 3)) { try Tiles.EntryBundle.decode([0, 1, 9, 0]) }
        #expect(throws: TileError.invalidEntryCount(257)) {
            try Tiles.EntryBundle.decode([UInt8](repeating: 0, count: 2 * 257))
        }
    }
}
