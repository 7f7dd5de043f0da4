// Starts mirrorscope: loads wasm-bindgen's JS bindings and the wasm whose (hashed) names trunk
// wrote into <meta name="mirrorscope-app"> (Trunk.toml, `pattern_script`). Trunk would
// otherwise start the app from an inline <script>, which the page's Content-Security-Policy
// (index.html, docs/deploying.md) does not allow: every script the page runs is a file of its own.
//
// When the build split the wasm (tools/wasm-defer, `data-deferred` on the same <meta>), the
// second part (the Python interpreter, pika, the lab, the course, and whatever no first screen
// runs) is fetched once the page has drawn and instantiated with the first part's exports as its
// imports. Deferred code called
// before then loads it at once, synchronously (`load`, called by the first part's stubs through
// src/ui/deferred.rs): slower, never missing.
const app = document.querySelector('meta[name="mirrorscope-app"]');
const deferredUrl = app.dataset.deferred && new URL(app.dataset.deferred, document.baseURI).href;
let pending = Boolean(deferredUrl);
let prefetched = null;
const waiting = [];

function instantiate(module, exports) {
  new WebAssembly.Instance(module, { p: exports });
  pending = false;
  performance.mark('mirrorscope-deferred-in');
  // Never from inside a stub: the callbacks re-enter the wasm. Nor after a trap (trap.js), after
  // which no Rust runs.
  for (const f of waiting.splice(0)) setTimeout(() => window.mirrorscopeTrapped || f(), 0);
}

function fetchNow() {
  const x = new XMLHttpRequest();
  x.open('GET', deferredUrl, false);
  x.overrideMimeType('text/plain; charset=x-user-defined');
  x.send();
  if (x.status !== 200) throw new Error(`mirrorscope: ${deferredUrl}: HTTP ${x.status}`);
  const text = x.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

const deferred = {
  pending: () => pending,
  whenLoaded(f) {
    if (pending) waiting.push(f);
    else setTimeout(f, 0);
  },
  // The stubs' way in: everything synchronous, from bytes already here or fetched now.
  load(exports) {
    if (!pending) return;
    const started = performance.now();
    try {
      instantiate(prefetched ?? new WebAssembly.Module(fetchNow()), exports);
    } catch (e) {
      console.error(`mirrorscope: the second part of the app did not load: ${e}`);
      throw e;
    }
    // For tests/e2e: how long the synchronous load held the page.
    deferred.syncLoadMs = performance.now() - started;
  },
};
window.mirrorscopeDeferred = deferred;

const bindings = await import(new URL(app.dataset.bindings, document.baseURI).href);
const wasm = await bindings.default({ module_or_path: app.dataset.wasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// After the first contentful paint (the app's first screen; the page has no other content): fetch
// and compile the second part off the main thread, then put it in. The next animation frame is
// not enough: the browser may present that paint after a task queued from the frame has already
// started the fetch. A tab that never paints (hidden) or a browser without paint timing fetches
// after 3 s; a stub that needs the part before then loads it at once anyway.
function afterFirstPaint(f) {
  let done = false;
  const go = () => {
    if (!done) {
      done = true;
      f();
    }
  };
  try {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length) {
        observer.disconnect();
        go();
      }
    }).observe({ type: 'paint', buffered: true });
  } catch {
    // No paint timing: the timer below.
  }
  setTimeout(go, 3000);
}

if (pending) {
  afterFirstPaint(async () => {
    performance.mark('mirrorscope-deferred-fetch');
    const response = await fetch(deferredUrl);
    const module = await WebAssembly.compile(await response.arrayBuffer());
    prefetched = module;
    if (pending) instantiate(module, wasm);
  });
}
