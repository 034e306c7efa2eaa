// The log's HTTP API, as the page uses it. Answers are checked for shape here; an answer that is
// not what the API promises is a failure with a reason, never something to display or trust.

export class LogAPIError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

async function request(path, options = {}, as = 'json') {
  let response;
  try {
    response = await fetch(path, { ...options, cache: 'no-store' });
  } catch (error) {
    throw new LogAPIError(`the log could not be reached (${error.message})`, 0);
  }
  if (as === 'bytes' && response.ok) return new Uint8Array(await response.arrayBuffer());
  const text = await response.text();
  if (!response.ok) {
    let message = `the log answered ${response.status}`;
    try { const body = JSON.parse(text); if (typeof body.message === 'string') message = body.message; } catch { /* not JSON */ }
    throw new LogAPIError(message, response.status);
  }
  if (as === 'text') return text;
  try { return JSON.parse(text); } catch { throw new LogAPIError(`the log's answer to ${path.split('?')[0]} is not JSON`, response.status); }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function expect(condition, what) { if (!condition) throw new LogAPIError(`the log's answer is malformed: ${what}`, 200); }

// Rekor's LogEntry: { entryID: { body, integratedTime, logID, logIndex, verification } }.
function oneEntry(answer) {
  expect(isObject(answer) && Object.keys(answer).length === 1, 'expected one entry');
  const [entryID, entry] = Object.entries(answer)[0];
  expect(isObject(entry) && typeof entry.body === 'string' && Number.isSafeInteger(entry.logIndex)
    && Number.isSafeInteger(entry.integratedTime) && typeof entry.logID === 'string', 'entry fields');
  return { entryID, ...entry };
}

function checkSummary(e) {
  expect(isObject(e) && (e.log === 'v1' || e.log === 'v2') && Number.isSafeInteger(e.logIndex) && typeof e.uuid === 'string' && /^[0-9a-f]{64}$/.test(e.uuid)
    && Number.isSafeInteger(e.integratedTime) && typeof e.body === 'string' && typeof e.kind === 'string', 'entry summary');
  return e;
}

function checkSummaries(list) {
  expect(Array.isArray(list), 'entries is not a list');
  list.forEach(checkSummary);
  return list;
}

let logs = null;

export const api = {
  entryByUUID: async (uuid) => oneEntry(await request(`/api/v1/log/entries/${encodeURIComponent(uuid)}`)),
  entryByIndex: async (index) => oneEntry(await request(`/api/v1/log/entries?logIndex=${index}`)),
  logInfo: async () => {
    const info = await request('/api/v1/log');
    expect(isObject(info) && typeof info.signedTreeHead === 'string' && Number.isSafeInteger(info.treeSize), 'log info');
    return info;
  },
  publicKey: () => request('/api/v1/log/publicKey', {}, 'text'),
  inclusionProof: async (index, treeSize) => {
    const proof = await request(`/api/v1/log/inclusionProof?logIndex=${index}&treeSize=${treeSize}`);
    expect(isObject(proof) && Array.isArray(proof.hashes) && proof.hashes.every((h) => typeof h === 'string'), 'inclusion proof');
    return proof;
  },
  consistencyProof: async (first, last) => {
    const proof = await request(`/api/v1/log/proof?firstSize=${first}&lastSize=${last}`);
    expect(isObject(proof) && Array.isArray(proof.hashes) && proof.hashes.every((h) => typeof h === 'string'), 'consistency proof');
    return proof;
  },
  search: async (query) => {
    const page = await request('/api/v1/explorer/search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(query) });
    expect(isObject(page), 'search page');
    const next = Number.isSafeInteger(page.next) && (page.nextLog === 'v1' || page.nextLog === 'v2') ? { index: page.next, log: page.nextLog } : null;
    return { entries: checkSummaries(page.entries), next };
  },
  // The logs beside v1, asked once per page load: { v2: { basePath, origin, publicKey, keyID } | null }.
  logs: () => {
    logs = logs || request('/api/v1/explorer/logs').then((answer) => {
      expect(isObject(answer), 'logs');
      const v2 = answer.v2;
      expect(v2 === undefined || v2 === null || (isObject(v2) && typeof v2.basePath === 'string' && /^\/[A-Za-z0-9._/-]*$/.test(v2.basePath)
        && typeof v2.origin === 'string' && typeof v2.publicKey === 'string'), 'v2 log');
      return { v2: v2 || null };
    }).catch((error) => { logs = null; throw error; });
    return logs;
  },
  // One entry from the explorer's reads: { log, logIndex, uuid, integratedTime, kind, body }.
  entry: async (log, { index, uuid }) => checkSummary(await request(`/api/v1/explorer/entry?log=${log}&${uuid ? `uuid=${encodeURIComponent(uuid)}` : `index=${index}`}`)),
  v2Checkpoint: (base) => request(`${base}/checkpoint`, {}, 'text'),
  v2Tile: (base, path) => request(`${base}/${path}`, {}, 'bytes'),
  recent: async (limit, log = 'v1') => {
    const answer = await request(`/api/v1/explorer/recent?limit=${limit}&log=${log}`);
    expect(isObject(answer) && Number.isSafeInteger(answer.treeSize), 'recent entries');
    return { treeSize: answer.treeSize, entries: checkSummaries(answer.entries) };
  },
  activity: async (hours, log = 'v1') => {
    const a = await request(`/api/v1/explorer/activity?hours=${hours}&log=${log}`);
    expect(isObject(a) && Number.isSafeInteger(a.start) && Number.isSafeInteger(a.bucketSeconds) && Array.isArray(a.counts)
      && a.counts.every(Number.isSafeInteger), 'activity');
    return a;
  },
  checkpoints: async (limit, log = 'v1') => {
    const h = await request(`/api/v1/explorer/checkpoints?limit=${limit}&log=${log}`);
    expect(isObject(h) && Array.isArray(h.checkpoints), 'checkpoint history');
    return h.checkpoints;
  },
  ctSTH: () => request('/ct/v1/get-sth'),
  ctEntries: (start, end) => request(`/ct/v1/get-entries?start=${start}&end=${end}`),
};
