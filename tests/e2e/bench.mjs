// Frame-time benchmark: the "Steady load" lesson (5 nodes, an ha-mode "all" queue, a publisher
// confirming 20 messages per simulated second and a consumer) played at 1× in headless
// Chromium. The app, opened with `?bench`, records for every animation frame the time from the
// frame's start to the end of Yew's render plus style and layout (script work of the frame); the
// page also records the intervals between animation frames. Prints percentiles and how many
// messages were in flight. `./x bench` runs it with the other figures; the e2e tests do not
// (a figure is read, never asserted).
//
//   node tests/e2e/bench.mjs            (serves ../../dist, or MIRRORSCOPE_DIST)
//   BENCH_SECONDS=20 node tests/e2e/bench.mjs
import { fileURLToPath } from 'node:url';
import { start, newPage, open } from './harness.mjs';

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

/** Runs the benchmark on an open page; returns { frames, intervals, inFlight, simulated }. */
export async function runBench(page, baseUrl, seconds = Number(process.env.BENCH_SECONDS ?? 10)) {
  await open(page, `${baseUrl}?bench`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ label: 'Steady load: five nodes, ha-mode all, 20 messages a second' });
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await page.locator('svg.cluster-view g.node').nth(4).waitFor();
  const speed = await page.getByRole('slider', { name: 'Speed' }).getAttribute('aria-valuetext');
  if (speed !== '1 s of page = 1.0 s of cluster') throw new Error(`the lesson should play at 1×, not ${speed}`);
  const t0 = await page.getByRole('slider', { name: 'Timeline' }).inputValue();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  // Warm up until half a simulated second of the steady load has played (a publish every
  // 50 ms, so the load is on the wire), then measure from a clean slate. A flight lasts about a
  // millisecond of simulated time, so waiting for one to be on screen would be a lottery.
  const timeline = await page.getByRole('slider', { name: 'Timeline' }).elementHandle();
  await page.waitForFunction(
    ([e, from]) => Number(e.value) >= from + 500_000,
    [timeline, Number(t0)],
    { timeout: 120_000, polling: 100 },
  );
  await page.evaluate(() => {
    window.__mirrorscopeFrames = [];
    window.__intervals = [];
    window.__inFlight = [];
    let last = performance.now();
    const loop = (ts) => {
      window.__intervals.push(ts - last);
      last = ts;
      const m = document.querySelector('g.motion');
      if (m) window.__inFlight.push(Number(m.getAttribute('data-in-flight')));
      if (!window.__stopBench) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  // The window is measured in frames: it closes once the recorded frame intervals add up to
  // `seconds` (a slow machine measures the same stretch of playback, only later).
  await page.waitForFunction(
    (ms) => window.__intervals.reduce((a, b) => a + b, 0) >= ms,
    seconds * 1000,
    { timeout: seconds * 1000 * 5 + 30_000, polling: 100 },
  );
  const data = await page.evaluate(() => {
    window.__stopBench = true;
    return {
      frames: window.__mirrorscopeFrames,
      intervals: window.__intervals.slice(1),
      inFlight: window.__inFlight,
    };
  });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const t1 = await page.getByRole('slider', { name: 'Timeline' }).inputValue();
  return { ...data, simulated: (Number(t1) - Number(t0)) / 1e6 };
}

/** One line per figure, for logs. */
export function report(r) {
  const f = summary(r.frames);
  const iv = summary(r.intervals);
  const fl = summary(r.inFlight);
  const ms = (x) => x.toFixed(2);
  return [
    `bench: 5 nodes, ha-mode all, 20 publishes per simulated second at 1×; ${r.simulated.toFixed(2)} s simulated`,
    `bench: frame work (script + style + layout) over ${f.n} frames: p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms, p99 ${ms(f.p99)} ms, max ${ms(f.max)} ms`,
    `bench: frame intervals: p50 ${ms(iv.p50)} ms, p95 ${ms(iv.p95)} ms, max ${ms(iv.max)} ms`,
    `bench: messages in flight per frame: mean ${fl.mean.toFixed(2)}, p95 ${fl.p95}, max ${fl.max}`,
  ].join('\n');
}

export { summary };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const h = await start();
  try {
    const { page, problems } = await newPage(h.browser);
    const r = await runBench(page, h.baseUrl);
    console.log(report(r));
    // For `./x bench`'s ledger (tests/e2e/figures.mjs).
    const f = summary(r.frames);
    console.log(`figure frame_work_p50 ${f.p50.toFixed(3)} ms lower`);
    console.log(`figure frame_work_p95 ${f.p95.toFixed(3)} ms lower`);
    console.log(`figure frame_interval_p95 ${summary(r.intervals).p95.toFixed(3)} ms lower`);
    if (problems.length) {
      console.error(problems.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await h.close();
  }
}
