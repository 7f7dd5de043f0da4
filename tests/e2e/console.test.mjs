// End-to-end journeys of issue 14 (parts 1 and 2) on the release dist/: whole blocks pasted
// from the course notes into the console (tests/console/*.sh are the seed's blocks,
// unmodified), rabbitmq.conf edited in the console and read on the node's next start, and the
// cluster settings dialog. Screenshots go to tests/e2e/out/console-*.png and settings-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite, journey, open, out } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const block = (name) => readFile(path.join(here, '../console', name), 'utf8');

const s = suite();
const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'en-US' };
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'en-US', isMobile: true, hasTouch: true };

/** The console panel, its tab brought forward where the page has tabs. */
async function consolePanel(page) {
  const tab = page.getByRole('tab', { name: 'Console', exact: true });
  if (await tab.count()) await tab.first().click();
  const region = page.getByRole('region', { name: 'Console', exact: true });
  await region.waitFor();
  return region;
}

/** Pastes `text` into the console's input as one paste and presses Enter; waits for `entries`
 *  more console entries. */
async function paste(page, text, entries) {
  const panel = await consolePanel(page);
  const before = await panel.locator('.term-entry').count();
  const input = panel.getByRole('textbox', { name: 'rabbitmqctl console' });
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction(
    ([n]) => document.querySelectorAll('.console-panel .term-entry').length >= n,
    [before + entries],
    { timeout: 20_000 },
  );
  return panel.locator('.term-entry').evaluateAll(
    (els, from) =>
      els.slice(from).map((e) => ({
        input: e.querySelector('.term-input')?.textContent ?? '',
        output: e.querySelector('.term-output')?.textContent ?? '',
        exit: Number(e.dataset.exit),
      })),
    before,
  );
}

/** The Timeline slider's value: the simulated time on display, in microseconds. */
async function now(page) {
  return Number(await page.getByRole('slider', { name: 'Timeline' }).inputValue());
}

/** Cuts node3 off with the page's partition editor; returns the editor's outlook text and the
 *  time of the cut. */
async function cutLastNode(page, screenshot) {
  await page.getByRole('button', { name: 'Partition…' }).click();
  const editor = page.getByRole('group', { name: 'Cut the network into sides' });
  const outlook = await editor.locator('.partition-outlook').textContent();
  if (screenshot) await editor.screenshot({ path: path.join(out, screenshot) });
  const t0 = await now(page);
  await editor.getByRole('button', { name: 'Cut the links' }).click();
  await page.getByRole('button', { name: 'Heal' }).waitFor();
  return { outlook, t0 };
}

/** Seconds from `t0` to the next notable event (the sides declaring each other down). */
async function nextEventAfter(page, t0) {
  await page.getByRole('button', { name: 'Next interesting event' }).first().click();
  await page.waitForFunction(
    ([t]) => Number(document.querySelector('input[aria-label="Timeline"]')?.value) > t,
    [t0],
    { timeout: 20_000 },
  );
  return ((await now(page)) - t0) / 1e6;
}

test('the seed 004 §2.3 block pasted unmodified sets every policy, one entry per command', async () => {
  await journey(s, DESKTOP, async (page) => {
    await open(page, s.baseUrl);
    const entries = await paste(page, await block('seed004_2_3.sh'), 4);
    assert.equal(entries.length, 4);
    assert.deepEqual(entries.map((e) => e.exit), [0, 0, 0, 0]);
    for (const name of ['ha-all', 'ha-important', 'ha-orders']) {
      assert.ok(entries.some((e) => e.output.includes(`Setting policy "${name}"`)), name);
      assert.ok(entries[3].output.includes(name), entries[3].output);
    }
    // The comments are skipped: no entry runs (or blames) one.
    assert.ok(entries.every((e) => !e.input.includes('所有队列') && !e.input.includes('查看所有策略')));
    const panel = await consolePanel(page);
    await panel.screenshot({ path: path.join(out, 'console-block-desktop.png') });
  });
});

test('the seed 004 §6.3 script pasted unmodified sets the priorities and echoes', async () => {
  await journey(s, DESKTOP, async (page) => {
    await open(page, s.baseUrl);
    const entries = await paste(page, await block('seed004_6_3.sh'), 5);
    assert.deepEqual(entries.map((e) => e.exit), [0, 0, 0, 0, 0]);
    assert.equal(entries[3].output, '镜像策略配置完成');
    const table = entries[4].output;
    for (const [name, priority] of [['ha-critical', 100], ['ha-important', 80], ['ha-normal', 60]]) {
      const row = table.split('\n').find((l) => l.includes(name));
      assert.ok(row?.trim().endsWith(String(priority)), `${name}: ${row}`);
    }
  });
});

test('echo "net_ticktime = 30" >> rabbitmq.conf and a restart make the partition detected sooner', async () => {
  // Before: the default net_ticktime (60 s): each node gives up on a silent peer after 60–76.2 s
  // (1–1.27 × net_ticktime, as a 3.10.8 cluster measured; issue 10).
  await journey(s, DESKTOP, async (page) => {
    await open(page, s.baseUrl);
    const { t0 } = await cutLastNode(page);
    const after = await nextEventAfter(page, t0);
    assert.ok(after >= 60, `detected after ${after} s`);
  });
  await journey(s, DESKTOP, async (page) => {
    await open(page, s.baseUrl);
    const e = await paste(page, await block('seed004_5_1.sh'), 2);
    assert.deepEqual(e.map((x) => x.exit), [0, 0]);
    const r = await paste(page, 'cat /etc/rabbitmq/rabbitmq.conf && systemctl restart rabbitmq-server', 2);
    assert.equal(r[0].output, 'net_ticktime = 30');
    assert.equal(r[1].exit, 0);
    const { outlook, t0 } = await cutLastNode(page);
    assert.match(outlook, /net_ticktime \(30 s/);
    const after = await nextEventAfter(page, t0);
    assert.ok(after >= 30 && after <= 38.1, `detected after ${after} s`);
  });
});

test('a syntax error in rabbitmq.conf stops the node from starting', async () => {
  await journey(s, DESKTOP, async (page) => {
    await open(page, s.baseUrl);
    const e = await paste(
      page,
      "echo 'net_ticktime 30' >> /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server",
      2,
    );
    assert.equal(e[1].exit, 1);
    assert.match(e[1].output, /Syntax error in \/etc\/rabbitmq\/rabbitmq.conf after line 1/);
    assert.match(e[1].output, /BOOT FAILED/);
  });
});

test('pause_minority chosen in the settings dialog pauses the minority', async () => {
  for (const [name, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await journey(s, options, async (page) => {
      await open(page, s.baseUrl);
      await page.getByRole('button', { name: 'Cluster settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cluster settings' });
      await dialog.getByRole('combobox', { name: 'cluster_partition_handling' }).selectOption('pause_minority');
      await dialog.getByText('pause_minority: a node that sees half').waitFor();
      await dialog.screenshot({ path: path.join(out, `settings-dialog-${name}.png`) });
      await page.screenshot({ path: path.join(out, `settings-page-${name}.png`) });
      await dialog.getByRole('button', { name: 'Write rabbitmq.conf and restart the nodes' }).click();
      await dialog.waitFor({ state: 'detached' });
      // Every node got the line and was restarted, in the console as an operator would.
      const panel = await consolePanel(page);
      await panel.getByText('cluster_partition_handling = pause_minority').first().waitFor();
      const { outlook, t0 } = await cutLastNode(page, `partition-outlook-${name}.png`);
      assert.match(outlook, /cluster_partition_handling in force: pause_minority/);
      assert.match(outlook, /rabbit@node3 will pause \(it sees 1 of 3 nodes\)/);
      // Each node gives up on each silent peer after 60–76.2 s, one pair at a time (each a
      // notable event: "next interesting" stops at each); it runs ahead a
      // minute at most per press.
      const paused = page.locator('svg.cluster-view g.node.state-paused[data-node="rabbit@node3"]');
      let at = t0;
      for (let i = 0; i < 10 && !(await paused.count()); i++) {
        await nextEventAfter(page, at);
        at = await now(page);
      }
      await paused.waitFor({ timeout: 20_000 });
      assert.ok(at - t0 >= 60e6 && at - t0 <= 76.2e6, `paused after ${(at - t0) / 1e6} s`);
      assert.equal(await page.locator('svg.cluster-view g.node.state-paused').count(), 1);
      if (name === 'phone') {
        const panel = await consolePanel(page);
        await panel.screenshot({ path: path.join(out, 'console-block-phone.png') });
      }
    });
  }
});
