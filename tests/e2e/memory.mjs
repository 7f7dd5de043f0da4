// The wasm's memory over an hour of the steady load, in the browser: the release wasm's
// `benchMemory` export (src/ui/bench.rs) plays the lesson `mirrorscope bench --memory-minutes`
// plays natively, in a player of its own, and reads the wasm's linear memory (which never
// shrinks: the most the tab has held for it) before, once the run is loaded, and after a seek
// back to just before its end. Prints one line led by "wasm, memory," for `./x bench`. The e2e
// tests do not run it (a figure is read, never asserted).
//
//   node tests/e2e/memory.mjs            (serves ../../dist, or MIRRORSCOPE_DIST)
//   BENCH_MEMORY_MINUTES=10 node tests/e2e/memory.mjs
import { start, newPage, open } from './harness.mjs';

const MINUTES = Number(process.env.BENCH_MEMORY_MINUTES ?? 60);
const MB = 1e6;

const h = await start();
try {
  const p = await newPage(h.browser);
  await open(p.page, h.baseUrl);
  await p.page.waitForFunction(() => typeof window.wasmBindings?.benchMemory === 'function');
  const r = await p.page.evaluate((m) => Array.from(window.wasmBindings.benchMemory(m)), MINUTES);
  if (r.length !== 7) throw new Error(`benchMemory(${MINUTES}) returned ${JSON.stringify(r)}`);
  const [minutes, entries, held, traceBytes, before, loaded, scrubbed] = r;
  console.log(
    `wasm, memory, steady load (5 nodes, ha-mode all, 20 publishes/s) for ${minutes.toFixed(1)} ` +
      `simulated minutes: ${entries} trace entries (${held} held, ${(traceBytes / MB).toFixed(1)} MB); ` +
      `linear memory ${(before / MB).toFixed(1)} MB with the page alone, ${(loaded / MB).toFixed(1)} MB ` +
      `once played, ${(scrubbed / MB).toFixed(1)} MB after scrubbing back; target under 64 MB for an hour`,
  );
  if (p.problems.length) {
    console.error(p.problems.join('\n'));
    process.exitCode = 1;
  }
} finally {
  await h.close();
}
