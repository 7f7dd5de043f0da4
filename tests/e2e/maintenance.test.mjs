// Operating a node from its menu (issue 16, items 4 and 5) on the release dist/: maintenance
// mode (`rabbitmq-upgrade drain` / `revive`) badges the node, closes its clients and leaves the
// classic mirrored master where it is; killing one queue process while the node runs (`crash Q
// on NODE`) promotes the oldest mirror and the killed master's restart comes back as a mirror.
// Desktop in English, then a phone in Chinese. Screenshots: tests/e2e/out/maintenance-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, shot, eventually } from './harness.mjs';

const s = suite();

// One ha-mode "all" queue whose master is on node1, a client of node1 and one of node2.
const SCENARIO = [
  'cluster nodes=3',
  `rabbitmqctl set_policy ha "^" '{"ha-mode":"all","ha-sync-mode":"automatic"}'`,
  'client app node=node1',
  'client other node=node2',
  'app declare orders durable',
  'wait 1s',
].join('\n');
const link = (base) => `${base}#s=${Buffer.from(SCENARIO).toString('base64url')}&t=1000000`;

const NODES = ['rabbit@node1', 'rabbit@node2', 'rabbit@node3'];

/** The nodes whose card holds a chip of `orders` in the role named by `role` (a regex part). */
async function nodesWith(page, role) {
  const found = [];
  for (const node of NODES) {
    const chips = page
      .getByRole('group', { name: node, exact: true })
      .getByRole('button', { name: new RegExp(`^orders: ${role}`) });
    if (await chips.count()) found.push(node);
  }
  return found;
}

test('drain and revive a node from its menu (desktop, en)', async () => {
  await journey(s, { viewport: { width: 1280, height: 1000 }, locale: 'en-US' }, async (page) => {
    await page.goto(link(s.baseUrl));
    await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    await eventually('the master on node1', async () => (await nodesWith(page, 'master')).join() === 'rabbit@node1');
    assert.equal(await page.locator('svg.cluster-view g.node-maint').count(), 0);

    await page.getByRole('button', { name: 'Actions for rabbit@node1' }).click();
    await page.getByRole('menuitem', { name: 'Drain (maintenance mode)' }).click();
    const badge = page.locator('svg.cluster-view g.node-maint');
    await badge.waitFor({ timeout: 15_000 });
    assert.equal(await badge.getAttribute('aria-label'), 'rabbit@node1 is in maintenance mode (drained)');
    // 3.10.8 moves quorum-queue leaders only: the classic mirrored master stays on node1.
    assert.deepEqual(await nodesWith(page, 'master'), ['rabbit@node1']);
    // The node's client was closed with 3.10.8's reason (the event log tells it).
    await page.getByRole('combobox', { name: 'Show' }).selectOption({ index: 1 });
    const log = page.getByRole('list', { name: /Trace entries/ });
    await log.getByText(/Node was put into maintenance mode/).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: shot('maintenance-drained-desktop-en.png') });

    // The menu now offers revive instead of drain.
    await page.getByRole('button', { name: 'Actions for rabbit@node1' }).click();
    assert.equal(await page.getByRole('menuitem', { name: 'Drain (maintenance mode)' }).count(), 0);
    await page.getByRole('menuitem', { name: 'Revive (leave maintenance)' }).click();
    await badge.waitFor({ state: 'detached', timeout: 15_000 });
  });
});

test('crash the master queue process from the menu on a phone (zh)', async () => {
  const options = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
  await journey(s, options, async (page) => {
    await page.goto(link(s.baseUrl));
    await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    await eventually('the master on node1', async () => (await nodesWith(page, 'master')).join() === 'rabbit@node1');

    await page.getByRole('button', { name: 'rabbit@node1 的操作' }).tap();
    const menu = page.getByRole('menu');
    await menu.waitFor();
    // Node 1 runs one queue process: the master of orders.
    const items = menu.locator('.menu-crash');
    assert.equal(await items.count(), 1);
    const crash = menu.getByRole('menuitem', { name: '杀死 orders 的 master 进程' });
    const box = await crash.boundingBox();
    assert.ok(box && box.height >= 40 && box.x >= 0 && box.x + box.width <= 390, `the item at ${JSON.stringify(box)}`);
    await page.screenshot({ path: shot('maintenance-crash-menu-phone-zh.png') });
    await crash.tap();
    await menu.waitFor({ state: 'detached' });
    // The link opened paused at 1 s: play on so the promotion happens.
    const play = page.getByRole('button', { name: '播放', exact: true });
    if (await play.count()) await play.first().tap();

    // The oldest mirror is promoted; node1 keeps running and its restarted process is a mirror.
    await eventually('a promoted master elsewhere', async () => {
      const masters = await nodesWith(page, 'master');
      return masters.length === 1 && masters[0] !== 'rabbit@node1';
    });
    await eventually('node1 back as a mirror', async () => (await nodesWith(page, '(?!master)')).includes('rabbit@node1'));
    const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
    await node1.getByText('运行中', { exact: true }).waitFor();
    await page.locator('svg.cluster-view').screenshot({ path: shot('maintenance-crash-phone-zh.png') });
  });
});
