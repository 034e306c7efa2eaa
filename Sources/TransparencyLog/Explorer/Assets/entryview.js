// The entry page: what the entry is, who signed it, when, and the browser's own proof of it.
import { el, replace, facts, formatTime } from './dom.js';
import { api } from './api.js';
import { decodeBody } from './entrybody.js';
import { makeBundle, v2TlogEntry } from './bundle.js';
import { proveEntry } from './proof.js';
import { LOG_TITLES } from './trust.js';
import { base64ToBytes, bytesToHex, sha256, utf8 } from './encoding.js';

function certificateView(certificate, keyDetails) {
  const validity = `${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`;
  const fulcio = certificate.extensions.filter((e) => e.fulcio);
  const other = certificate.extensions.filter((e) => !e.fulcio);
  return el('section', { class: 'card', 'aria-label': 'Signing certificate' },
    el('h3', {}, 'Signing certificate'),
    facts([
      ['Subject alternative name', el('ul', { class: 'plain', 'data-testid': 'san' }, certificate.sans.map((s) => el('li', {}, `${s.type}: `, el('span', { class: 'identity' }, s.value))))],
      ['Issuer', certificate.issuer],
      ['Subject', certificate.subject || '(empty)'],
      ['Validity', validity],
      ['Serial', el('span', { class: 'mono' }, certificate.serial)],
      ['Public key', certificate.publicKey],
      keyDetails && ['Key details (logged)', keyDetails],
    ]),
    el('h4', {}, 'Fulcio extensions'),
    fulcio.length ? el('table', { class: 'extensions', 'data-testid': 'fulcio-extensions' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Extension'), el('th', { scope: 'col' }, 'OID'), el('th', { scope: 'col' }, 'Value'))),
      el('tbody', {}, fulcio.map((e) => el('tr', {}, el('th', { scope: 'row' }, e.name), el('td', { class: 'mono' }, e.oid), el('td', {}, e.value))))) : el('p', {}, 'None.'),
    el('details', {}, el('summary', {}, `Other extensions (${other.length})`),
      el('ul', { class: 'plain' }, other.map((e) => el('li', {}, `${e.name}${e.critical ? ' (critical)' : ''}: `, el('span', { class: 'mono' }, e.value))))));
}

function verifierView(verifier) {
  return verifier.certificate ? certificateView(verifier.certificate, verifier.keyDetails)
    : el('section', { class: 'card' }, el('h3', {}, 'Public key'), facts([['Type', verifier.publicKey], ['PEM', el('pre', {}, verifier.pem)]]));
}

function proofView(result) {
  return el('div', { class: `verdict ${result.verified ? 'ok' : 'bad'}`, 'data-testid': 'verdict-box' },
    el('p', { class: 'verdict-line' }, el('strong', { 'data-testid': 'verdict' }, result.verified ? 'verified' : 'not verified'),
      el('span', { 'data-testid': 'verdict-reason' }, ` — ${result.reason}`)),
    result.warnings.map((w) => el('p', { class: 'warning', role: 'alert' }, w)),
    el('ol', { class: 'steps' }, result.steps.map((s) => el('li', { class: s.ok ? 'ok' : 'bad' }, el('span', { class: 'mark', 'aria-hidden': 'true' }, s.ok ? '✓ ' : '✗ '),
      el('span', { class: 'sr-only' }, s.ok ? 'passed: ' : 'failed: '), `${s.label}: `, s.detail))));
}

// DSSE PAE (pre-authentication encoding): "DSSEv1" SP len(type) SP type SP len(payload) SP payload.
function pae(payloadType, payload) {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} `);
  const middle = utf8.encode(` ${payload.length} `);
  const out = new Uint8Array(head.length + type.length + middle.length + payload.length);
  out.set(head);
  out.set(type, head.length);
  out.set(middle, head.length + type.length);
  out.set(payload, head.length + type.length + middle.length);
  return out;
}

// DSSE: the log keeps only hashes, so payload type and statement come from an envelope or bundle
// the auditor supplies, accepted only if it hashes to what was logged: the payloadHash of a dsse
// entry, or the digest of a hashedrekord 0.0.2 entry, which Rekor v2 logs over the envelope's PAE.
async function readEnvelope(file, body) {
  const json = JSON.parse(utf8.decode(new Uint8Array(await file.arrayBuffer())));
  const envelope = json.dsseEnvelope || json;
  if (typeof envelope.payload !== 'string' || typeof envelope.payloadType !== 'string') throw new Error('the file holds no DSSE envelope');
  const payload = base64ToBytes(envelope.payload);
  if (body.kind === 'hashedrekord') {
    const digest = bytesToHex(await sha256(pae(envelope.payloadType, payload)));
    if (!body.dataHash || digest !== body.dataHash.value) throw new Error(`its PAE hashes to ${digest}, not the logged digest`);
  } else {
    const digest = bytesToHex(await sha256(payload));
    if (!body.payloadHash || digest !== body.payloadHash.value) throw new Error(`its payload hashes to ${digest}, not the logged payload hash`);
  }
  let statement = null;
  if (envelope.payloadType === 'application/vnd.in-toto+json') statement = JSON.parse(utf8.decode(payload));
  return { envelope, statement };
}

function statementView(envelope, statement) {
  const subjects = statement && Array.isArray(statement.subject) ? statement.subject : [];
  return el('section', { class: 'card', 'data-testid': 'dsse-payload' },
    el('h3', {}, 'DSSE payload (matches the logged hash)'),
    facts([
      ['Payload type', envelope.payloadType],
      statement && ['Statement type', String(statement._type)],
      statement && ['Predicate type', el('span', { 'data-testid': 'predicate-type' }, String(statement.predicateType))],
      statement && ['Subjects', el('ul', { class: 'plain', 'data-testid': 'subjects' }, subjects.map((s) => el('li', {},
        el('span', { class: 'identity' }, String(s.name)), ' ', el('span', { class: 'mono' }, Object.entries(s.digest || {}).map(([a, v]) => `${a}:${v}`).join(' ')))))],
    ]));
}

function download(name, object) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(object, null, 2)], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A v2 entry as the explorer's reads return it, shaped like a Rekor v1 LogEntry for the views.
async function readEntry(log, uuid, index) {
  if (log === 'v1') return uuid ? api.entryByUUID(uuid) : api.entryByIndex(index);
  const summary = await api.entry(log, { uuid, index });
  return { entryID: summary.uuid, logIndex: summary.logIndex, integratedTime: summary.integratedTime, body: summary.body };
}

function envelopeSection(body, payloadBox, attach) {
  const v2 = body.kind === 'hashedrekord';
  return el('section', { class: 'card' }, el('h3', {}, 'DSSE envelope'),
    el('p', {}, v2 ? 'If this entry logs a DSSE envelope (an attestation: Rekor v2 logs the digest of the envelope\'s PAE), attach the envelope or bundle (it stays in this browser) to see the payload type, subjects and predicate type.'
      : 'The log keeps only the payload and envelope hashes. Attach the envelope or bundle (it stays in this browser) to see the payload type, subjects and predicate type.'),
    el('label', { for: 'envelope-file' }, 'Envelope or bundle file '),
    el('input', { type: 'file', id: 'envelope-file', accept: '.json,application/json', 'data-testid': 'envelope-file', onchange: async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      try {
        const read = await readEnvelope(file, body);
        attach(read.envelope);
        replace(payloadBox, statementView(read.envelope, read.statement));
      } catch (error) {
        attach(null);
        replace(payloadBox, el('p', { class: 'error', role: 'alert' }, `Not this entry's envelope: ${error.message}`));
      }
    } }), payloadBox);
}

const UNTOLD_DIGEST = ' (the artifact\'s digest, or for an attestation the digest of its DSSE envelope\'s PAE: attach the envelope below to tell)';

export async function showEntry(main, { uuid, index, log = 'v1' }) {
  replace(main, el('p', { role: 'status' }, 'Loading the entry…'));
  let entry;
  try {
    entry = await readEntry(log, uuid, index);
  } catch (error) {
    const unknown = error.status === 404;
    replace(main, el('h2', {}, unknown ? 'No such entry' : 'The entry could not be read'),
      el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, unknown ? `The ${LOG_TITLES[log]} has no entry ${uuid ? `with UUID ${uuid}` : `at index ${index}`}. ${error.message}` : error.message));
    return;
  }
  const v2 = log === 'v2';
  const entryUUID = entry.entryID.slice(-64);
  let body;
  try { body = decodeBody(entry.body); } catch (error) { body = { error: error.message }; }
  const time = formatTime(entry.integratedTime);
  const proofBox = el('div', { 'aria-live': 'polite', 'data-testid': 'proof' }, el('p', { role: 'status' }, 'Verifying in this browser…'));
  const payloadBox = el('div');
  let envelope = null;
  const digestNote = el('span', { class: 'note', 'data-testid': 'signed-digest-note' }, UNTOLD_DIGEST);
  const bundleButton = el('button', { type: 'button', 'data-testid': 'download-bundle' }, 'Download bundle');
  const bundleNote = el('span', { class: 'note' });
  const refreshBundle = () => {
    const bundle = body.error || v2 ? null : makeBundle(entry, body, envelope);
    bundleButton.disabled = !bundle;
    bundleNote.textContent = bundle ? '' : ' (a DSSE bundle needs the envelope: attach it below)';
  };
  bundleButton.addEventListener('click', () => download(`${entryUUID}.sigstore.json`, makeBundle(entry, body, envelope)));
  // A Rekor v2 bundle must carry the signer's RFC 3161 timestamp (v2 signs no time), which the
  // log never receives: the log's data alone makes only the bundle's tlog entry.
  const rawLink = v2 ? `/api/v1/explorer/entry?log=v2&index=${entry.logIndex}` : `/api/v1/log/entries/${entryUUID}`;
  const tlogButton = el('button', { type: 'button', 'data-testid': 'download-tlog-entry', disabled: true }, 'Download log entry');
  const bundleLinks = v2 ? [tlogButton, el('span', { class: 'note', 'data-testid': 'no-bundle' }, ' (once verified: the bundle\'s tlogEntries[0] with a fresh proof; a whole Rekor v2 bundle also carries the signer\'s RFC 3161 timestamp, which the log never holds)')]
    : [bundleButton, bundleNote];
  replace(main,
    el('h2', { tabindex: '-1', id: 'entry-heading' }, v2 ? `Rekor v2 entry ${entry.logIndex}` : `Entry ${entry.logIndex}`),
    el('section', { class: 'card', 'aria-label': 'Entry' }, facts([
      ['Log', el('span', { 'data-testid': 'log' }, LOG_TITLES[log])],
      ['Kind', body.error ? '(undecodable)' : `${body.kind} ${body.apiVersion}`],
      ['Log index', String(entry.logIndex)],
      ['UUID', el('span', { class: 'mono', 'data-testid': 'uuid' }, entryUUID)],
      !v2 && ['Entry ID', el('span', { class: 'mono' }, entry.entryID)],
      v2 ? ['Sequenced', el('span', { 'data-testid': 'time' }, `${time.local} — ${time.utc} (UTC), as the log records it: a Rekor v2 log signs no time; the signing time is the RFC 3161 timestamp in the signer's bundle`)]
        : ['Integrated time', el('span', { 'data-testid': 'time' }, `${time.local} — ${time.utc} (UTC)`)],
      // Rekor v2 logs an attestation as a hashedrekord over its envelope's PAE, so a v2 digest
      // is not always an artifact's: only an attached envelope tells.
      body.dataHash && [v2 ? 'Signed digest' : 'Artifact digest',
        el('span', {}, el('span', { class: 'mono' }, `${body.dataHash.algorithm}:${body.dataHash.value}`), v2 && digestNote)],
      body.payloadHash && ['Payload hash', el('span', { class: 'mono' }, `${body.payloadHash.algorithm}:${body.payloadHash.value}`)],
      body.envelopeHash && ['Envelope hash', el('span', { class: 'mono' }, `${body.envelopeHash.algorithm}:${body.envelopeHash.value}`)],
      body.signature && ['Signature', el('span', { class: 'mono wrap' }, body.signature)],
      body.signatures && ['Signatures', el('ul', { class: 'plain' }, body.signatures.map((s) => el('li', { class: 'mono wrap' }, s.signature)))],
      ['Raw', el('span', {}, el('a', { href: rawLink, 'data-testid': 'raw-json' }, 'JSON as the log returns it'), ' · ', bundleLinks)],
    ])),
    body.error ? el('p', { class: 'error', role: 'alert' }, `The entry body could not be decoded: ${body.error}`) : body.verifiers.map(verifierView),
    body.kind === 'dsse' || (v2 && body.kind === 'hashedrekord')
      ? envelopeSection(body, payloadBox, (attached) => {
        envelope = attached;
        refreshBundle();
        digestNote.textContent = attached ? ' (the digest of the attached DSSE envelope\'s PAE: this entry logs an attestation)' : UNTOLD_DIGEST;
      }) : null,
    el('section', { class: 'card', 'aria-label': 'Proof' }, el('h3', {}, 'Proof, checked in this browser'), proofBox));
  refreshBundle();
  document.getElementById('entry-heading').focus();
  const result = await proveEntry(entry, entryUUID, log);
  replace(proofBox, proofView(result));
  if (v2 && result.verified && !body.error) {
    tlogButton.disabled = false;
    tlogButton.addEventListener('click', () => download(`${entryUUID}.tlog-entry.json`, v2TlogEntry(entry, body, result.evidence)));
  }
}
