// Starts mirrorscope: loads wasm-bindgen's JS bindings and the wasm whose (hashed) names trunk
// wrote into <meta name="mirrorscope-app"> (Trunk.toml, `pattern_script`). Trunk would
// otherwise start the app from an inline <script>, which the page's Content-Security-Policy
// (index.html, docs/deploying.md) does not allow: every script the page runs is a file of its own.
const app = document.querySelector('meta[name="mirrorscope-app"]');
const bindings = await import(new URL(app.dataset.bindings, document.baseURI).href);
const wasm = await bindings.default({ module_or_path: app.dataset.wasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
