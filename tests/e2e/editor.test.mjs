// End-to-end: a learner's journey through the Python clients panel on the release dist/, in
// headless Debian Chromium. Controls are found by role and accessible name. Any page error,
// console error or failed request fails the test; screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePerTest, out, eventually, idle } from './harness.mjs';
import path from 'node:path';

const t = pagePerTest({ viewport: { width: 1280, height: 1000 }, locale: 'en-US' });

const PUBLISHER = `import pika

conn = pika.BlockingConnection(pika.ConnectionParameters('node1.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)
ch.confirm_delivery()
for i in range(3):
    ch.basic_publish(exchange='', routing_key='orders', body=f'order {i}',
                     properties=pika.BasicProperties(delivery_mode=2))
    print('confirmed', i)
conn.close()
`;

const CONSUMER = `import pika

conn = pika.BlockingConnection(pika.ConnectionParameters('node2.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)

def on_message(ch, method, properties, body):
    print('received', body.decode())
    ch.basic_ack(delivery_tag=method.delivery_tag)

ch.basic_consume(queue='orders', on_message_callback=on_message)
ch.start_consuming()
`;

/** Opens the page with the Python tab forward and the clock running (scripts live in time). */
async function open() {
  await t.page.goto(idle(t.baseUrl));
  const tab = t.page.getByRole('tab', { name: 'Python', exact: true });
  await tab.waitFor({ timeout: 30_000 });
  await tab.click();
  const play = t.page.getByRole('button', { name: 'Play', exact: true });
  if (await play.count()) await play.first().click();
}

function client(name) {
  return t.page.getByRole('article', { name: `Client ${name}` });
}

async function setCode(name, code) {
  const box = client(name).getByRole('textbox', { name: `Python code of ${name}` });
  await box.fill(code);
  // The colouring layer follows the text as typed.
  await client(name).locator('.code-layer .ln').nth(code.split('\n').length - 1).waitFor({ state: 'attached' });
}

test('two clients run pika, lines and wire events are linked both ways', async () => {
  await open();
  const panel = t.page.getByRole('region', { name: 'Python clients' });
  await panel.waitFor({ timeout: 30_000 });

  await setCode('app2', CONSUMER);
  await setCode('app1', PUBLISHER);
  // The consumer first: it waits in start_consuming() for deliveries.
  await client('app2').getByRole('button', { name: 'Run' }).click();
  await client('app2').locator('.script-status', { hasText: 'waiting in start_consuming()' }).waitFor({ timeout: 15_000 });
  await client('app1').getByRole('button', { name: 'Run' }).click();

  const pubOut = client('app1').getByRole('log', { name: 'Output · app1' });
  await pubOut.filter({ hasText: 'confirmed 2' }).waitFor({ timeout: 15_000 });
  await client('app1').locator('.script-status', { hasText: 'finished' }).waitFor();
  const subOut = client('app2').getByRole('log', { name: 'Output · app2' });
  await subOut.filter({ hasText: 'received order 2' }).waitFor({ timeout: 15_000 });
  assert.equal(await subOut.textContent(), 'received order 0\nreceived order 1\nreceived order 2\n');

  // Hovering the line that publishes lights up its frames in the event list (and for the stage).
  const line8 = client('app1').getByRole('button', { name: /^Line 8: \d+ events$/ });
  const label = await line8.getAttribute('aria-label');
  const count = Number(label.match(/: (\d+) events/)[1]);
  assert.ok(count >= 9, `line 8 linked ${count} events`);
  await line8.hover();
  await client('app1').locator('.ln.hovered').waitFor();
  const lit = await client('app1').locator('.script-events li.lit').count();
  assert.ok(lit > 0, 'hovered line lights events');

  // Picking an event marks the line that caused it.
  const events = client('app1').getByRole('list', { name: 'What it did on the wire · app1' });
  const declare = events.getByRole('button', { name: /queue\.declare orders durable/ });
  await declare.click();
  await client('app1').locator('.ln.picked').waitFor();
  assert.equal(await client('app1').locator('.gl.picked').textContent(), '5');
  assert.equal(await declare.getAttribute('aria-pressed'), 'true');

  await t.page.screenshot({ path: path.join(out, 'editor-run.png'), fullPage: true });
});

test('Step walks a script one statement at a time; a syntax error is shown where typed', async () => {
  await open();
  await t.page.getByRole('region', { name: 'Python clients' }).waitFor({ timeout: 30_000 });
  await t.page.getByRole('button', { name: 'Add a client' }).click();
  await setCode('app3', "import pika\nch = pika.BlockingConnection().channel()\nprint(ch.basic_get('nope'))\n");
  const step = client('app3').getByRole('button', { name: 'Step' });
  const status = client('app3').locator('.script-status');
  await step.click();
  await status.filter({ hasText: 'paused before line 2' }).waitFor();
  await step.click();
  await status.filter({ hasText: 'paused before line 3' }).waitFor();
  assert.equal(await client('app3').locator('.gl.current').textContent(), '3');
  await step.click();
  await status.filter({ hasText: 'failed with an exception' }).waitFor();
  const output = await client('app3').getByRole('log', { name: 'Output · app3' }).textContent();
  assert.match(output, /pika\.exceptions\.ChannelClosedByBroker: \(404, "NOT_FOUND - no queue 'nope' in vhost '\/'"\)\n$/);

  await setCode('app3', 'import pika\nfor i in range(3)\n    print(i)\n');
  const alert = client('app3').getByRole('alert');
  assert.match(await alert.textContent(), /^SyntaxError at line 2, column \d+: /);
  assert.equal(await client('app3').locator('.gl.error').textContent(), '2');
  const run = client('app3').getByRole('button', { name: 'Run' });
  await eventually('Run disabled', () => run.isDisabled());
  await t.page.screenshot({ path: path.join(out, 'editor-step.png'), fullPage: true });
});
