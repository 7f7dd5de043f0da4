// The cost-of-mirroring lab (src/ui/panels/lab.rs) on the release dist/: open the Lab tab, run a
// small configuration, wait for the plots (condition waits only), look at them in English on a
// desktop and in Chinese on a phone; a Stop in the middle of a long run keeps what was measured.
// Screenshots go to tests/e2e/out/lab-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open, shot } from './harness.mjs';

const s = suite();

const SMALL = {
  nodes: '3',
  mirrors: '0,1,all',
  publishers: '1',
  rate: '50',
  seconds: '1',
  batch: '1,16,256',
  'sync-messages': '300',
  ticktime: '1,3',
};

/** Opens the Lab tab (named `tab` in the page's language) and fills the small configuration. */
async function openLab(page, tab) {
  await open(page, s.baseUrl);
  await page.getByRole('tab', { name: tab, exact: true }).click();
  const lab = page.getByRole('region', { name: tab, exact: true });
  await lab.waitFor();
  for (const [name, value] of Object.entries(SMALL)) {
    await lab.locator(`#lab-${name}`).fill(value);
  }
  return lab;
}

async function runToEnd(page, lab, done) {
  await lab.locator('#lab-run').click();
  await lab.getByRole('status').filter({ hasText: done }).waitFor({ timeout: 120_000 });
  await lab.locator('#lab-plot-detect svg rect').first().waitFor();
  assert.equal(await lab.locator('figure.lab-plot svg').count(), 6);
}

test('the lab runs a small configuration and draws its plots (en, 1280×800)', async () => {
  await journey(s, { viewport: { width: 1280, height: 800 }, locale: 'en-US' }, async (page) => {
    const lab = await openLab(page, 'Lab');
    await runToEnd(page, lab, 'Done: 11 experiments.');
    // Three mirror counts, each with its latency bars and the seed's beside them.
    const latency = lab.locator('#lab-plot-latency');
    assert.match(await latency.textContent(), /seed 004/);
    assert.equal(await latency.locator('rect title').count(), 3 * 3);
    const verdicts = lab.getByRole('region', { name: 'What the seed got right and wrong' });
    assert.match(await verdicts.textContent(), /2节点镜像/);
    assert.match(await verdicts.textContent(), /p50 latency [0-9.]+ ms: the seed's 3 ms/);
    assert.match(await lab.locator('#lab-plot-sync').textContent(), /3\.10 uses 4096/);
    await lab.scrollIntoViewIfNeeded();
    await page.locator('#lab-plot-latency').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('lab-desktop-en.png') });
    await lab.screenshot({ path: shot('lab-panel-en.png') });
  });
});

test('the lab in Chinese on a phone (390×844)', async () => {
  await journey(s, { viewport: { width: 390, height: 844 }, locale: 'zh-CN' }, async (page) => {
    const lab = await openLab(page, '实验室');
    await runToEnd(page, lab, '完成：共 11 个实验。');
    assert.match(await lab.locator('#lab-plot-throughput').textContent(), /饱和吞吐量/);
    assert.match(await lab.textContent(), /种子说对了什么、说错了什么/);
    // The plots stack on a narrow screen: none is wider than the page.
    const widest = await lab.locator('figure.lab-plot').evaluateAll((fs) =>
      Math.max(...fs.map((f) => f.getBoundingClientRect().right)),
    );
    assert.ok(widest <= 390, `a plot reaches x=${widest}`);
    await page.locator('#lab-plot-latency').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('lab-phone-zh.png') });
  });
});

test('a refused parameter is answered under its field; Stop keeps what was measured', async () => {
  await journey(s, { viewport: { width: 1280, height: 800 }, locale: 'en-US' }, async (page) => {
    const lab = await openLab(page, 'Lab');
    await lab.locator('#lab-rate').fill('0');
    await lab.locator('#lab-run').click();
    const alert = lab.locator('label[for="lab-rate"]').getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'rate: 0 is out of range (1 to 5000)');
    // The default-sized runs of the workload are long: the page answers while one runs, and a
    // Stop leaves the figures of the experiments that finished.
    await lab.locator('#lab-rate').fill('200');
    await lab.locator('#lab-seconds').fill('20');
    await lab.locator('#lab-mirrors').fill('0,1,2');
    await lab.locator('#lab-run').click();
    await lab.locator('#lab-plot-latency svg rect').first().waitFor({ timeout: 120_000 });
    await lab.getByRole('button', { name: 'Stop', exact: true }).click();
    await lab.getByRole('status').filter({ hasText: /^Stopped after \d+ of 11 experiments/ }).waitFor();
    assert.ok((await lab.locator('#lab-plot-latency rect title').count()) >= 1);
    assert.equal(await lab.locator('#lab-run').isEnabled(), true);
  });
});
