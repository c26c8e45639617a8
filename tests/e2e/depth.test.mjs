// The depth-cues lab in a real browser: the default view renders the scene, the true inverse
// depth and both models' maps, and its four measurements; the results of its requests equal
// `shiftlab experiment depth` for the same JSON; the object
// control and a drag on the scene change the view and the link, and the link restores it.
import { assert, assertEqual, assertSameResult, canvasHasContent, dataValue, nativeExperiment, pageRequests } from './harness.mjs';

const MODELS = ['depth-fixed', 'depth-jitter'];

async function shownDistances(page) {
  return Promise.all(MODELS.map((id) => dataValue(page, `${id}-distance`)));
}

// The page's requests of the given jobs give the CLI's results (each CLI run may first have to
// rebuild the CLI on a busy machine, hence one test per comparison).
async function assertPageEqualsCli(page, jobs) {
  const sent = (await pageRequests(page, 'depth')).filter((s) => jobs.includes(s.request.job));
  const seen = new Set(sent.map((s) => s.request.job));
  for (const job of jobs) assert(seen.has(job), `the page sent no ${job} request: ${[...seen]}`);
  for (const { request, result } of sent) assertSameResult(result, nativeExperiment('depth', request), `depth ${request.job}`);
}

export const tests = [
  {
    name: 'the default view renders the scene, both maps and the measurements',
    async run(t) {
      const page = await t.open('#lab=depth');
      await t.waitReady(page);
      for (const testid of ['scene', 'truth-map', ...MODELS.map((id) => `${id}-map`)]) assert(await canvasHasContent(page, testid), `${testid} is blank`);
      assertEqual(await dataValue(page, 'truth'), '12', 'default object distance');
      const slopes = await page.getByTestId('insertion-slopes').locator('tbody tr').count();
      assertEqual(slopes, 2, 'one row of insertion slopes per model');
      assertEqual(await page.getByTestId('cues-table').locator('tbody tr').count(), 12, 'one row per obstacle cue');
      for (const testid of ['insertion-verdict', 'pitch-verdict', 'roll-verdict', 'cues-verdict']) {
        const text = await page.getByTestId(testid).textContent();
        assert(text.startsWith('Paper:') && /\d/.test(text), `${testid} states the paper and our numbers: ${text}`);
      }
      await page.screenshot({ path: t.artifact('depth.png'), fullPage: true });
    },
  },
  {
    name: 'the default view and insertion test equal the CLI',
    async run(t) {
      const page = await t.open('#lab=depth');
      await t.waitReady(page);
      await assertPageEqualsCli(page, ['view', 'insertion']);
    },
  },
  {
    name: 'the default pitch, roll and cue measurements equal the CLI',
    async run(t) {
      const page = await t.open('#lab=depth');
      await t.waitReady(page);
      await assertPageEqualsCli(page, ['pitch', 'roll', 'cues']);
    },
  },
  {
    name: 'the object control and a drag change the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=depth&scenes=1');
      await t.waitReady(page);
      const before = await shownDistances(page);
      await page.getByTestId('kind-control').getByText('truck').click();
      assertEqual(t.param(page, 'kind'), 'truck', 'kind in the link');
      await t.waitReady(page);
      // Drag the object's contact point to the row where the ground is 20 m away, at the
      // centre column (level camera, height 1.65 m: row 40 + 93 × 1.65 / 20).
      const scene = page.getByTestId('scene');
      const box = await scene.boundingBox();
      const row = 40 + (93 * 1.65) / 20;
      await scene.click({ position: { x: (80.5 / 160) * box.width, y: (row / 96) * box.height } });
      const distance = Number(t.param(page, 'distance'));
      assert(Math.abs(distance - 20) <= 0.5, `distance after the drag: ${distance}`);
      await t.waitReady(page);
      assertEqual(await dataValue(page, 'truth'), String(distance), 'the scene follows the drag');
      const after = await shownDistances(page);
      assert(after.join() !== before.join(), `the estimates should change: ${before} → ${after}`);
      await assertPageEqualsCli(page, ['view']);

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(t.param(copy, 'kind'), 'truck', 'kind restored');
      assertEqual((await shownDistances(copy)).join(), after.join(), 'estimates after reopening the link');
    },
  },
];
