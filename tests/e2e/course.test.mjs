// The course (issue 11) on the release dist/: one lesson walked to its end in English and one in
// Chinese, each with a prediction answered then revealed and scored; a reload resuming from
// #lesson=…&step=…; an unknown lesson in a link is reported. Screenshots at desktop (1280×800)
// and phone (390×844) widths: tests/e2e/out/course-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open, shot, eventually } from './harness.mjs';

const s = suite();
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const WORDS = {
  en: { locale: 'en-US', lesson: 'Lesson', load: 'Load', doIt: 'Do it for me', next: 'Next', reveal: 'Reveal' },
  zh: { locale: 'zh-CN', lesson: '课程', load: '加载', doIt: '替我执行', next: '下一步', reveal: '揭晓' },
};

/** The step label ("Step i of n"), or null once the lesson is finished. */
async function stepLabel(card) {
  if ((await card.locator('.lesson-done').count()) > 0) return null;
  return card.locator('.lesson-step .tool-label').textContent();
}

/** Goes on to the next step and waits until the card shows it. */
async function next(card, w) {
  const was = await stepLabel(card);
  await card.getByRole('button', { name: w.next, exact: true }).click();
  await eventually(`the card past ${was}`, async () => (await stepLabel(card)) !== was);
}

/**
 * Walks the open lesson to its end: each prediction answered with `answer(question)` (a choice's
 * text) and revealed, every other step done by the page; returns the verdicts shown.
 */
async function walk(page, w, answer, shots) {
  const card = page.locator('.lessons');
  const verdicts = [];
  for (let i = 0; (await stepLabel(card)) !== null; i++) {
    const predict = card.locator('fieldset.lesson-predict');
    if ((await predict.count()) > 0) {
      const question = await predict.locator('legend').textContent();
      await card.getByRole('radio', { name: answer(question), exact: true }).check();
      if (shots) await page.screenshot({ path: shot(`${shots}-predict.png`) });
      await card.getByRole('button', { name: w.reveal, exact: true }).click();
      await card.locator('.lesson-verdict').waitFor();
      await card.locator('.lesson-explain').waitFor();
      verdicts.push(await card.locator('.lesson-verdict').textContent());
      if (shots) await page.screenshot({ path: shot(`${shots}-reveal.png`) });
    } else if ((await card.getByRole('button', { name: w.doIt }).count()) > 0) {
      await card.getByRole('button', { name: w.doIt }).click();
    }
    await card.locator('.lesson-check.done').waitFor();
    await next(card, w);
  }
  return verdicts;
}

async function load(page, w, title) {
  await page.getByRole('combobox', { name: w.lesson }).selectOption({ label: title });
  await page.getByRole('button', { name: w.load, exact: true }).click();
  await page.locator('.lessons .lesson-step .tool-label').waitFor();
}

test('en: the master dies; predict which slave is promoted, reveal, and finish the lesson', async () => {
  await journey(s, { ...DESKTOP, locale: WORDS.en.locale }, async (page) => {
    await open(page, s.baseUrl);
    await load(page, WORDS.en, 'The master dies: clients cut off, the oldest slave promoted');
    const card = page.locator('.lessons');
    assert.equal(await stepLabel(card), 'Step 1 of 3');
    assert.match(page.url(), /#lesson=seed000-master-death&step=1$/);
    const verdicts = await walk(page, WORDS.en, () => 'node3, the oldest slave', 'course-en-desktop');
    assert.deepEqual(verdicts, ['Right.']);
    await card.locator('.lesson-done').waitFor();
    assert.equal(await card.locator('.lesson-score').textContent(), 'Predictions: 1 of 1 right');
    // The oldest slave, node3, holds the master.
    await page
      .getByRole('group', { name: 'rabbit@node3', exact: true })
      .getByRole('button', { name: /queue_y: master/ })
      .waitFor();
    await page.screenshot({ path: shot('course-en-desktop-done.png') });
  });
});

test('zh on a phone: x-cancel-on-ha-failover, a wrong guess scored and explained', async () => {
  await journey(s, { ...PHONE, locale: WORDS.zh.locale }, async (page) => {
    await open(page, s.baseUrl);
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    await load(page, WORDS.zh, 'x-cancel-on-ha-failover：谁会知道发生了故障转移');
    const card = page.locator('.lessons');
    assert.equal(await stepLabel(card), '第 1 步，共 3 步');
    const box = await card.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
    await page.screenshot({ path: shot('course-zh-phone-start.png') });
    const verdicts = await walk(page, WORDS.zh, () => '两个都会：队列的每个消费者都会收到通知', 'course-zh-phone');
    assert.equal(verdicts.length, 1);
    assert.ok(verdicts[0].startsWith('不太对。'), verdicts[0]);
    assert.ok(verdicts[0].includes('只有 b'), verdicts[0]);
    await card.locator('.lesson-done').waitFor();
    assert.equal(await card.locator('.lesson-score').textContent(), '预测：答对 0 题，共 1 题');
    await card.screenshot({ path: shot('course-zh-phone-done.png') });
  });
});

test('a reload resumes from #lesson=…&step=…', async () => {
  await journey(s, { ...DESKTOP, locale: WORDS.en.locale }, async (page) => {
    await open(page, s.baseUrl);
    await load(page, WORDS.en, 'Stop the master: a slave takes over');
    const card = page.locator('.lessons');
    await card.getByRole('button', { name: 'Do it for me' }).click();
    await card.locator('.lesson-check.done').waitFor();
    await next(card, WORDS.en);
    await card.getByRole('button', { name: 'Do it for me' }).click();
    await card.locator('.lesson-check.done').waitFor();
    await next(card, WORDS.en);
    await eventually('the step in the URL', async () => page.url().endsWith('#lesson=walkthrough-stop-master&step=3'));
    await page.reload();
    await page.locator('svg.cluster-view g.node').first().waitFor();
    await eventually('the lesson resumed at step 3', async () => (await stepLabel(card)) === 'Step 3 of 4');
    // The steps before it were replayed: queue_demo's master is on node1, its confirms pending.
    await page
      .getByRole('group', { name: 'rabbit@node1', exact: true })
      .getByRole('button', { name: /queue_demo: master/ })
      .waitFor();
    assert.ok((await card.locator('.lesson-check').textContent()).startsWith('Not done yet'));
    await page.screenshot({ path: shot('course-resumed-desktop.png') });
    // A link to a lesson that does not exist says so.
    await page.goto(`${s.baseUrl}#lesson=no-such-lesson&step=2`);
    await card.getByRole('alert').filter({ hasText: "No lesson is called 'no-such-lesson'." }).waitFor();
  });
});
