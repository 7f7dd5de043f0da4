// End-to-end journeys through the panels (Policies, Queues, the rabbitmqctl console, Clients) on
// the release dist/, in headless Debian Chromium. Controls are found by role and accessible name;
// any page error, console error or failed request fails a journey; screenshots go to
// tests/e2e/out/panels-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePerTest, open as openAt, out, eventually } from './harness.mjs';
import path from 'node:path';

// The corrected command of seed 000, and the same as the seed prints it (full-width colon, a key
// with a trailing space).
const SEED_FIXED =
  `rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue "^queue_" ` +
  `'{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'`;
const SEED_AS_PRINTED =
  `rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue "^queue_" ` +
  `'{"ha-mode ":"exactly","ha-params"：2,"ha-sync-mode":"automatic" }'`;

const t = pagePerTest({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });

async function open() {
  await openAt(t.page, t.baseUrl);
  // Where the page has time controls, the clock must run for mirrors to join and sync.
  const play = t.page.getByRole('button', { name: 'Play', exact: true });
  if (await play.count()) await play.first().click();
}

/** A panel by its accessible name, bringing its tab forward where the page has tabs. */
async function panel(name) {
  const tab = t.page.getByRole('tab', { name, exact: true });
  if (await tab.count()) await tab.first().click();
  const region = t.page.getByRole('region', { name, exact: true });
  await region.waitFor();
  return region;
}

/** Connects a client `app` to node1 and declares `name` (queue_a), from the Clients panel. */
async function declareQueue(name = 'queue_a') {
  const clients = await panel('Clients');
  await clients.getByRole('button', { name: 'Connect', exact: true }).click();
  const actions = clients.getByRole('group', { name: 'Actions of client app' });
  await actions.getByRole('combobox', { name: 'Queue' }).fill(name);
  await actions.getByRole('button', { name: 'Declare', exact: true }).click();
  await clients.getByText(`declare-ok ${name}`).waitFor();
}

async function runInConsole(line, name = 'Console') {
  const consolePanel = await panel(name);
  const input = consolePanel.getByRole('textbox', { name: 'rabbitmqctl console' });
  await input.fill(line);
  await input.press('Enter');
  return consolePanel;
}

test('a policy set in the console shows as the +N pill in Queues', async () => {
  await open();
  await declareQueue();
  const consolePanel = await runInConsole(SEED_FIXED);
  const log = consolePanel.getByRole('log', { name: 'Console output' });
  await log.getByText('Setting policy "mirror_queue" for pattern "^queue_"').waitFor();
  assert.match(await log.locator('.term-entry').last().textContent(), /exit 0/);

  const queues = await panel('Queues');
  const row = queues.getByRole('row').filter({ has: t.page.getByRole('rowheader', { name: 'queue_a' }) });
  await row.waitFor();
  // exactly 2 = the master and one slave. Its pill first reads +0 (with a red +1) and, once the
  // empty queue's slave has joined, +1 with the synchronised slave in its tooltip.
  const pill = row.locator('abbr.pill-synced');
  await pill.waitFor();
  await t.page.waitForFunction(
    () => document.querySelector('tr[data-queue="queue_a"] abbr.pill-synced')?.textContent === '+1',
    null,
    { timeout: 10_000 },
  );
  assert.match(await pill.getAttribute('title'), /^Synchronised mirrors: rabbit@node[23]$/);
  assert.equal(await row.locator('abbr.pill-unsynced').count(), 0);
  assert.match(await row.textContent(), /rabbit@node1/);
  assert.match(await row.textContent(), /mirror_queue/);
  // The tooltip is there for keyboard users too.
  await pill.focus();
  assert.equal(await pill.evaluate((el) => el === document.activeElement), true);
  await queues.screenshot({ path: path.join(out, 'panels-queues-pill.png') });
});

test('a pattern too costly to match a queue name is named under the verdict', async () => {
  await open();
  const long = 'a'.repeat(250);
  await declareQueue(long);
  const policies = await panel('Policies');
  const form = policies.getByRole('form', { name: 'Add / update a policy' });
  await form.getByRole('textbox', { name: 'Name *' }).fill('costly');
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('(?:a?){500}a{500}');
  await form.getByRole('combobox', { name: 'ha-mode' }).selectOption('all');
  const note = form.getByTestId('match-limit');
  await note.waitFor();
  assert.match(await note.textContent(), /never apply to 1 queue\(s\) \('a{250}'\).*match_limit/);
  // RabbitMQ still accepts the policy: the note sits under its verdict.
  await form.getByText('RabbitMQ accepts this policy.').waitFor();
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('^a');
  await note.waitFor({ state: 'detached' });
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('(?:a?){500}a{500}');
  await note.waitFor();
  await policies.screenshot({ path: path.join(out, 'panels-match-limit.png') });
});

test('editing a policy in the form updates the live preview', async () => {
  await open();
  await declareQueue();
  const policies = await panel('Policies');
  const form = policies.getByRole('form', { name: 'Add / update a policy' });
  await form.getByRole('textbox', { name: 'Name *' }).fill('ha-two');
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('^queue_');
  await form.getByRole('combobox', { name: 'ha-mode' }).selectOption('exactly');
  await form.getByRole('textbox', { name: 'ha-params' }).fill('2');
  await form.getByRole('combobox', { name: 'ha-sync-mode' }).selectOption('automatic');
  const json = '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}';
  const definition = form.getByTestId('definition-json');
  await eventually(`the definition ${json}`, async () => (await definition.textContent()) === json);
  const preview = policies.getByRole('region', { name: 'Preview: where master and slaves would be' });
  const row = preview.getByRole('row').filter({ has: t.page.getByRole('rowheader', { name: 'queue_a' }) });
  await row.waitFor();
  let cells = await eventually('the preview of exactly 2', async () => {
    const c = await row.getByRole('cell').allTextContents();
    return c.slice(1, 3).some((x) => x.includes('→ slave')) && c;
  });
  assert.equal(cells[0], 'master');
  assert.equal(cells.slice(1, 3).filter((c) => c.includes('→ slave')).length, 1, cells.join(' | '));
  assert.match(await row.getByRole('rowheader').textContent(), /^queue_aha-two$/);

  // Switching to ha-mode nodes with two ticked nodes moves the preview at once.
  await form.getByRole('combobox', { name: 'ha-mode' }).selectOption('nodes');
  await form.getByRole('checkbox', { name: 'rabbit@node2' }).check();
  await form.getByRole('checkbox', { name: 'rabbit@node3' }).check();
  await t.page.waitForFunction(() =>
    [...document.querySelectorAll('.preview-table tbody tr')].some((r) =>
      r.textContent.includes('queue_a') && r.querySelectorAll('td')[0]?.textContent.includes('master →'),
    ),
  );
  cells = await row.getByRole('cell').allTextContents();
  assert.match(cells[0], /^master → (slave|—)/, cells.join(' | '));
  assert.match(cells[1] + cells[2], /master/, cells.join(' | '));
  await policies.screenshot({ path: path.join(out, 'panels-policy-preview.png') });

  // Bad input: RabbitMQ's own words next to the form; nothing typed is lost.
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('^queue_(');
  await form.getByRole('alert').waitFor();
  assert.match(await form.getByRole('alert').textContent(), /^Error:\n/);
  assert.equal(await form.getByRole('textbox', { name: 'Name *' }).inputValue(), 'ha-two');
  await preview.getByText('No preview while RabbitMQ would refuse the policy.').waitFor();
  await form.getByRole('textbox', { name: 'Pattern *' }).fill('^queue_');

  // Apply: the policy is set through rabbitmqctl and listed.
  await form.getByRole('button', { name: 'Add / update policy' }).click();
  await form.getByText('exit 0').waitFor();
  await policies.getByRole('button', { name: 'Delete policy ha-two' }).waitFor();
  const consolePanel = await panel('Console');
  await consolePanel.getByRole('log').getByText('Setting policy "ha-two"').waitFor();
});

test('a seed command with its typo gets RabbitMQ\'s real error and a gentle note', async () => {
  await open();
  const consolePanel = await runInConsole(SEED_AS_PRINTED);
  const entry = consolePanel.locator('.term-entry').last();
  await entry.waitFor();
  assert.equal(await entry.getAttribute('data-exit'), '69');
  const text = await entry.textContent();
  assert.match(text, /Error:\s*JSON decoding error\. Reason: badarg/);
  assert.match(text, /exit 69/);
  const note = entry.getByRole('note');
  assert.match(await note.textContent(), /full-width “：” \(U\+FF1A\)/);
  assert.match(await note.textContent(), /“ha-mode ” has a space/);

  // The cut-off example waits for the rest of the quote, as a shell does; finished with }' as
  // the seed's own transcript does, RabbitMQ accepts it.
  await consolePanel.getByRole('button', { name: 'Seed 000, ha-mode all, as printed (cut off)' }).click();
  await consolePanel.getByRole('status').filter({ hasText: 'The command is not finished' }).waitFor();
  const input = consolePanel.getByRole('textbox', { name: 'rabbitmqctl console' });
  await input.fill("}'");
  await input.press('Enter');
  await t.page.waitForFunction(() => document.querySelectorAll('.term-entry').length === 2);
  const finished = await consolePanel.locator('.term-entry').last().textContent();
  assert.match(finished, /> }'/);
  assert.match(finished, /Setting policy "mirror_queue"[\s\S]*exit 0/);
  await consolePanel.screenshot({ path: path.join(out, 'panels-console-typo.png') });

  // History: ↑ brings the last command back.
  await input.press('ArrowUp');
  const recalled = /"ha-mode":"all","ha-sync-mode":"automatic"\n}'$/;
  await eventually(`the last command recalled, ${recalled}`, async () => recalled.test(await input.inputValue()));
});

test('the panels in Chinese at 360 px, and on a dark palette', async () => {
  await t.page.setViewportSize({ width: 360, height: 780 });
  await open();
  await t.page.locator('button.lang-btn[lang="zh-CN"]').click();
  await t.page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
  const clients = await panel('客户端');
  await clients.getByRole('button', { name: '连接', exact: true }).click();
  await clients.getByRole('button', { name: '声明', exact: true }).click();
  await runInConsole(SEED_FIXED, '控制台');
  const queues = await panel('队列');
  await queues.getByText('mirror_queue').waitFor();
  await panel('策略');
  await panel('控制台');
  // Nothing may stick out sideways at 360 px.
  const overflow = await t.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `page is ${overflow} px wide`);
  await t.page.screenshot({ path: path.join(out, 'panels-zh-360.png'), fullPage: true });

  // A dark palette through main.css's variables restyles the panels (set through the CSSOM: the
  // page's Content-Security-Policy refuses an added <style> element).
  await t.page.evaluate(() => {
    const dark = { '--bg': '#0f141c', '--surface': '#181f2b', '--ink': '#e6ebf2', '--ink-soft': '#9aa5b5', '--line': '#2a3342' };
    for (const [name, value] of Object.entries(dark)) document.documentElement.style.setProperty(name, value);
  });
  await (await panel('队列')).screenshot({ path: path.join(out, 'panels-dark-queues.png') });
  await (await panel('策略')).screenshot({ path: path.join(out, 'panels-dark-policies.png') });
});

test('every control in the panels has a name and is reachable by keyboard', async () => {
  await open();
  await declareQueue();
  await runInConsole(SEED_FIXED);
  const policies = await panel('Policies');
  await policies.getByRole('combobox', { name: 'ha-mode' }).selectOption('nodes');
  await policies.getByRole('button', { name: '+ Add a key' }).click();
  const unnamed = [];
  for (const name of ['Policies', 'Queues', 'Console', 'Clients']) {
    const region = await panel(name);
    const found = await region.evaluate((root) => {
      const bad = [];
      const controls = root.querySelectorAll('button, input, select, textarea, [tabindex]');
      for (const el of controls) {
        const labelled =
          (el.getAttribute('aria-label') ?? '').trim() ||
          [...(el.labels ?? [])].map((l) => l.textContent.trim()).join('') ||
          (el.getAttribute('aria-labelledby') ?? '')
            .split(' ')
            .map((id) => document.getElementById(id)?.textContent.trim() ?? '')
            .join('') ||
          (el.tagName === 'BUTTON' ? el.textContent.trim() : '') ||
          (el.tagName === 'ABBR' ? el.getAttribute('title') : '');
        if (!labelled) bad.push(el.outerHTML.slice(0, 120));
        if (el.tabIndex < 0) bad.push(`not focusable: ${el.outerHTML.slice(0, 120)}`);
      }
      return { bad, count: controls.length };
    });
    assert.ok(found.count > 0, `${name} has no control`);
    unnamed.push(...found.bad.map((b) => `${name}: ${b}`));
  }
  assert.deepEqual(unnamed, []);
  // Keyboard only: Tab from the console's input reaches its Run button, and Enter runs it.
  const consolePanel = await panel('Console');
  const input = consolePanel.getByRole('textbox', { name: 'rabbitmqctl console' });
  await input.fill('rabbitmqctl list_policies');
  await input.focus();
  await t.page.keyboard.press('Tab');
  assert.equal(await t.page.evaluate(() => document.activeElement.textContent), 'Run');
  await t.page.keyboard.press('Enter');
  await consolePanel.getByText('Listing policies for vhost "/" ...').waitFor();
});
