// Backward seeks in the browser: the release wasm's `benchSeeks` export (src/ui/bench.rs) times
// the seeks `seek_bench` times natively (src/sim/scenario/player/seek_bench.rs) on the same two
// ten-minute runs, the busy one (the steady load as scenario lines) and the welcome scenario's
// pika scripts, by `performance.now()` in headless Chromium: milliseconds of script per seek,
// each to be within 33 ms (two frames). Prints one line a run, led by "wasm, backward seeks on
// the", for `./x bench`. Then the first seek back after a load, in the page itself: the busy
// run opened from a share link, and once loaded a seek back to 5 min on the Timeline, at once
// and after 3 s idle, timed from the input event until the clock shows the new time (script,
// read by a MutationObserver: the seek, then the render of the past); each three times, the
// median printed on one line led by "wasm, the first seek back after loading". The e2e tests do
// not run it (a figure is read, never asserted).
//
//   node tests/e2e/seeks.mjs            (serves ../../dist, or MIRRORSCOPE_DIST)
import { deflateRawSync } from 'node:zlib';
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
  await p.context.close();
  await firstSeekAfterLoad();
} finally {
  await h.close();
}

/** `bench::busy_run(10)` (src/sim/bench.rs): the steady load as scenario lines, ten minutes. */
function busyRun(minutes) {
  const setup =
    `cluster nodes=5\nseed 7\nrabbitmqctl set_policy ha-all "^" '{"ha-mode":"all"}'\n` +
    'client pub node=node2\nclient con node=node1\npub declare load durable\npub confirm\n' +
    'con consume load ack=auto\n';
  return setup + 'wait 100ms\npub publish load "m" count=2\n'.repeat(minutes * 600);
}

/** The busy run opened from a share link, then the first seek back, at once and after idle. */
async function firstSeekAfterLoad() {
  const hash = `#v=1&z=${deflateRawSync(Buffer.from(busyRun(10))).toString('base64url')}`;
  const runs = { 0: [], 3000: [] };
  for (let round = 0; round < 3; round++) {
    for (const idle of [0, 3000]) {
      const p = await newPage(h.browser);
      // When the load's progress shows, and when it goes.
      await p.context.addInitScript(() => {
        window.__load = {};
        new MutationObserver(() => {
          // The load's own work, not the wait for the wasm's second part before it (`.awaiting`).
          const busy = document.querySelector('.work-indicator:not(.awaiting)');
          if (busy && window.__load.from === undefined) window.__load.from = performance.now();
          if (!busy && window.__load.from !== undefined && window.__load.to === undefined) {
            window.__load.to = performance.now();
          }
        }).observe(document, { subtree: true, childList: true });
      });
      await open(p.page, `${h.baseUrl}${hash}`);
      await p.page.waitForFunction(
        () =>
          window.__load.to !== undefined &&
          Number(document.querySelector('.timeline input')?.max ?? 0) >= 600e6,
        null,
        { timeout: 180_000, polling: 'raf' },
      );
      const load = await p.page.evaluate(() => window.__load.to - window.__load.from);
      if (idle) await p.page.waitForTimeout(idle);
      const [shown, seek] = await p.page
        .getByRole('slider', { name: 'Timeline' })
        .evaluate(async (e) => {
          const want = '300.000000 s';
          const clock = document.querySelector('.clock-now');
          let at;
          const seen = new Promise((resolve) =>
            new MutationObserver((_, o) => {
              if (clock.textContent === want) {
                at = performance.now();
                o.disconnect();
                resolve();
              }
            }).observe(clock, { subtree: true, childList: true, characterData: true }),
          );
          const t0 = performance.now();
          e.value = '300000000';
          // The store's reducer runs the seek in the input's handler; the render follows.
          e.dispatchEvent(new Event('input', { bubbles: true }));
          const handler = performance.now() - t0;
          await seen;
          return [at - t0, handler];
        });
      runs[idle].push({ load, shown, seek });
      if (p.problems.length) {
        console.error(p.problems.join('\n'));
        process.exitCode = 1;
      }
      await p.context.close();
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const of = (idle, key) => median(runs[idle].map((r) => r[key])).toFixed(1);
  const loads = [...runs[0], ...runs[3000]].map((r) => r.load);
  console.log(
    `wasm, the first seek back after loading the 10-minute busy run from a link, to 5 min: ` +
      `at once ${of(0, 'shown')} ms until shown (the seek ${of(0, 'seek')} ms), after 3 s idle ` +
      `${of(3000, 'shown')} ms until shown (the seek ${of(3000, 'seek')} ms); medians of 3 ` +
      `(target: within 33 ms); the load took ${median(loads).toFixed(0)} ms (median of ` +
      `${loads.length})`,
  );
}
