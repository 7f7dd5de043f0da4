// Backward seeks in the browser: the release wasm's `benchSeeks` export (src/ui/bench.rs) times
// the seeks `seek_bench` times natively (src/sim/scenario/player/seek_bench.rs) on the same two
// ten-minute runs, the busy one (the steady load as scenario lines) and the welcome scenario's
// pika scripts, by `performance.now()` in headless Chromium: milliseconds of script per seek,
// each to be within 33 ms (two frames). Prints one line a run, led by "wasm, backward seeks on
// the", for `./x bench`. The e2e tests do not run it (a figure is read, never asserted).
//
//   node tests/e2e/seeks.mjs            (serves ../../dist, or MIRRORSCOPE_DIST)
import { start, newPage, open } from './harness.mjs';

const h = await start();
try {
  const p = await newPage(h.browser);
  await open(p.page, h.baseUrl);
  await p.page.waitForFunction(() => typeof window.wasmBindings?.benchSeeks === 'function');
  for (const [scripted, name] of [
    [false, 'busy'],
    [true, 'scripted'],
  ]) {
    const r = await p.page.evaluate((s) => Array.from(window.wasmBindings.benchSeeks(s)), scripted);
    if (r.length !== 9) throw new Error(`benchSeeks(${scripted}) returned ${JSON.stringify(r)}`);
    const [built, first, n, median, worst, present, past, drag, marks] = r;
    const ms = (x) => x.toFixed(2);
    console.log(
      `wasm, backward seeks on the 10-minute ${name} run: worst ${ms(worst)} ms, median ` +
        `${ms(median)} ms of ${n} (target: each within 33 ms); first seek ${ms(first)} ms ` +
        `(takes the ${marks} checkpoints), run built in ${ms(built)} ms; means: from the present ` +
        `${ms(present)} ms, from the past ${ms(past)} ms, dragging ${ms(drag)} ms`,
    );
  }
  if (p.problems.length) {
    console.error(p.problems.join('\n'));
    process.exitCode = 1;
  }
} finally {
  await h.close();
}
