// Every lesson of the course opens from its link in the release dist/ (issue 11: a learner goes
// through both seeds section by section, in either language): for each `lessons/*.scn`, the page
// opened at `#lesson=<id>&step=1` shows the lesson's own title and "step 1 of n" with n its
// number of steps, and the first step's "Do it for me" reaches a done check. Lessons alternate
// between English on a desktop and Chinese on a phone; one screenshot each,
// tests/e2e/out/lesson-<id>-<lang>.png. course.test.mjs walks two lessons to their end; the
// native tier (tests/lessons.rs) plays every step of every lesson.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite, journey, shot, eventually } from './harness.mjs';

const s = suite();
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, '../../lessons');

/** A lesson's id, titles and number of steps, read from its directives. */
function lesson(file) {
  const text = readFileSync(path.join(dir, file), 'utf8');
  const value = (key) => text.match(new RegExp(`^# ${key.replace('.', '\\.')}: *(.*)$`, 'm'))?.[1]?.trim();
  return {
    id: value('lesson'),
    title: { en: value('title.en'), zh: value('title.zh') },
    steps: text.match(/^# step:/gm)?.length ?? 0,
  };
}

const lessons = readdirSync(dir).filter((f) => f.endsWith('.scn')).sort().map(lesson);

const LANGS = {
  en: {
    options: { viewport: { width: 1280, height: 800 }, locale: 'en-US' },
    label: (n) => `Step 1 of ${n}`,
    doIt: 'Do it for me',
  },
  zh: {
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' },
    label: (n) => `第 1 步，共 ${n} 步`,
    doIt: '替我执行',
  },
};

for (const lang of ['en', 'zh']) {
  test(`every other lesson opens from its link and does its first step (${lang})`, async () => {
    const mine = lessons.filter((_, i) => i % 2 === (lang === 'en' ? 0 : 1));
    assert.ok(mine.length >= 10, `expected the course's lessons, found ${mine.length}`);
    const w = LANGS[lang];
    await journey(s, w.options, async (page) => {
      for (const l of mine) {
        assert.ok(l.id && l.title.en && l.title.zh && l.steps > 0, JSON.stringify(l));
        // A fresh load each time (a hash change alone would keep the page): the link as a
        // learner opens it.
        await page.goto('about:blank');
        await page.goto(`${s.baseUrl}#lesson=${l.id}&step=1`);
        const card = page.locator('.lessons');
        await eventually(`${l.id}: its first step`, async () =>
          (await card.locator('.lesson-step .tool-label').count()) > 0 &&
          (await card.locator('.lesson-step .tool-label').textContent()) === w.label(l.steps),
        60_000);
        assert.ok((await card.locator('.lesson-where').textContent()).includes(l.title[lang]), l.id);
        const doIt = card.getByRole('button', { name: w.doIt });
        if ((await doIt.count()) > 0) {
          await doIt.click();
          await card.locator('.lesson-check.done').waitFor({ timeout: 120_000 });
        }
        await page.screenshot({ path: shot(`lesson-${l.id}-${lang}.png`) });
      }
    });
  });
}
