// Rekor v2 has no proof API: the page builds RFC 6962 proofs itself from the log's tiles
// (c2sp.org/tlog-tiles: tile/<L>/<N>[.p/<W>], 256 hashes of 32 bytes per tile, each tile level 8
// tree levels apart). The tiles are the log's unverified answer; a proof built from them is
// checked like any other, against the signed checkpoint, so a lying tile only makes it fail.
import { api } from './api.js';
import { nodeHash } from './merkle.js';

const HEIGHT = 8;
const WIDTH = 256;

// <N> as tlog-tiles spells it: 3-digit groups, all but the last prefixed with "x".
export function tileIndexPath(n) {
  let path = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) path = `x${String(rest % 1000).padStart(3, '0')}/${path}`;
  return path;
}

const isPowerOfTwo = (n) => { let k = 1; while (k < n) k *= 2; return k === n; };
const largestPowerOfTwoBelow = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };

// Hashes of the tree of size `treeSize` read from the tiles under `base`; each tile is fetched once.
function tileTree(base, treeSize) {
  const tiles = new Map();
  const tile = (level, index) => {
    const stored = Math.floor(treeSize / 2 ** (HEIGHT * level));
    const width = Math.min(WIDTH, stored - index * WIDTH);
    if (width <= 0) throw new Error(`tile ${level}/${index} is outside a tree of size ${treeSize}`);
    const full = `tile/${level}/${tileIndexPath(index)}`;
    const path = width === WIDTH ? full : `${full}.p/${width}`;
    if (!tiles.has(path)) {
      // A partial tile may be gone once the tile filled up; the full tile holds the same hashes first.
      const read = api.v2Tile(base, path).catch((error) => (width < WIDTH && error.status === 404 ? api.v2Tile(base, full) : Promise.reject(error)));
      tiles.set(path, read.then((bytes) => {
        if (bytes.length < width * 32 || bytes.length % 32 !== 0) throw new Error(`the log's tile ${path} is ${bytes.length} bytes, not ${width * 32}`);
        return bytes;
      }));
    }
    return tiles.get(path);
  };
  // The hash of the perfect subtree of 2^level leaves starting at leaf index·2^level.
  const node = async (level, index) => {
    const tileLevel = Math.floor(level / HEIGHT);
    const below = level - tileLevel * HEIGHT;
    const first = index * 2 ** below;
    const bytes = await tile(tileLevel, Math.floor(first / WIDTH));
    let row = [];
    for (let k = 0; k < 2 ** below; k++) row.push(bytes.subarray(((first % WIDTH) + k) * 32, ((first % WIDTH) + k + 1) * 32));
    while (row.length > 1) {
      const next = [];
      for (let i = 0; i < row.length; i += 2) next.push(await nodeHash(row[i], row[i + 1]));
      row = next;
    }
    return row[0];
  };
  // MTH(D[lo:hi]) (RFC 6962 §2.1), `lo` a multiple of the range's largest power of two.
  const range = async (lo, hi) => {
    const n = hi - lo;
    if (isPowerOfTwo(n) && lo % n === 0) return node(Math.round(Math.log2(n)), lo / n);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(await range(lo, lo + k), await range(lo + k, hi));
  };
  return { range };
}

// PATH(m, D[n]) (RFC 6962 §2.1.1), nearest the leaf first.
export async function inclusionProofFromTiles(base, index, treeSize) {
  if (!(index >= 0 && index < treeSize)) throw new Error(`leaf index ${index} is not inside a tree of size ${treeSize}`);
  const tree = tileTree(base, treeSize);
  const path = async (m, lo, hi) => {
    if (hi - lo === 1) return [];
    const k = largestPowerOfTwoBelow(hi - lo);
    return m < lo + k ? [...await path(m, lo, lo + k), await tree.range(lo + k, hi)] : [...await path(m, lo + k, hi), await tree.range(lo, lo + k)];
  };
  return path(index, 0, treeSize);
}

// PROOF(m, D[n]) (RFC 6962 §2.1.2) between tree sizes `first` < `second`.
export async function consistencyProofFromTiles(base, first, second) {
  if (!(first > 0 && first < second)) return [];
  const tree = tileTree(base, second);
  const subproof = async (m, lo, hi, complete) => {
    if (m === hi - lo) return complete ? [] : [await tree.range(lo, hi)];
    const k = largestPowerOfTwoBelow(hi - lo);
    return m <= k ? [...await subproof(m, lo, lo + k, complete), await tree.range(lo + k, hi)]
      : [...await subproof(m - k, lo + k, hi, false), await tree.range(lo, lo + k)];
  };
  return subproof(first, 0, second, true);
}
