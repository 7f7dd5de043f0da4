// Exchanges and bindings in the page (issue 16 item 1, src/ui/panels/exchanges.rs and
// src/ui/stage/exchanges.rs) on the release dist/: a learner's pika script declares an
// exchange and binds a queue; the Exchanges tab lists both as the management UI would, and the
// stage draws the exchange above the nodes with a line to the queue's master. Then the same on
// a phone in Chinese, from a link. Screenshots: tests/e2e/out/exchanges-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, idle, shot } from './harness.mjs';

const s = suite();

const SCRIPT = `import pika
ch = pika.BlockingConnection(pika.ConnectionParameters('node1.example.com')).channel()
ch.exchange_declare(exchange='logs', exchange_type='fanout', durable=True)
ch.queue_declare(queue='audit', durable=True)
ch.queue_bind(queue='audit', exchange='logs', routing_key='all')
print('bound')
`;

test('a pika script declares and binds; the panel lists it and the stage draws it (desktop, en)', async () => {
  await journey(s, { viewport: { width: 1280, height: 1000 }, locale: 'en-US' }, async (page) => {
    await page.goto(idle(s.baseUrl));
    await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    // Only the predeclared exchanges: nothing on the stage.
    assert.equal(await page.locator('svg.cluster-view g.exchange-strip').count(), 0);
    await page.getByRole('tab', { name: 'Python', exact: true }).click();
    const play = page.getByRole('button', { name: 'Play', exact: true });
    if (await play.count()) await play.first().click();
    const app1 = page.getByRole('article', { name: 'Client app1' });
    await app1.getByRole('textbox', { name: 'Python code of app1' }).fill(SCRIPT);
    await app1.getByRole('button', { name: 'Run' }).click();
    await app1.getByRole('log', { name: 'Output · app1' }).filter({ hasText: 'bound' }).waitFor({ timeout: 30_000 });

    await page.getByRole('tab', { name: 'Exchanges', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Exchanges', exact: true });
    await panel.waitFor();
    const row = panel.locator('.exchanges-table tr', { hasText: 'logs' });
    await row.waitFor();
    assert.match(await row.textContent(), /fanout/);
    assert.equal(await row.locator('abbr', { hasText: /^D$/ }).count(), 1);
    const bindings = panel.getByRole('region', { name: 'Bindings of queue audit' });
    await bindings.waitFor();
    assert.match(await bindings.textContent(), /\(Default exchange binding\)/);
    assert.match(await bindings.textContent(), /logs\s*all/);

    const strip = page.locator('svg.cluster-view g.exchange-strip');
    await strip.waitFor({ timeout: 15_000 });
    assert.match(await strip.getAttribute('aria-label'), /cluster-wide/);
    assert.equal(await strip.locator('g.exchange-pill').count(), 1);
    assert.match(await strip.locator('g.exchange-pill').getAttribute('aria-label'), /logs \(fanout\) · 1 bound/);
    assert.equal(await strip.locator('line.exchange-binding').count(), 1);
    await page.screenshot({ path: shot('exchanges-desktop-en.png'), fullPage: true });
  });
});

test('a link with exchanges opens on a phone in Chinese with the strip and the tab', async () => {
  const scenario = [
    'cluster nodes=5',
    'client app node=node2',
    'app declare orders durable',
    'app declare audit durable',
    'app exchange_declare events type=topic durable',
    'app exchange_declare fanout-all type=fanout',
    'app bind orders events key=order.*',
    'app bind audit events key=#',
    'app bind audit fanout-all',
    'wait 1s',
  ].join('\n');
  const hash = `#s=${Buffer.from(scenario).toString('base64url')}&t=900000`;
  await journey(s, { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true }, async (page) => {
    await page.goto(s.baseUrl + hash);
    await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
    const strip = page.locator('svg.cluster-view g.exchange-strip');
    await strip.waitFor({ timeout: 15_000 });
    assert.equal(await strip.getAttribute('aria-label'), '交换器（集群范围）及其到队列主节点的绑定');
    assert.equal(await strip.locator('g.exchange-pill').count(), 2);
    assert.equal(await strip.locator('line.exchange-binding').count(), 3);
    await page.getByRole('tab', { name: '交换器', exact: true }).click();
    const panel = page.getByRole('region', { name: '交换器', exact: true });
    await panel.getByRole('region', { name: '队列 audit 的绑定' }).waitFor();
    await page.locator('svg.cluster-view').screenshot({ path: shot('exchanges-phone-zh-stage.png') });
    await page.screenshot({ path: shot('exchanges-phone-zh.png'), fullPage: true });
  });
});
