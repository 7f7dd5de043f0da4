// The simulator's events per second in the browser: the release wasm's `benchEvents` export
// (src/ui/bench.rs) runs the steady load `mirrorscope bench` runs natively, timed by
// `performance.now()` in headless Chromium, and then the bare event queue doing as many pushes
// and pops (the ceiling). Prints lines shaped as the native bench's, each led by "wasm, ", for
// `./x bench` to set beside the native figures. The e2e tests do not run it (a figure is read,
// never asserted).
//
//   node tests/e2e/events.mjs            (serves ../../dist, or MIRRORSCOPE_DIST)
//   BENCH_EVENTS_SECONDS=5 node tests/e2e/events.mjs
import { fileURLToPath } from 'node:url';
import { start, newPage, open } from './harness.mjs';

const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 2);

/** One run on `nodes` nodes: { events, messages, wall, simulated, ceiling }. */
export async function runEvents(page, nodes, seconds = SECONDS) {
  const r = await page.evaluate(
    ([n, s]) => Array.from(window.wasmBindings.benchEvents(n, s)),
    [nodes, seconds],
  );
  if (r.length !== 5) throw new Error(`benchEvents(${nodes}, ${seconds}) returned ${JSON.stringify(r)}`);
  const [events, messages, wall, simulated, ceiling] = r;
  return { nodes, events, messages, wall, simulated, ceiling };
}

/** The two lines the native bench prints for one run, led by "wasm, ". */
export function lines(r) {
  const rate = r.events / r.wall;
  return [
    `wasm, ${r.nodes} nodes, ha-mode all: ${r.events} events, ${r.messages} messages in ${r.wall.toFixed(2)} s simulated ${r.simulated.toFixed(1)} s -> ${rate.toFixed(0)} events/s, ${(r.messages / r.wall).toFixed(0)} messages/s`,
    `wasm, ${r.nodes} nodes, ceiling: the bare event queue doing the same ${r.events} pushes and pops -> ${r.ceiling.toFixed(0)} events/s (the simulator runs at ${((100 * rate) / r.ceiling).toFixed(0)} % of it)`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const h = await start();
  try {
    const p = await newPage(h.browser);
    await open(p.page, h.baseUrl);
    await p.page.waitForFunction(() => typeof window.wasmBindings?.benchEvents === 'function');
    // V8 runs new wasm through its baseline compiler first and optimises what runs hot: a short
    // run, not counted, so that the first figure does not pay for that.
    await runEvents(p.page, 3, 0.3);
    for (const nodes of [3, 9]) console.log(lines(await runEvents(p.page, nodes)));
    if (p.problems.length) {
      console.error(p.problems.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await h.close();
  }
}
