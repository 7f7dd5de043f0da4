// End-to-end journeys on the stage, on the release dist/ in headless Chromium. Controls are
// found by role and accessible name, in the language each journey switches to first. Any page
// error, console error or failed request fails a journey; screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey as journeyIn, newPage, open, shot, clockMoved, eventually, doStep } from './harness.mjs';

const h = suite();

/** A fresh page; the journey's body gets it and the page's problems are checked after. */
const journey = (options, body) => journeyIn(h, options, body);

async function english(page) {
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
}

// A chip's name is its queue and role, then what it holds.
const masterChip = /^queue_demo: master \(leader\) — holds \d+ messages/;
const syncedChip = /^queue_demo: slave \(mirror\), synchronised — holds \d+ messages/;

/** Which node's card holds a chip whose accessible name matches. */
async function nodeWith(page, name) {
  for (const node of ['rabbit@node1', 'rabbit@node2', 'rabbit@node3']) {
    const g = page.getByRole('group', { name: node, exact: true });
    if (await g.getByRole('button', { name }).count()) return node;
  }
  return null;
}

/** The seeds' walkthrough, set up through the lesson: exactly-2 policy, queue, 3 messages. */
async function walkthrough(page) {
  await open(page, h.baseUrl);
  await english(page);
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ index: 0 });
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  for (let i = 0; i < 3; i++) await doStep(page);
  await page
    .getByRole('group', { name: 'rabbit@node1', exact: true })
    .getByRole('button', { name: masterChip })
    .waitFor();
}

test('stop the master node and watch the slave become master', async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    const mirror = await nodeWith(page, syncedChip);
    assert.ok(mirror && mirror !== 'rabbit@node1', `a synchronised slave on another node, got ${mirror}`);
    await page.screenshot({ path: shot('stage-before-stop.png') });

    // Stop node1 from its menu.
    await page.getByRole('button', { name: 'Actions for rabbit@node1' }).click();
    await page.getByRole('menuitem', { name: 'Stop (controlled)' }).click();
    const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
    await node1.getByText('stopped', { exact: true }).waitFor();

    // A stop returns once the shutdown is complete: the slave is already master, unplayed.
    await page
      .getByRole('group', { name: mirror, exact: true })
      .getByRole('button', { name: masterChip })
      .waitFor({ timeout: 15_000 });
    assert.equal(await node1.getByRole('button', { name: masterChip }).count(), 0);
    // The log tells the promotion as RabbitMQ logs it.
    await page.getByRole('combobox', { name: 'Show' }).selectOption({ index: 1 });
    const log = page.getByRole('list', { name: /Trace entries/ });
    await log.getByText(/Promoting mirror/).first().waitFor();
    await page.screenshot({ path: shot('stage-after-stop.png') });
  });
});

test('scrub back, act in the past, and bring the old future back', async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    await doStep(page); // stop rabbit@node1: it returns once the slave is promoted (~200 ms)
    const timeline = page.getByRole('slider', { name: 'Timeline' });
    const max = async () => Number(await timeline.getAttribute('max'));
    await eventually('the run past the stop', async () => (await max()) >= 200_000);
    const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
    await node1.getByText('stopped', { exact: true }).waitFor();

    // Back to 50 ms: node1 runs and is the master again; the clock says we are in the past.
    await timeline.fill('50000');
    await node1.getByText('running', { exact: true }).waitFor();
    await node1.getByRole('button', { name: masterChip }).waitFor();
    await page.getByText('in the past: acting here forks the run').waitFor();
    await page.screenshot({ path: shot('stage-scrubbed-back.png') });

    // Acting here forks: kill node2 instead. The stop is gone and the bar says so.
    await page.getByRole('button', { name: 'Actions for rabbit@node2' }).click();
    await page.getByRole('menuitem', { name: 'Kill (crash)' }).click();
    await page.getByRole('status').getByText(/the run forked there and 1 later input\(s\) were discarded/).waitFor();
    await eventually('the run cut at 50 ms', async () => (await max()) === 50_000);
    await page.getByRole('group', { name: 'rabbit@node2', exact: true }).getByText('crashed', { exact: true }).waitFor();
    await page.screenshot({ path: shot('stage-forked.png') });

    // The discarded future can be brought back.
    await page.getByRole('button', { name: 'Bring the old future back' }).click();
    await page.getByRole('button', { name: 'Jump to the present' }).click();
    await node1.getByText('stopped', { exact: true }).waitFor();
    await eventually('the old future back', async () => (await max()) >= 200_000);
  });
});

test('inspect a replica, a message and its lineage; a hop moves the clock', async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
    await node1.getByRole('button', { name: masterChip }).click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByText('master (leader)').waitFor();
    assert.equal(await inspector.locator('dt', { hasText: 'Ready' }).locator('+ dd').textContent(), '3');

    // The first publish in the log (scrolled back to the top), then its lineage.
    const log = page.getByRole('list', { name: /Trace entries/ });
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await log.getByRole('button', { name: /publish "order1" seq=1/ }).first().click();
    await inspector.getByRole('heading', { name: 'Lineage of "order1"' }).waitFor();
    const hops = inspector.getByRole('listitem');
    const names = await hops.allTextContents();
    for (const want of ['publish → master', 'publish → slave (mirror)', 'GM ring, first lap', 'replica confirm', 'basic.ack to the publisher']) {
      assert.ok(names.some((n) => n.includes(want)), `lineage has ${want}: ${names.join(' | ')}`);
    }
    // Choosing the publisher's confirm moves the clock to it.
    await hops.filter({ hasText: 'basic.ack to the publisher' }).getByRole('button').click();
    const timeline = page.getByRole('slider', { name: 'Timeline' });
    await eventually('the clock moved to the confirm', async () => Number(await timeline.inputValue()) > 0);
    await page.screenshot({ path: shot('stage-lineage.png') });
  });
});

test('drop one message in flight: it vanishes and the log says it was lost', async () => {
  await journey({}, async (page) => {
    await open(page, h.baseUrl);
    await english(page);
    await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ index: 0 });
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    // Policy, then the client publishes: at this instant the publishes are on the wire.
    for (let i = 0; i < 2; i++) await doStep(page);
    const log = page.getByRole('list', { name: /Trace entries/ });
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await log.getByRole('button', { name: /publish "order3" seq=3/ }).first().click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByText('in flight', { exact: true }).waitFor();
    await inspector.getByRole('button', { name: 'Drop this message' }).click();
    await doStep(page); // wait 100ms
    await page.getByRole('combobox', { name: 'Show' }).selectOption({ index: 1 });
    await log.getByText(/✕ #\d+/).first().waitFor();
    await page.screenshot({ path: shot('stage-dropped.png') });
  });
});

test('switches to Chinese: controls carry Chinese names', async () => {
  await journey({ locale: 'en-US' }, async (page) => {
    await walkthrough(page);
    await page.getByRole('button', { name: '中文' }).click();
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    for (const name of ['播放', '单步', '下一个关键事件']) {
      await page.getByRole('button', { name, exact: true }).waitFor();
    }
    for (const name of ['速度', '时间轴']) {
      await page.getByRole('slider', { name }).waitFor();
    }
    await page.getByRole('button', { name: 'rabbit@node1 的操作' }).click();
    await page.getByRole('menuitem', { name: '停止（正常关闭）' }).click();
    await page.getByRole('group', { name: 'rabbit@node1', exact: true }).getByText('已停止', { exact: true }).waitFor();
    await page.getByRole('button', { name: '播放', exact: true }).click();
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();
    await clockMoved(page, '时间轴');
    await page.getByRole('button', { name: '暂停', exact: true }).click();
    await page.screenshot({ path: shot('stage-zh.png'), fullPage: true });
  });
});

test('keyboard: space plays and pauses, ? opens the shortcuts, ← and → step', async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    const timeline = page.getByRole('slider', { name: 'Timeline' });
    const at = async () => Number(await timeline.inputValue());
    const end = await at();
    await page.keyboard.press('ArrowLeft');
    await eventually(`← back from ${end}`, async () => (await at()) < end);
    const back = await at();
    await page.keyboard.press('ArrowLeft');
    await eventually(`← back again from ${back}`, async () => (await at()) < back);
    await page.keyboard.press('ArrowRight');
    await eventually(`→ to the next event, ${back}`, async () => (await at()) === back);
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.ok((await dialog.textContent()).includes('Jump to the next interesting event'));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});

test('a shared link replays the session; a broken one is reported', async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    await doStep(page); // stop rabbit@node1
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByRole('textbox', { name: 'Link to this session' }).inputValue();
    assert.match(link, /#v=1&z=[A-Za-z0-9_-]+&t=\d+$/);

    const other = await newPage(h.browser);
    try {
      await open(other.page, link);
      const node1 = other.page.getByRole('group', { name: 'rabbit@node1', exact: true });
      await node1.getByText('stopped', { exact: true }).waitFor();
      assert.equal(await node1.getByRole('button', { name: masterChip }).count(), 0);
      const want = await page.getByRole('slider', { name: 'Timeline' }).getAttribute('max');
      const slider = other.page.getByRole('slider', { name: 'Timeline' });
      await eventually(`the replay's end at ${want}`, async () => (await slider.getAttribute('max')) === want);
    } finally {
      await other.context.close();
    }
    assert.deepEqual(other.problems, []);

    await open(page, `${h.baseUrl}#s=bm90IGEgc2NlbmFyaW8&t=5`);
    await page.getByRole('alert').getByText(/could not be loaded/).waitFor();
    await page.screenshot({ path: shot('stage-bad-link.png') });
  });
});

test('partition and heal; add a node before the run starts and during it', async () => {
  await journey({}, async (page) => {
    await open(page, h.baseUrl);
    await english(page);
    await page.getByRole('button', { name: 'Add a node' }).click();
    await page.getByRole('group', { name: 'rabbit@node4', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Partition…' }).click();
    const editor = page.getByRole('group', { name: 'Cut the network into sides' });
    await editor.getByRole('combobox', { name: 'rabbit@node1' }).selectOption({ index: 1 });
    await editor.getByRole('button', { name: 'Cut the links' }).click();
    // node1 and node4 on side B, node2 and node3 on side A: four links cross the cut.
    await page.getByRole('group', { name: 'rabbit@node1', exact: true }).getByText('side B').waitFor();
    await eventually('four links cut', async () => (await page.locator('svg.cluster-view line.link-cut').count()) === 4);
    await page.screenshot({ path: shot('stage-partition.png') });
    await page.getByRole('button', { name: 'Heal the network' }).click();
    await page.locator('svg.cluster-view line.link-cut').first().waitFor({ state: 'detached' });
    // The run has started: a node can still join the live cluster, and leave it again.
    await page.getByRole('button', { name: 'Add a node' }).click();
    await page.getByRole('group', { name: 'rabbit@node5', exact: true }).waitFor();
    await page.getByRole('group', { name: 'rabbit@node5', exact: true }).getByText('running', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove a node' }).click();
    await page.getByRole('group', { name: 'rabbit@node5', exact: true }).waitFor({ state: 'detached' });
    await eventually('four nodes', async () => (await page.locator('svg.cluster-view g.node').count()) === 4);
  });
});

test('cut a single link from the partition editor (a partial partition), then heal it', async () => {
  await journey({}, async (page) => {
    await open(page, h.baseUrl);
    await english(page);
    await page.getByRole('button', { name: 'Partition…' }).click();
    const editor = page.getByRole('group', { name: 'Cut the network into sides' });
    const first = editor.getByRole('combobox', { name: 'First node of the link' });
    const second = editor.getByRole('combobox', { name: 'Second node of the link' });
    await first.selectOption('rabbit@node2');
    await second.selectOption('rabbit@node2');
    await eventually('no link from a node to itself', async () => editor.getByRole('button', { name: 'Cut this link' }).isDisabled());
    await second.selectOption('rabbit@node3');
    await editor.getByRole('button', { name: 'Cut this link' }).click();
    // One link is cut; node2 and node3 still reach node1, so every node stays running.
    await eventually('one link cut', async () => (await page.locator('svg.cluster-view line.link-cut').count()) === 1);
    for (const n of [1, 2, 3]) {
      await page.getByRole('group', { name: `rabbit@node${n}`, exact: true }).getByText('running', { exact: true }).waitFor();
    }
    await page.screenshot({ path: shot('stage-partial-partition.png') });
    await page.getByRole('button', { name: 'Heal the network' }).click();
    await page.locator('svg.cluster-view line.link-cut').first().waitFor({ state: 'detached' });
  });
});

test("remove the master's node during the run: the slave takes over; + brings the node back", async () => {
  await journey({}, async (page) => {
    await walkthrough(page);
    const mirror = await nodeWith(page, syncedChip);
    assert.ok(mirror && mirror !== 'rabbit@node1', `a synchronised slave on another node, got ${mirror}`);
    await page.getByRole('button', { name: 'Actions for rabbit@node1' }).click();
    await page.getByRole('menuitem', { name: 'Remove from cluster' }).click();
    await page.getByRole('group', { name: 'rabbit@node1', exact: true }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('svg.cluster-view g.node').count(), 2);

    // The console shows what was run, with rabbitmqctl's own output.
    const tab = page.getByRole('tab', { name: 'Console', exact: true });
    if (await tab.count()) await tab.click();
    const log = page.getByRole('log', { name: 'Console output' });
    await log.getByText('Stopping rabbit application on node rabbit@node1 ...').waitFor();
    await log.getByText('Removing node rabbit@node1 from the cluster').waitFor();

    // Play until the slave is promoted; the queue keeps its three messages.
    await page.screenshot({ path: shot('probe-after-stop.png') });
    console.log('PROBE', await page.locator('.clock-readout, .time-readout, output').allTextContents());
    await page
      .getByRole('group', { name: mirror, exact: true })
      .getByRole('button', { name: masterChip })
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: shot('stage-node-removed.png'), fullPage: true });

    // + brings node1 back: reset, joined and started (exactly 2 already has its two replicas).
    await page.getByRole('button', { name: 'Add a node' }).click();
    const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
    await node1.getByText('running', { exact: true }).waitFor();
    await eventually('three nodes', async () => (await page.locator('svg.cluster-view g.node').count()) === 3);
    await page.screenshot({ path: shot('stage-node-rejoined.png') });
  });
});

test('fits a 360 px phone and has a dark theme', async () => {
  await journey({ viewport: { width: 360, height: 780 }, colorScheme: 'dark' }, async (page) => {
    await walkthrough(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await page.screenshot({ path: shot('stage-phone-dark.png'), fullPage: true });
  });
});
