// A phone held upright (390×844, touch, mobile viewport), in both themes: the first lesson done
// by taps. The lesson's step and its button come before the stage; the stage fits the width
// (nothing scrolls sideways) and shows all three nodes at a readable size; a node's menu opens
// by a tap, stays on screen and runs its action; "Inspect" brings the inspector into view.
// Screenshots: phone-{lesson,stage,menu,inspector}-{light,dark}.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open, shot, eventually } from './harness.mjs';

const s = suite();
const W = 390;
const H = 844;
const PHONE = { viewport: { width: W, height: H }, isMobile: true, hasTouch: true };
const NODES = ['rabbit@node1', 'rabbit@node2', 'rabbit@node3'];

/** Taps the lesson's "Do it for me", then Next once the step is done, and waits until the card
 *  has moved on. */
async function tapStep(page) {
  const label = page.locator('.lessons .lesson-step .tool-label');
  const before = await label.textContent();
  await page.getByRole('button', { name: 'Do it for me' }).tap();
  await page.locator('.lessons .lesson-check.done').waitFor();
  await page.locator('.lessons').getByRole('button', { name: 'Next', exact: true }).tap();
  await page.waitForFunction(
    (was) => document.querySelector('.lessons .lesson-step .tool-label')?.textContent !== was,
    before,
  );
}

/** A box lies inside the viewport's width (and its height, when `tall` is false). */
function inside(box, what, tall = false) {
  assert.ok(box, `${what} is drawn`);
  assert.ok(box.x >= -0.5 && box.x + box.width <= W + 0.5, `${what} within the width: ${JSON.stringify(box)}`);
  if (!tall) assert.ok(box.y >= -0.5 && box.y + box.height <= H + 0.5, `${what} on screen: ${JSON.stringify(box)}`);
}

for (const theme of ['light', 'dark']) {
  test(`the first lesson on a phone, by taps (${theme} theme)`, async () => {
    await journey(s, { ...PHONE, colorScheme: theme }, async (page) => {
      await open(page, s.baseUrl);
      await page.getByRole('combobox', { name: 'Lesson' }).selectOption({ index: 0 });
      await page.getByRole('button', { name: 'Load', exact: true }).tap();

      // The step's text and button are in the first screen, above the stage.
      await page.evaluate(() => window.scrollTo(0, 0));
      const step = page.getByRole('button', { name: 'Do it for me' });
      const stepBox = await step.boundingBox();
      const stageTop = (await page.locator('.cluster-card').boundingBox()).y;
      inside(stepBox, 'the step button');
      assert.ok(stepBox.y + stepBox.height <= stageTop, `the step button (${stepBox.y}) comes before the stage (${stageTop})`);
      inside(await page.locator('.lessons .lesson-step p').nth(1).boundingBox(), "the step's text");
      await page.screenshot({ path: shot(`phone-lesson-${theme}.png`) });

      for (let i = 0; i < 3; i++) await tapStep(page);
      await page
        .getByRole('group', { name: 'rabbit@node1', exact: true })
        .getByRole('button', { name: /^queue_demo: master/ })
        .waitFor();

      // Nothing is wider than the screen, and the drawing fits its card.
      const widths = await page.evaluate(() => {
        const wrap = document.querySelector('.stage-wrap');
        return {
          page: document.documentElement.scrollWidth - window.innerWidth,
          stage: wrap.scrollWidth - wrap.clientWidth,
        };
      });
      assert.ok(widths.page <= 0, `the page is ${widths.page} px wider than the screen`);
      assert.ok(widths.stage <= 0, `the stage scrolls sideways by ${widths.stage} px`);
      const card = page.locator('.cluster-card');
      await card.scrollIntoViewIfNeeded();
      inside(await page.locator('svg.cluster-view').boundingBox(), 'the diagram', true);
      for (const name of NODES) {
        const box = await page.getByRole('group', { name, exact: true }).boundingBox();
        inside(box, name, true);
        // A card is 164 units wide: at the wide ring's scale on this screen it would be ~55 px.
        assert.ok(box.width >= 100, `${name} is drawn ${box.width} px wide`);
      }
      await card.screenshot({ path: shot(`phone-stage-${theme}.png`) });

      // Step 4 through node1's menu, by taps: the menu stays on screen and its action runs.
      const node1 = page.getByRole('group', { name: 'rabbit@node1', exact: true });
      await page.getByRole('button', { name: 'Actions for rabbit@node1' }).tap();
      const menu = page.getByRole('menu');
      await menu.waitFor();
      inside(await menu.boundingBox(), 'the node menu');
      const stop = menu.getByRole('menuitem', { name: 'Stop (controlled)' });
      const stopBox = await stop.boundingBox();
      assert.ok(stopBox.height >= 40, `a menu item is ${stopBox.height} px tall`);
      await page.screenshot({ path: shot(`phone-menu-${theme}.png`) });
      await stop.tap();
      await node1.getByText('stopped', { exact: true }).waitFor();
      await menu.waitFor({ state: 'detached' });
      // The lesson marks its last step done: the stop returned with the slave promoted.
      await page.locator('.lessons .lesson-check.done').waitFor();

      // Inspect node2: the inspector (below the stage on a phone) comes into view with it.
      await page.getByRole('button', { name: 'Actions for rabbit@node2' }).tap();
      await menu.getByRole('menuitem', { name: 'Inspect' }).tap();
      const inspector = page.locator('.inspector');
      await inspector.getByText('rabbit@node2').first().waitFor();
      // Its heading shows below the time controls, which stay on top of the page.
      await eventually('the inspector in view', async () => {
        const heading = await inspector.getByRole('heading', { name: 'Inspector' }).boundingBox();
        const controls = await page.locator('.transport').boundingBox();
        return heading && heading.y >= controls.y + controls.height && heading.y < H - 40;
      });
      await page.screenshot({ path: shot(`phone-inspector-${theme}.png`) });
    });
  });
}
