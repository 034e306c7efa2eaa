// The logs at a glance: each Rekor log's verified tree head and the monitor's verdict (v1, and v2
// when the server runs one), entries per hour, the newest entries (refreshed while the page is
// open), each Rekor log's checkpoint history, and the CT log beside them.
import { el, replace, facts, formatTime } from './dom.js';
import { api } from './api.js';
import { activityChart } from './chart.js';
import { identitiesOf } from './entrybody.js';
import { decodeCertificate } from './certificate.js';
import { parseCheckpoint } from './checkpoint.js';
import { logKey, currentCheckpoint, checkConsistency, seenCheckpoints, LOG_TITLES } from './trust.js';
import { entryHash } from './search.js';
import { base64ToBytes, bytesToHex } from './encoding.js';

let timer = null;

export function stopOverview() { if (timer) clearInterval(timer); timer = null; }

// Test IDs: tree-size and monitor for v1, v2-tree-size and v2-monitor for v2.
async function logSection(log = 'v1') {
  const id = (name) => (log === 'v2' ? `v2-${name}` : name);
  try {
    const { key, warnings } = await logKey(log);
    const checkpoint = await currentCheckpoint(key, log);
    let monitor;
    try { monitor = el('span', { class: 'ok', 'data-testid': id('monitor') }, `✓ ${await checkConsistency(checkpoint, log)}`); }
    catch (error) { monitor = el('span', { class: 'bad', 'data-testid': id('monitor') }, `✗ not consistent: ${error.message}`); }
    return [warnings.map((w) => el('p', { class: 'warning', role: 'alert' }, w)), facts([
      ['Origin', checkpoint.origin],
      ['Tree size', el('strong', { 'data-testid': id('tree-size') }, String(checkpoint.treeSize))],
      ['Root hash', el('span', { class: 'mono' }, bytesToHex(checkpoint.rootHash))],
      ['Checkpoint', `signature verified with the pinned ${key.label} key ${key.keyID.slice(0, 16)}…`],
      ['Monitor', monitor],
    ])];
  } catch (error) {
    return el('p', { class: 'bad', role: 'alert', 'data-testid': id('monitor') }, `✗ The log's checkpoint could not be verified: ${error.message}`);
  }
}

function recentList(recent, log) {
  return [el('h4', {}, LOG_TITLES[log]), recent.entries.length === 0 ? el('p', {}, 'No entries yet.')
    : el('ol', { class: 'recent', reversed: true, 'data-log': log }, recent.entries.map((e) => el('li', {},
      el('a', { href: entryHash(e) }, `${log === 'v2' ? 'v2 ' : ''}#${e.logIndex}`), ' ', formatTime(e.integratedTime).utc, ' ', e.kind, ' ',
      el('span', { class: 'identity' }, identitiesOf(e.body)))))];
}

async function historySection(log) {
  const served = await api.checkpoints(10, log).catch(() => []);
  const rows = served.map((c) => {
    try { const p = parseCheckpoint(c.note); return [String(p.treeSize), bytesToHex(p.rootHash)]; } catch { return [String(c.treeSize), '(unparseable)']; }
  });
  const seen = seenCheckpoints(log).slice(-10).reverse();
  return [
    el('h4', {}, 'Published by the log'),
    el('table', { class: 'history', 'data-testid': `${log}-history` }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Tree size'), el('th', { scope: 'col' }, 'Root hash'))),
      el('tbody', {}, rows.map(([size, root]) => el('tr', {}, el('td', {}, size), el('td', { class: 'mono' }, root))))),
    el('h4', {}, 'Verified by this browser'),
    seen.length ? el('ul', { class: 'plain' }, seen.map((c) => el('li', {}, `${new Date(c.seen).toISOString()}: size ${c.treeSize}, root ${c.rootHash.slice(0, 16)}…`)))
      : el('p', {}, 'None yet.'),
  ];
}

// RFC 6962 MerkleTreeLeaf: version, leaf type, timestamp, entry type, then the certificate or the
// precertificate's issuer key hash and TBSCertificate.
function ctLeaf(leafInput) {
  const b = base64ToBytes(leafInput);
  const timestamp = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(2));
  const type = (b[10] << 8) | b[11];
  const start = type === 1 ? 12 + 32 : 12;
  const length = (b[start] << 16) | (b[start + 1] << 8) | b[start + 2];
  const der = b.subarray(start + 3, start + 3 + length);
  const certificate = decodeCertificate(der, { tbsOnly: type === 1 });
  return { timestamp, type: type === 1 ? 'precertificate' : 'certificate', sans: certificate.sans.map((s) => s.value).join(', ') };
}

async function ctSection() {
  let sth;
  try { sth = await api.ctSTH(); } catch (error) { return el('p', {}, `No CT log answers here (${error.message}).`); }
  const size = Number(sth.tree_size);
  let recent = [];
  if (size > 0) {
    try {
      const answer = await api.ctEntries(Math.max(0, size - 5), size - 1);
      recent = answer.entries.map((e) => { try { return ctLeaf(e.leaf_input); } catch (error) { return { error: error.message }; } }).reverse();
    } catch { /* shown as no entries */ }
  }
  return [facts([
    ['Tree size', el('span', { 'data-testid': 'ct-size' }, String(size))],
    ['Root hash', el('span', { class: 'mono' }, sth.sha256_root_hash)],
    ['Signed tree head time', formatTime(Number(sth.timestamp) / 1000).utc],
  ]), el('p', { class: 'note' }, 'The CT log\'s signed tree head is shown as served; the page verifies the Rekor log\'s checkpoints.'),
  el('ul', { class: 'plain' }, recent.map((r) => el('li', {}, r.error ? `(undecodable: ${r.error})` : `${formatTime(r.timestamp / 1000).utc} ${r.type} for `, r.error ? null : el('span', { class: 'identity' }, r.sans))))];
}

// Entries per hour of the v1 log, plus the v2 log's when there is one (same hour buckets).
async function activity(v2) {
  const [first, second] = await Promise.all([api.activity(72), v2 ? api.activity(72, 'v2') : null]);
  if (!second || second.start !== first.start || second.counts.length !== first.counts.length) return first;
  return { ...first, counts: first.counts.map((c, i) => c + second.counts[i]) };
}

export async function showOverview(main) {
  stopOverview();
  const heading = el('h2', { tabindex: '-1' }, 'Log overview');
  const { v2 } = await api.logs().catch(() => ({ v2: null }));
  const logBox = el('section', { class: 'card', 'aria-label': 'Transparency log' }, el('h3', {}, 'Transparency log'), el('p', {}, 'Verifying the checkpoint…'));
  const v2Box = v2 ? el('section', { class: 'card', 'aria-label': LOG_TITLES.v2 }, el('h3', {}, LOG_TITLES.v2), el('p', {}, 'Verifying the checkpoint…')) : null;
  const chartBox = el('section', { class: 'card', 'aria-label': 'Entries per hour' }, el('h3', {}, `Entries per hour, last 3 days${v2 ? ', both Rekor logs' : ''}`));
  const recentBox = el('div', { 'aria-live': 'polite', 'data-testid': 'recent' });
  const historyBoxes = (v2 ? ['v2', 'v1'] : ['v1']).map((log) => [log, el('section', { class: 'card' }, el('h3', {}, `Checkpoint history (${LOG_TITLES[log]})`))]);
  const ctBox = el('section', { class: 'card', 'aria-label': 'Certificate transparency log' }, el('h3', {}, 'Certificate transparency log'));
  replace(main, heading, el('div', { class: 'grid' }, v2Box, logBox, ctBox), chartBox,
    el('section', { class: 'card' }, el('h3', {}, 'Most recent entries (live)'), recentBox), el('div', { class: 'grid' }, historyBoxes.map(([, box]) => box)));
  const refreshRecent = async () => {
    try {
      const [newest, newestV2] = await Promise.all([api.recent(10), v2 ? api.recent(10, 'v2') : null]);
      replace(recentBox, newestV2 ? recentList(newestV2, 'v2') : null, recentList(newest, 'v1'));
    } catch (error) { replace(recentBox, el('p', { class: 'error' }, error.message)); }
  };
  // The log sections first: their monitor steps record the checkpoints the history then lists.
  replace(logBox, el('h3', {}, `Transparency log (${LOG_TITLES.v1})`), await logSection());
  if (v2Box) replace(v2Box, el('h3', {}, LOG_TITLES.v2), await logSection('v2'));
  await Promise.all([
    activity(v2).then((a) => chartBox.append(activityChart(a))).catch((error) => chartBox.append(el('p', { class: 'error' }, error.message))),
    refreshRecent(),
    ...historyBoxes.map(([log, box]) => historySection(log).then((content) => box.append(...content))),
    ctSection().then((content) => append(ctBox, content)),
  ]);
  timer = setInterval(refreshRecent, 5000);
}

function append(node, content) { node.append(...[content].flat().filter(Boolean)); }
