// The embed (docs/embedding.md) with dist/ served under a sub-path, /docs/playground/, as a
// documentation site would: the example page's two players (an iframe and a div turned into one
// by mirrorscope-embed.js) each play, pause, seek and show their captions (each in its own
// language) without touching the other or scrolling the host page, and a chapter seeks its own
// player; a damaged link, an over-long link and a bad parameter are answered in the frame; a
// 320 px player keeps its controls in view; keys and Tab stay inside the player the reader is
// using. Prints how many times the wasm went over the network for the page with two players.
// Screenshots: embed-example-{1280,390}.png, embed-320.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { suite, journey, shot, eventually, dist } from './harness.mjs';

const s = suite();
const PREFIX = '/docs/playground/';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};
let server;
let base;
/** Requests that reached the server, by path. */
const served = [];

before(async () => {
  server = createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!urlPath.startsWith(PREFIX)) {
      res.writeHead(404).end('not found');
      return;
    }
    served.push(urlPath);
    const rel = urlPath.slice(PREFIX.length);
    const file = path.join(dist, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(dist + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      // What an ordinary static server sends: files may be kept for a while.
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=3600',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}${PREFIX}`;
});

after(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const EXAMPLE = () => `${base}examples/seed-walkthrough.html`;

/** The example page's players, each brought into view and loaded: [{ el, frame }]. */
async function players(page) {
  const frames = page.locator('iframe');
  await eventually('two frames', async () => (await frames.count()) === 2);
  const out = [];
  for (let i = 0; i < 2; i++) {
    const el = frames.nth(i);
    // The frames are lazy: a frame below the fold loads once it is scrolled to.
    await el.scrollIntoViewIfNeeded();
    const frame = await (await el.elementHandle()).contentFrame();
    await eventually(`frame ${i} has a document`, async () => frame.url().includes('?embed'));
    await frame.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    await frame.locator('.embed-bar input.embed-timeline').waitFor({ timeout: 30_000 });
    out.push({ el, frame });
  }
  return out;
}

const timeline = (frame) => frame.locator('.embed-bar input.embed-timeline');
const value = async (frame) => Number(await timeline(frame).inputValue());
const playing = async (frame) =>
  !(await frame.locator('.embed-bar button.play').evaluate((b) => b.classList.contains('primary')));

/** Nothing scrolls inside the frame. */
async function noScroll(frame, what) {
  const dims = await frame.evaluate(() => {
    const e = document.scrollingElement;
    return { sh: e.scrollHeight, ch: e.clientHeight, sw: e.scrollWidth, cw: e.clientWidth };
  });
  assert.ok(dims.sh <= dims.ch + 1 && dims.sw <= dims.cw + 1, `${what} does not scroll: ${JSON.stringify(dims)}`);
}

/** Moves a player's timeline to `to` as a drag would (input events). */
async function seek(frame, to) {
  await timeline(frame).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, to);
  await eventually(`the timeline at ${to}`, async () => (await value(frame)) === to);
}

test('two players on the example page play, pause and seek independently, without scrolling the host', async () => {
  served.length = 0;
  await journey(s, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.goto(EXAMPLE());
    const [a, b] = await players(page);
    for (const p of [a, b]) {
      assert.equal(await playing(p.frame), false, 'a player waits for Play');
      assert.equal(await value(p.frame), 0, 'and shows the start');
      await noScroll(p.frame, 'a player');
    }
    const wasm = served.filter((u) => u.endsWith('.wasm')).length;
    console.log(`# wasm requests that reached the server for a page with two players: ${wasm}`);

    await a.el.scrollIntoViewIfNeeded();
    const hostY = await page.evaluate(() => scrollY);
    await a.frame.locator('.embed-bar button.play').click();
    await eventually('the first player plays', async () => (await value(a.frame)) > 0);
    await a.frame.locator('.embed-bar button.play').click();
    await eventually('the first player pauses', async () => !(await playing(a.frame)));
    const paused = await value(a.frame);
    // Paused, the clock stays: another frame of the page is drawn and the value is the same.
    await a.frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await value(a.frame), paused);
    assert.equal(await value(b.frame), 0, 'the second player did not move');
    assert.equal(await playing(b.frame), false, 'nor start');
    assert.equal(await page.evaluate(() => scrollY), hostY, 'the host page did not scroll');

    const max = Number(await timeline(a.frame).getAttribute('max'));
    await seek(a.frame, Math.floor(max / 2));
    assert.equal(await value(b.frame), 0, 'seeking the first leaves the second alone');
    // The first player speaks Chinese (lang=zh), the second the browser's English.
    const caption = (frame) => frame.locator('.caption-bar .caption-text').textContent();
    await eventually('the first shows its caption in Chinese', async () => /两个 mirror 都已同步|在 node1 上声明/.test(await caption(a.frame)));
    // The second's first caption comes at 1 s: at its start none is in force.
    assert.equal(await b.frame.locator('.caption-bar .caption-text').count(), 0, 'the second shows none of the first');
    assert.equal(await page.evaluate(() => scrollY), hostY, 'the host page did not scroll');

    // The second: played to its end, where it stops by itself.
    await b.el.scrollIntoViewIfNeeded();
    const hostY2 = await page.evaluate(() => scrollY);
    const bMax = Number(await timeline(b.frame).getAttribute('max'));
    await seek(b.frame, Math.max(0, bMax - 200_000));
    await b.frame.locator('.embed-bar button.play').click();
    await eventually('the second player stops at its end', async () => !(await playing(b.frame)) && (await value(b.frame)) === bMax);
    assert.equal(await value(a.frame), Math.floor(max / 2), 'the first stayed where it was put');
    await eventually('the second shows the promotion caption', async () => /node1 crashes/.test(await caption(b.frame)));
    // A chapter moves the clock to its mark, in that player only.
    await b.frame.getByRole('button', { name: /mirror joins/ }).click();
    await eventually('the chapter seeks', async () => (await value(b.frame)) === 3_000_000);
    await eventually('its caption follows', async () => /A policy adds a mirror on node2/.test(await caption(b.frame)));
    assert.equal(await value(a.frame), Math.floor(max / 2), 'the first still stayed where it was put');
    assert.equal(await page.evaluate(() => scrollY), hostY2, 'the host page did not scroll');
    for (const p of [a, b]) await noScroll(p.frame, 'a player');

    const open = a.frame.locator('a.embed-open');
    const href = await open.getAttribute('href');
    assert.ok(href.startsWith(`${PREFIX}index.html#`) && !href.includes('embed'), href);
    assert.equal(await open.getAttribute('target'), '_blank');
  });
});

test('the example page at desktop and phone widths', async () => {
  for (const [w, h] of [
    [1280, 800],
    [390, 844],
  ]) {
    await journey(s, { viewport: { width: w, height: h } }, async (page) => {
      await page.goto(EXAMPLE());
      await players(page);
      await page.evaluate(() => scrollTo(0, 0));
      const sw = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(sw <= w, `the host page does not scroll sideways at ${w} px (${sw})`);
      await page.screenshot({ path: shot(`embed-example-${w}.png`), fullPage: true });
    });
  }
});

test('a damaged link, an over-long link and a bad parameter are answered in the frame', async () => {
  const cases = [
    ['index.html?embed#s=%%%', /scenario link cannot be loaded/],
    [`index.html?embed#s=${'A'.repeat(349_527)}`, /more than the 349,526 a link may carry/],
    ['index.html?embed', /no scenario after '#'/],
    ['index.html?embed&theme=blue#s=YQ', /theme=blue is not a theme/],
    ['index.html?embed&start=5s&end=2s#s=YQ', /end=2s is not after start=5s/],
    ['index.html?embed&lang=zh#s=%%%', /场景链接无法载入/],
    // The damage itself is worded in the player's language too.
    ['index.html?embed&lang=zh#s=%%%', /链接已损坏（第 1 个字符不是 base64url）/],
    ['index.html?embed&lang=zh#v=1&z=ab$d', /第 3 个字符不是 base64url/],
    ['index.html?embed#v=1&z=ab$d', /character 3 is not base64url/],
  ];
  for (const [url, message] of cases) {
    await journey(s, { viewport: { width: 480, height: 360 } }, async (page) => {
      await page.goto(base + url);
      const box = page.locator('.embed-message[role="alert"]');
      await box.waitFor({ timeout: 30_000 });
      assert.match(await box.textContent(), message, url.slice(0, 60));
      assert.ok(await box.isVisible());
    });
  }
});

test('a 320 px wide player keeps its controls in view and plays', async () => {
  await journey(s, { viewport: { width: 320, height: 300 } }, async (page) => {
    // The example page's first player, alone in a 320×300 window.
    const host = await (await fetch(EXAMPLE())).text();
    const src = host.match(/<iframe[^>]*src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    await page.goto(new URL(src, EXAMPLE()).href);
    await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    await timeline(page).waitFor();
    for (const sel of ['.embed-bar button.play', '.embed-bar input.embed-timeline', '.embed-clock', 'a.embed-open', 'svg.cluster-view']) {
      const box = await page.locator(sel).boundingBox();
      assert.ok(box && box.width > 0, `${sel} is drawn`);
      assert.ok(box.x >= -0.5 && box.x + box.width <= 320.5 && box.y >= -0.5 && box.y + box.height <= 300.5, `${sel} in view: ${JSON.stringify(box)}`);
    }
    const slider = await page.locator('.embed-bar input.embed-timeline').boundingBox();
    assert.ok(slider.width >= 60, `the timeline is wide enough to drag (${slider.width} px)`);
    await noScroll(page, 'the 320 px player');
    await page.locator('.embed-bar button.play').click();
    await eventually('it plays', async () => (await value(page)) > 0);
    await page.screenshot({ path: shot('embed-320.png') });
  });
});

test('keys and Tab stay inside the player in use; the host page hears none of them', async () => {
  await journey(s, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.goto(EXAMPLE());
    const [a, b] = await players(page);
    // Nothing took the focus on load.
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
    await page.evaluate(() => {
      window.hostKeys = 0;
      addEventListener('keydown', () => window.hostKeys++);
    });
    await a.el.scrollIntoViewIfNeeded();
    // A click on the stage (no control) puts the focus in the frame.
    await a.frame.locator('.embed-stage').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Space');
    await eventually('Space plays the player in use', () => playing(a.frame));
    await page.keyboard.press('k');
    await eventually('K pauses it', async () => !(await playing(a.frame)));
    assert.equal(await playing(b.frame), false, 'the other player heard nothing');
    // Tab walks the player's controls in order (the stage's nodes first, as in the playground),
    // the focus staying in its frame.
    const order = [];
    for (let i = 0; i < 20 && !order.includes('a.embed-open'); i++) {
      await page.keyboard.press('Tab');
      order.push(
        await a.frame.evaluate(() => {
          const e = document.activeElement;
          return `${e.tagName.toLowerCase()}.${(e.getAttribute('class') || '').split(' ').join('.')}`;
        }),
      );
      assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'IFRAME', order.join(' → '));
    }
    const at = (re) => order.findIndex((d) => re.test(d));
    assert.ok(at(/^button.*play/) >= 0, order.join(' → '));
    assert.ok(at(/^button.*play/) < at(/embed-timeline/), order.join(' → '));
    assert.ok(at(/embed-timeline/) < at(/^a\.embed-open/), order.join(' → '));
    const focusedFrame = await page.evaluate(() => document.activeElement?.tagName);
    assert.equal(focusedFrame, 'IFRAME', 'the focus stayed in the player while it was used');
    assert.equal(await page.evaluate(() => window.hostKeys), 0, "the host page's key handlers heard nothing");
  });
});
