// `./x bench`'s browser figures can be taken from this release dist/ (issue 18: "the test tier
// only checks that the bench runs"): a short frame recording of the steady-load lesson, the
// wasm's events-per-second export, its memory export and its seeks export each answer with
// figures of the right shape. Nothing here compares a figure with a target: a busy machine
// measures slowly, not wrongly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open } from './harness.mjs';
import { runBench, summary, lessonHash } from './bench.mjs';
import { runEvents } from './events.mjs';

const s = suite();

test('the frame bench records frames of the steady load', async () => {
  await journey(s, { viewport: { width: 1280, height: 900 } }, async (page) => {
    const r = await runBench(page, s.baseUrl, { nodes: 5, speed: 1, seconds: 1 });
    assert.ok(r.frames.length > 0, 'no frame was timed');
    assert.ok(r.intervals.length > 0, 'no frame interval was recorded');
    const work = summary(r.frames);
    assert.ok(Number.isFinite(work.mean) && work.mean >= 0, `frame work ${JSON.stringify(work)}`);
    assert.ok(r.simulated > 0, 'the clock did not move while measuring');
  });
});

test('the wasm exports the events and memory benches', async () => {
  await journey(s, {}, async (page) => {
    await open(page, s.baseUrl);
    const events = await runEvents(page, 3, 0.05);
    assert.ok(events.events > 0 && events.wall > 0 && events.ceiling > 0, JSON.stringify(events));
    const memory = await page.evaluate(() => Array.from(window.wasmBindings.benchMemory(1)));
    assert.equal(memory.length, 7, JSON.stringify(memory));
    const [minutes, entries, held, , before, loaded, scrubbed] = memory;
    assert.ok(minutes >= 1 && entries > 0 && held > 0 && held <= entries, JSON.stringify(memory));
    // Linear memory never shrinks: each reading is at least the one before it.
    assert.ok(before > 0 && loaded >= before && scrubbed >= loaded, JSON.stringify(memory));
  });
});

test('the wasm exports the seeks bench', async () => {
  await journey(s, {}, async (page) => {
    await open(page, s.baseUrl);
    const seeks = await page.evaluate(() => Array.from(window.wasmBindings.benchSeeks(false)));
    assert.equal(seeks.length, 9, JSON.stringify(seeks));
    const [built, first, n, median, worst, , , , marks] = seeks;
    // 60 targets, each from the present and on to an earlier time, a 30 s drag by 100 ms
    // and 9 minutes: 429 seeks, on a run that keeps checkpoints.
    assert.ok(built > 0 && first > 0 && n === 429 && marks > 1, JSON.stringify(seeks));
    assert.ok(median >= 0 && worst >= median, JSON.stringify(seeks));
  });
});

// The page's slow parts (the header, the stage's structure, the panels) follow a playing run at
// most every 250 ms (context::SLOW_EVERY_MS); only the clock, the moving messages, the
// space-time cursor and the log follow it on every frame. The Fork button's title names the
// cursor's time and is drawn by a slow part, so it may change at most four times a second
// however fast or slow the frames come (it changed on every frame while the slow store
// compared unequal each frame).
test('while the run plays, the slow parts of the page follow it at most four times a second', async () => {
  await journey(s, { viewport: { width: 1280, height: 900 } }, async (page) => {
    await open(page, `${s.baseUrl}${lessonHash(5)}`);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const r = await page.evaluate(() => new Promise((resolve) => {
      const button = document.querySelector('.fork-btn');
      let changes = 0;
      let frames = 0;
      const observer = new MutationObserver((ms) => { changes += ms.length; });
      observer.observe(button, { attributes: true, attributeFilter: ['title'] });
      const start = performance.now();
      const frame = () => {
        frames += 1;
        const ms = performance.now() - start;
        if (frames >= 90 && ms >= 1500) {
          observer.disconnect();
          resolve({ frames, changes, ms });
        } else {
          requestAnimationFrame(frame);
        }
      };
      requestAnimationFrame(frame);
    }));
    assert.ok(r.changes >= 1, `the Fork button never followed the run: ${JSON.stringify(r)}`);
    assert.ok(r.changes <= Math.ceil(r.ms / 250) + 2, `the slow parts re-rendered too often: ${JSON.stringify(r)}`);
  });
});
