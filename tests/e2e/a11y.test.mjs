// Accessibility: axe-core (tests/e2e/package.json) checks the page on every tab of the panel area,
// in the light and the dark theme, with the first lesson under way (policy, queue, messages,
// a client on the stage, a node in the inspector) and with a node's menu open; no serious or
// critical violation is allowed. axe runs inside the page through the DevTools protocol, so the
// page's Content-Security-Policy stays in force. `MIRRORSCOPE_AXE_ALL=1` prints every violation
// (moderate and minor ones too) for a closer look. The last test walks the node menu by keyboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { suite, journey, open, shot, doStep, eventually } from './harness.mjs';

const s = suite();
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const TABS = [
  ['Policies', 'policies'],
  ['Queues', 'queues'],
  ['Console', 'console'],
  ['Clients', 'clients'],
  ['Python', 'scripts'],
];
const SERIOUS = new Set(['serious', 'critical']);

/**
 * Runs axe on the page as it is; returns its violations. Besides axe's default rules,
 * `label-content-name-mismatch` (WCAG 2.5.3, experimental in axe) checks that a control's
 * accessible name contains the text it shows.
 */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`),
    }));
  });
}

/** One line per violation and element, for the test's message. */
function describe(violations) {
  return violations
    .flatMap((v) => v.nodes.map((n) => `[${v.impact}] ${v.id} (${v.help}) ${n}`))
    .join('\n');
}

for (const theme of ['light', 'dark']) {
  test(`axe finds no serious violation on any tab (${theme} theme)`, async () => {
    await journey(s, { colorScheme: theme }, async (page) => {
      await open(page, s.baseUrl);
      assert.equal(await page.locator('html').getAttribute('data-theme'), theme);
      await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ index: 0 });
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      for (let i = 0; i < 3; i++) await doStep(page);
      await page.getByRole('button', { name: /^queue_demo: master/ }).first().waitFor();
      // A node in the inspector.
      await page.getByRole('button', { name: 'Actions for rabbit@node2' }).click();
      await page.getByRole('menuitem', { name: 'Inspect' }).click();
      const counts = {};
      const serious = [];
      const seen = async (where) => {
        const found = await axe(page);
        const bad = found.filter((v) => SERIOUS.has(v.impact));
        counts[where] = bad.reduce((n, v) => n + v.nodes.length, 0);
        if (bad.length) serious.push(`${where}:\n${describe(bad)}`);
        if (process.env.MIRRORSCOPE_AXE_ALL) console.log(`# ${theme} ${where}\n${describe(found)}`);
      };
      for (const [tab, id] of TABS) {
        await page.getByRole('tab', { name: tab, exact: true }).click();
        await page.locator(`[role=tabpanel][aria-labelledby="tab-${id}"]`).waitFor();
        await seen(tab);
      }
      await page.getByRole('button', { name: 'Actions for rabbit@node1' }).click();
      await page.getByRole('menu').waitFor();
      await seen('node menu');
      await page.screenshot({ path: shot(`a11y-menu-${theme}.png`) });
      // Printed for the record: serious and critical elements per tab.
      console.log(`# axe ${theme}: ${JSON.stringify(counts)}`);
      assert.equal(serious.length, 0, serious.join('\n\n'));
    });
  });
}

test("the node menu is a keyboard menu: arrows, Home/End, and Escape back to the node's button", async () => {
  await journey(s, {}, async (page) => {
    await open(page, s.baseUrl);
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement;
        return e?.getAttribute('role') === 'menuitem' ? e.textContent : e?.getAttribute('aria-label');
      });
    const opener = page.getByRole('button', { name: 'Actions for rabbit@node2' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    // The focus goes into the menu; disabled items (Start, on a running node) are skipped.
    const items = await menu.locator('[role=menuitem]:not([disabled])').allTextContents();
    assert.ok(items.length >= 3, items.join(', '));
    assert.equal(await focused(), items[0]);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), items[1]);
    await page.keyboard.press('End');
    assert.equal(await focused(), items.at(-1));
    await page.keyboard.press('ArrowDown'); // wraps to the first
    assert.equal(await focused(), items[0]);
    await page.keyboard.press('ArrowUp'); // and back to the last
    assert.equal(await focused(), items.at(-1));
    await page.keyboard.press('Home');
    assert.equal(await focused(), items[0]);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await eventually("the focus back on node2's button", async () => (await focused()) === 'Actions for rabbit@node2');
    // Enter on an item runs it, and the focus comes back to the node too.
    await page.keyboard.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('ArrowDown'); // Stop (controlled)
    assert.equal(await focused(), 'Stop (controlled)');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'rabbit@node2', exact: true }).getByText('stopped', { exact: true }).waitFor();
    await eventually("the focus back on node2's button", async () => (await focused()) === 'Actions for rabbit@node2');
  });
});
