// End-to-end journeys of issue 14 (parts 4 and 5) on the release dist/: a loss without confirms
// is counted in the anomalies card with the moment it happened (not the moment on display), the
// lessons card says so when it happens, each replica shows its message count on the stage, and
// the core's explanations read in Chinese on the Chinese page. Screenshots go to
// tests/e2e/out/losses-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open, eventually, shot } from './harness.mjs';

const s = suite();
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** The page's words the journeys use, in each language. */
const WORDS = {
  en: {
    locale: 'en-US',
    tag: 'en',
    lesson: 'Lesson',
    unsynced: 'An unsynchronised slave is promoted: old messages are lost',
    doIt: 'Do it for me',
    next: 'Next',
    load: 'Load',
    present: 'Jump to the present',
    timeline: 'Timeline',
    anomalies: 'Anomalies',
    lost: 'Published, never delivered, gone from every replica',
    notice: 'Messages were lost:',
    first: 'Go to the first loss (300.000 ms)',
    cause: 'rabbit@node1 crashed',
  },
  zh: {
    locale: 'zh-CN',
    tag: 'zh-CN',
    lesson: '课程',
    unsynced: '提升未同步的 slave：旧消息丢失',
    doIt: '替我执行',
    next: '下一步',
    load: '加载',
    present: '跳到当前',
    timeline: '时间轴',
    anomalies: '异常',
    lost: '已发布、从未投递、所有副本都不再持有',
    notice: '有消息丢失：',
    first: '跳到第一次丢失（300.000 ms）',
    cause: 'rabbit@node1 崩溃',
  },
};

/** The "unsynced" lesson: ten messages published without confirms sit on the master before a
 *  slave is added; the master's node crashes at 300 ms and the slave, which never had them, is
 *  promoted. Loaded at its start, then every step is done by the page, to the end of the run. */
async function lossAtTheEnd(page, w) {
  await open(page, s.baseUrl);
  await page.locator(`html[lang="${w.tag}"]`).waitFor({ state: 'attached' });
  await page.getByRole('combobox', { name: w.lesson }).selectOption({ label: w.unsynced });
  await page.getByRole('button', { name: w.load, exact: true }).click();
  const timeline = page.getByRole('slider', { name: w.timeline });
  await eventually('the lesson rewound to its start', async () => Number(await timeline.inputValue()) === 0);
  // Nothing lost yet at the start: no notice.
  assert.equal(await page.locator('.lessons .loss-notice').count(), 0);
  const card = page.locator('.lessons');
  while ((await card.locator('.lesson-done').count()) === 0) {
    const label = await card.locator('.lesson-step .tool-label').textContent();
    await card.getByRole('button', { name: w.doIt }).click();
    await card.locator('.lesson-check.done').waitFor();
    await card.getByRole('button', { name: w.next, exact: true }).click();
    await eventually(`the lesson past "${label}"`, async () =>
      (await card.locator('.lesson-done').count()) > 0 ||
      (await card.locator('.lesson-step .tool-label').textContent()) !== label);
  }
  await eventually('the clock at the end of the run', async () => Number(await timeline.inputValue()) >= 2_000_000);
  return timeline;
}

/** The chips' message counts on the stage, by replica label. */
async function chipCounts(page) {
  return page.locator('svg.cluster-view g.chip:not(.chip-more)').evaluateAll((els) =>
    els.map((e) => ({
      // The chip's button is a text-free layer over it, named by what the chip abbreviates.
      label: e.querySelector('.chip-hit')?.getAttribute('aria-label') ?? '',
      count: e.querySelector('.chip-count')?.textContent,
    })),
  );
}

for (const [lang, w] of Object.entries(WORDS)) {
  test(`${lang}: a loss without confirms is counted with the moment it was lost, and the lesson says so`, async () => {
    await journey(s, { ...DESKTOP, locale: w.locale }, async (page) => {
      const timeline = await lossAtTheEnd(page, w);
      const card = page.getByRole('region', { name: w.anomalies });
      const items = card.locator('li.anomaly');
      await eventually('ten losses listed', async () => (await items.count()) === 10);
      for (const item of await items.all()) {
        assert.equal(await item.locator('strong').textContent(), w.lost);
        // The moment it was lost, while the clock shows 2.4 s.
        assert.match(await item.locator('.anomaly-head button').textContent(), /300\.000 ms/);
        assert.ok((await item.locator('.cause').textContent()).includes(w.cause));
      }
      const shown = Number(await timeline.inputValue());
      assert.ok(shown > 300_000, `${shown}`);
      // The lessons card says it, tied to the first loss.
      const notice = page.locator('.lessons .loss-notice');
      await notice.waitFor();
      assert.ok((await notice.textContent()).includes(w.notice));
      await page.screenshot({ path: shot(`losses-desktop-${lang}.png`) });
      await card.screenshot({ path: shot(`losses-anomalies-${lang}.png`) });
      // Clicking a loss's time takes the clock there.
      await items.first().locator('.anomaly-head button').click();
      await eventually('the clock at the loss', async () => Number(await timeline.inputValue()) === 300_000);
      // And back at the end, the notice's button does the same.
      await page.getByRole('button', { name: w.present }).first().click();
      await eventually('the clock at the end again', async () => Number(await timeline.inputValue()) > 300_000);
      await notice.getByRole('button', { name: w.first }).click();
      await eventually('the clock at the first loss', async () => Number(await timeline.inputValue()) === 300_000);
    });
  });
}

test('each replica shows the messages it holds on the stage', async () => {
  await journey(s, { ...DESKTOP, locale: 'en-US' }, async (page) => {
    const timeline = await lossAtTheEnd(page, WORDS.en);
    // At the end: queue s on node2 (master, the five new messages) and node1 (a mirror again).
    const end = await eventually('counts drawn', async () => {
      const c = await chipCounts(page);
      return c.length > 0 && c.every((x) => x.count !== undefined) ? c : null;
    });
    const master = end.find((c) => c.label.startsWith('s: master'));
    assert.equal(master?.count, '5', JSON.stringify(end));
    assert.match(master.label, /holds 5 messages/);
    // Just before the crash, node1's master held the ten old and the five new.
    await page.getByRole('button', { name: 'Back to the start' }).first().click();
    await eventually('the clock at the start', async () => Number(await timeline.inputValue()) === 0);
    await page.getByRole('slider', { name: 'Timeline' }).fill('250000');
    const before = await eventually('counts before the crash', async () => {
      const c = await chipCounts(page);
      const m = c.find((x) => x.label.startsWith('s: master'));
      return m?.count === '15' ? c : null;
    });
    assert.ok(before.some((c) => c.label.startsWith('s: slave') && c.count === '5'), JSON.stringify(before));
    await page.locator('svg.cluster-view').screenshot({ path: shot('losses-stage-counts.png') });
  });
});

test('zh: the event log, the inspector and the anomalies read the core in Chinese', async () => {
  await journey(s, { ...DESKTOP, locale: 'zh-CN' }, async (page) => {
    await lossAtTheEnd(page, WORDS.zh);
    await page.getByRole('combobox', { name: '显示' }).selectOption({ index: 1 });
    const log = page.locator('ol.log');
    await log.getByText(/镜像队列 vhost '\/' 中的队列 's'：把镜像 .* 提升为 leader/).first().waitFor();
    const rows = await log.locator('.log-text').allTextContents();
    assert.ok(rows.length > 5, rows.join('\n'));
    for (const english of ['Promoting', 'crashed', 'declared:', 'Adding mirror', 'policy \'']) {
      assert.ok(!rows.some((r) => r.includes(english)), `${english} in ${rows.join('\n')}`);
    }
    const anomalies = await page.getByRole('region', { name: '异常' }).textContent();
    for (const english of ['never delivered', 'held by no replica', 'crashed', 'published to']) {
      assert.ok(!anomalies.includes(english), `${english} in ${anomalies}`);
    }
    await log.getByText(/提升为 leader/).first().click();
    const inspector = page.getByRole('region', { name: '详情' });
    await inspector.getByText(/提升为 leader/).waitFor();
    await page.screenshot({ path: shot('losses-log-zh.png') });
  });
});

for (const [lang, w] of Object.entries(WORDS)) {
  test(`${lang} phone: the loss notice and the anomalies at 390 px`, async () => {
    await journey(s, { ...PHONE, locale: w.locale }, async (page) => {
      await lossAtTheEnd(page, w);
      const notice = page.locator('.lessons .loss-notice');
      await notice.waitFor();
      await notice.scrollIntoViewIfNeeded();
      const box = await notice.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
      await page.screenshot({ path: shot(`losses-phone-${lang}.png`) });
      await page.locator('.lessons').screenshot({ path: shot(`losses-phone-lesson-${lang}.png`) });
    });
  });
}
