// The Share dialog and the link formats, on the release dist/ in headless Chromium: open the
// dialog, copy the link, open the copied link in a new page (the same session and captions);
// a damaged and a newer link are explained; a v=1 link and a first-format s= link both load.
// Screenshots of the dialog at 1280×800 and 390×844 go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { suite, newPage, open, shot, eventually } from './harness.mjs';

const h = suite();

const SCENARIO = [
  'cluster nodes=3',
  'caption "Three nodes, no policy yet." zh="三个节点，还没有策略。"',
  'mark "start"',
  'wait 1s',
  'mark "policy"',
  'caption "A policy mirrors the queue on every node." zh="策略把队列镜像到每个节点。"',
  `rabbitmqctl set_policy ha "^q" '{"ha-mode":"all"}'`,
  'wait 1s',
  '',
].join('\n');

const v1 = (text, t) => `#v=1&z=${zlib.deflateRawSync(Buffer.from(text)).toString('base64url')}&t=${t}`;
const old = (text, t) => `#s=${Buffer.from(text).toString('base64url')}&t=${t}`;

const caption = (page) => page.locator('.caption-bar .caption-text');

async function journey(options, body) {
  const { page, problems, context } = await newPage(h.browser, {
    permissions: ['clipboard-read', 'clipboard-write'],
    ...options,
  });
  try {
    await body(page, context);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
}

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`the Share dialog copies a link that replays the session with its captions (${name})`, async () => {
    await journey({ viewport }, async (page, context) => {
      await open(page, `${h.baseUrl}${v1(SCENARIO, 500000)}`);
      await caption(page).getByText('Three nodes, no policy yet.').waitFor();
      // The chapters are ticks on the timeline, named by their marks.
      assert.equal(await page.locator('.mark-chapter[aria-label="policy"]').count(), 1);

      const share = page.getByRole('button', { name: 'Share' });
      await share.click();
      const dialog = page.getByRole('dialog', { name: 'Share this session' });
      await dialog.waitFor();
      const linkField = dialog.getByRole('textbox', { name: 'Link to this session' });
      const link = await linkField.inputValue();
      assert.match(link, /#v=1&z=[A-Za-z0-9_-]+&t=\d+$/);
      const iframe = await dialog.getByRole('textbox', { name: /^Iframe snippet/ }).inputValue();
      assert.ok(iframe.startsWith(`<iframe src="${h.baseUrl}index.html?embed#v=1&z=`), iframe);
      // The options rewrite the snippets.
      await dialog.getByRole('checkbox', { name: /autoplay/ }).check();
      await dialog.getByRole('combobox', { name: 'Language' }).selectOption('zh');
      await dialog.getByRole('textbox', { name: 'Start at' }).fill('2s');
      const element = dialog.getByRole('textbox', { name: /^Element snippet/ });
      await eventually('the options in the element snippet', async () =>
        (await element.inputValue()).includes('data-autoplay data-lang="zh" data-start="2s"'),
      );
      await dialog.getByRole('textbox', { name: 'End at' }).fill('soon');
      await dialog.getByRole('alert').getByText('end: not a time such as 2s or 1500ms').waitFor();

      await dialog.getByRole('button', { name: 'Copy: Link to this session' }).click();
      await dialog.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, link);
      await page.screenshot({ path: shot(`share-dialog-${name}.png`) });

      // Escape closes the dialog and gives the focus back to the Share button.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.ok(await share.evaluate((b) => b === document.activeElement));

      const other = await context.newPage();
      await open(other, copied);
      await caption(other).getByText('Three nodes, no policy yet.').waitFor();
      const want = await page.getByRole('slider', { name: 'Timeline' }).getAttribute('max');
      const slider = other.getByRole('slider', { name: 'Timeline' });
      await eventually(`the replay's end at ${want}`, async () => (await slider.getAttribute('max')) === want);
      // Seeking to the second chapter shows its caption.
      await other.locator('.mark-chapter[aria-label="policy"]').click();
      await caption(other).getByText('A policy mirrors the queue on every node.').waitFor();
    });
  });
}

test('a v=1 link and a first-format s= link both load', async () => {
  await journey({}, async (page) => {
    await open(page, `${h.baseUrl}${old(SCENARIO, 1500000)}`);
    await caption(page).getByText('A policy mirrors the queue on every node.').waitFor();
    await open(page, `${h.baseUrl}${v1(SCENARIO, 200000)}`);
    await caption(page).getByText('Three nodes, no policy yet.').waitFor();
  });
});

test('a damaged link, a newer link and an over-long link are explained', async () => {
  await journey({}, async (page) => {
    await open(page, `${h.baseUrl}#v=1&z=AAAA&t=5`);
    await page.getByRole('alert').getByText(/the link is damaged \(the compressed text is broken\)/).waitFor();
    await open(page, `${h.baseUrl}#v=1&z=ab$d`);
    await page.getByRole('alert').getByText(/the link is damaged \(character 3 is not base64url\)/).waitFor();
    await open(page, `${h.baseUrl}#v=2&z=AAAA`);
    await page.getByRole('alert').getByText(/made by a newer mirrorscope/).waitFor();
    await open(page, `${h.baseUrl}#v=1&z=${'A'.repeat(350001)}`);
    await page.getByRole('alert').getByText(/more than the 350,000 a link may carry/).waitFor();
    await page.screenshot({ path: shot('share-bad-link.png') });
  });
});
