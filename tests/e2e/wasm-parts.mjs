// What each part of the app costs the shipped wasm, for `./x size` (issue 18: the first screen
// should not pay for what it does not show). The shipped wasm has no names left, so the parts are
// measured on the release build before wasm-bindgen and wasm-opt (which keeps its `name`
// section): every function body is charged to the part its mangled name belongs to, and the
// data section is searched for the texts the crate embeds (lessons, the welcome scenario). Each
// part's gzip figure is the size of its bodies compressed on their own, then scaled by how much
// wasm-opt shrank the whole; the figures are estimates for choosing what to split off, not an
// accounting of the shipped file to the byte.
//
//   node tests/e2e/wasm-parts.mjs <release .wasm with names> <shipped _bg.wasm> [repo root]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

/** Reads an unsigned LEB128 at `i`; returns [value, next index]. */
function leb(b, i) {
  let r = 0, s = 0, x;
  do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return [r, i];
}

/** The sections of a wasm module: [{ id, name, start, end }]. */
function sections(b) {
  const out = [];
  let i = 8;
  while (i < b.length) {
    const id = b[i++];
    let size;
    [size, i] = leb(b, i);
    let name = null;
    if (id === 0) {
      const [len, j] = leb(b, i);
      name = b.subarray(j, j + len).toString('utf8');
    }
    out.push({ id, name, start: i, end: i + size });
    i += size;
  }
  return out;
}

/** How many functions the module imports (function indices start after them). */
function importedFunctions(b, sec) {
  let [count, i] = leb(b, sec.start), n = 0;
  for (let k = 0; k < count; k++) {
    let len;
    [len, i] = leb(b, i); i += len; // module
    [len, i] = leb(b, i); i += len; // field
    const kind = b[i++];
    if (kind === 0) { [, i] = leb(b, i); n++; }
    else if (kind === 1) { i++; const flags = b[i++]; [, i] = leb(b, i); if (flags & 1) [, i] = leb(b, i); }
    else if (kind === 2) { const flags = b[i++]; [, i] = leb(b, i); if (flags & 1) [, i] = leb(b, i); }
    else if (kind === 3) i += 2;
    else throw new Error(`import kind ${kind}`);
  }
  return n;
}

/** Function index → name, from the `name` section's function names. */
function functionNames(b, sec) {
  const names = new Map();
  let i = sec.start;
  let len;
  [len, i] = leb(b, i); i += len;
  while (i < sec.end) {
    const sub = b[i++];
    let size;
    [size, i] = leb(b, i);
    if (sub === 1) {
      let [count, j] = leb(b, i);
      for (let k = 0; k < count; k++) {
        let idx, l;
        [idx, j] = leb(b, j); [l, j] = leb(b, j);
        names.set(idx, b.subarray(j, j + l).toString('utf8')); j += l;
      }
    }
    i += size;
  }
  return names;
}

/** The identifiers of a legacy (`_ZN…E`) or v0 (`_R…`) mangled name, in order. */
function identifiers(name) {
  const ids = [];
  // v0 (the wasm builds' mangling, .cargo/config.toml): a crate's and an impl's disambiguator
  // (`Cs3pBysJ570qJ_3yew`, `Msj_`) would be misread as identifiers' lengths.
  if (name.startsWith('_R')) name = name.replace(/([CM])s[0-9A-Za-z]*_/g, '$1');
  const re = /(\d+)([A-Za-z_$][A-Za-z0-9_$.]*)/g;
  let m;
  while ((m = re.exec(name))) {
    const len = Number(m[1]);
    const id = m[2].slice(0, len);
    ids.push(id);
    re.lastIndex = m.index + m[1].length + len;
  }
  return ids;
}

// The parts, first match wins: [label, test on the identifier path after `mirrorscope`].
const PARTS = [
  ['Python interpreter (py)', (p) => p[0] === 'py'],
  ['pika binding (sim::pika)', (p) => p[0] === 'sim' && p[1] === 'pika'],
  ['lab (lab, ui::panels::lab)', (p) => p[0] === 'lab' || (p[0] === 'ui' && p[2] === 'lab')],
  ['course (course, ui::guide)', (p) => p[0] === 'course' || (p[0] === 'ui' && p[1] === 'guide')],
  ['simulator (sim, erl, rest)', (p) => p[0] === 'sim' || p[0] === 'erl' || p[0] === 'rng' || p[0] === 'percent'],
  ['stage (ui::stage)', (p) => p[0] === 'ui' && p[1] === 'stage'],
  ['panels (ui::panels)', (p) => p[0] === 'ui' && p[1] === 'panels'],
  ['rest of the UI (ui)', (p) => p[0] === 'ui'],
];

function partOf(name) {
  // Generic code instantiated for the crate's types (`drop_in_place<mirrorscope::sim::…>`) is
  // charged to the part whose type it serves: the first path into the crate decides.
  const ids = identifiers(name).join('::').replace(/\.\./g, '::').replace(/\$[A-Z]+\$/g, ' ');
  const m = /mirrorscope::(\w+)(?:::(\w+))?(?:::(\w+))?/.exec(ids);
  if (m) {
    const path = m.slice(1);
    for (const [label, test] of PARTS) if (test(path)) return label;
    return 'rest of the UI (ui)';
  }
  const crates = ids.split(/::| /);
  for (const crate of ['yew', 'web_sys', 'js_sys', 'wasm_bindgen', 'regex_lite', 'serde_json', 'serde', 'miniz_oxide', 'gloo_timers', 'gloo_events']) {
    if (crates.includes(crate)) return `crate ${crate}`;
  }
  return 'Rust std (core, alloc, fmt, generic code)';
}

const [, , namedPath, shippedPath, root = process.cwd()] = process.argv;
if (!namedPath || !shippedPath) {
  console.error('usage: node tests/e2e/wasm-parts.mjs <release .wasm with names> <shipped _bg.wasm> [repo root]');
  process.exit(2);
}
const named = readFileSync(namedPath);
const shipped = readFileSync(shippedPath);
const secs = sections(named);
const imports = secs.find((s) => s.id === 2);
const code = secs.find((s) => s.id === 10);
const data = secs.find((s) => s.id === 11);
const nameSec = secs.find((s) => s.id === 0 && s.name === 'name');
if (!code || !nameSec) {
  console.log('size: parts: the release wasm has no name section; no breakdown');
  process.exit(0);
}
const firstIndex = imports ? importedFunctions(named, imports) : 0;
const names = functionNames(named, nameSec);

const bodies = new Map();
let [count, i] = leb(named, code.start);
for (let k = 0; k < count; k++) {
  const at = i;
  let size;
  [size, i] = leb(named, i);
  const label = partOf(names.get(firstIndex + k) ?? '');
  if (!bodies.has(label)) bodies.set(label, []);
  bodies.get(label).push(named.subarray(at, i + size));
  i += size;
}

// Embedded texts: each lesson file and the welcome scenario, found verbatim in the data section.
const dataBytes = data ? named.subarray(data.start, data.end) : Buffer.alloc(0);
const texts = [];
const lessonsDir = join(root, 'lessons');
for (const f of readdirSync(lessonsDir).filter((f) => f.endsWith('.scn'))) texts.push(['lessons (texts)', join(lessonsDir, f)]);
texts.push(['welcome scenario (text)', join(root, 'src/ui/welcome.scn')]);
const found = new Map();
let foundBytes = 0;
for (const [label, path] of texts) {
  const t = readFileSync(path);
  if (dataBytes.indexOf(t) >= 0) {
    if (!found.has(label)) found.set(label, []);
    found.get(label).push(t);
    foundBytes += t.length;
  }
}

// A split build (tools/wasm-defer) ships the code in two files: the shrink counts both.
const deferredPath = shippedPath.replace(/_bg\.wasm$/, '_deferred.wasm');
const shippedFiles = [shipped, ...(deferredPath !== shippedPath && existsSync(deferredPath) ? [readFileSync(deferredPath)] : [])];
let shippedCodeBytes = 0;
for (const f of shippedFiles) {
  const c = sections(f).find((s) => s.id === 10);
  if (c) shippedCodeBytes += c.end - c.start;
}
const shrink = shippedCodeBytes ? shippedCodeBytes / (code.end - code.start) : 1;
const shippedGzip = shippedFiles.reduce((a, f) => a + gzipSync(f, { level: 9 }).length, 0);

const rows = [];
for (const [label, list] of bodies) {
  const raw = list.reduce((a, b) => a + b.length, 0);
  rows.push([label, Math.round(raw * shrink), Math.round(gzipSync(Buffer.concat(list), { level: 9 }).length * shrink)]);
}
for (const [label, list] of found) {
  const raw = list.reduce((a, b) => a + b.length, 0);
  rows.push([label, raw, gzipSync(Buffer.concat(list), { level: 9 }).length]);
}
const rest = dataBytes.length - foundBytes;
rows.push(['other data (strings, tables)', rest, gzipSync(dataBytes, { level: 9 }).length - rows.filter((r) => found.has(r[0])).reduce((a, r) => a + r[2], 0)]);
rows.sort((a, b) => b[2] - a[2]);

console.log(`size: parts of the shipped wasm (${shippedGzip} B gzip${shippedFiles.length > 1 ? ', both parts' : ''}), estimated from the named release build:`);
console.log(`size:   ${'part'.padEnd(44)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)}  share`);
const sum = rows.reduce((a, r) => a + r[2], 0);
for (const [label, raw, gz] of rows) {
  console.log(`size:   ${label.padEnd(44)} ${String(raw).padStart(9)} ${String(gz).padStart(9)}  ${((100 * gz) / sum).toFixed(1).padStart(5)} %`);
}
const later = rows.filter(([l]) => /Python|pika|lab|course|lessons/.test(l)).reduce((a, r) => a + r[2], 0);
console.log(`size:   the parts a first screen could load later (Python, pika, lab, course, lessons): ~${later} B gzip of ~${sum} B`);
