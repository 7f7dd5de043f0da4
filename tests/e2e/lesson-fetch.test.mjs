// The lessons' texts are not in the wasm (issue 18): the page fetches dist/lessons/*.scn once it
// has drawn, and the course list fills in when they have arrived. When a file cannot be had the
// card says which and why, the rest of the page goes on working, and nothing else breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite, newPage, open, eventually, clockMoved } from './harness.mjs';

const s = suite();
const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(path.join(here, '../../lessons')).filter((f) => f.endsWith('.scn'));

test('the course list fills in from the fetched lesson files', async () => {
  const { page, problems, context } = await newPage(s.browser);
  const fetched = new Set();
  page.on('response', (r) => {
    const m = /\/lessons\/([^/]+\.scn)$/.exec(r.url());
    if (m && r.ok()) fetched.add(m[1]);
  });
  try {
    await open(page, s.baseUrl);
    const pick = page.locator('.lessons select');
    await eventually('the course list enabled', async () => !(await pick.isDisabled()));
    assert.equal(await pick.locator('option').count(), files.length);
    assert.deepEqual([...fetched].sort(), [...files].sort());
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], 'the page reported errors');
});

test('a lesson file that cannot be fetched is named, and the page still runs', async () => {
  const { page, problems, context } = await newPage(s.browser);
  const missing = files[0];
  await page.route(`**/lessons/${missing}`, (route) => route.fulfill({ status: 404, body: 'not found' }));
  try {
    await open(page, s.baseUrl);
    const alert = page.locator('.lessons .notice.error[role="alert"]');
    await alert.waitFor({ timeout: 15_000 });
    const text = await alert.textContent();
    assert.match(text, /The lessons could not be loaded/);
    assert.ok(text.includes(`lessons/${missing}: HTTP 404`), text);
    assert.ok(await page.locator('.lessons select').isDisabled(), 'no course list without its lessons');
    // The playground itself is untouched: the clock still runs when played.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await clockMoved(page);
  } finally {
    await context.close();
  }
  // The one 404 (and the browser's console line for it) is what the test asked for; anything
  // else is a problem.
  const expected = (p) =>
    p.includes(`/lessons/${missing}`) || p === 'console error: Failed to load resource: the server responded with a status of 404 (Not Found)';
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
});
