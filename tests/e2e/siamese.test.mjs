// The centre-bias lab in a real browser: the pair, both response maps and the error-against-
// distance sweep of every tracker render and equal `shiftlab experiment siamese`, for a generated
// scene, a bundled photo and an uploaded picture; arrow keys, dragging and "New scene" change the
// view and the link, and the link restores it; the two trackers shown can be any of the lab's,
// an old link without them shows the first pair, and the page's account of the paper quotes the
// manifest; a file that is not an image is refused with its name.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../../www/generated/labs.js';
import { assert, assertEqual, canvasHasContent, dataValue, nativeExperiment } from './harness.mjs';

const SWEEP = { seed: 0, step: 4, maxDistance: 24 }; // as the lab sweeps
const setting = (name) => SETTINGS.siamese.find((s) => s.name === name);
// Every tracker of the lab (the sweep scores them all) and the default pair shown.
const ALL = /** @type {{ choices: { value: string }[] }} */ (setting('a')).choices.map((c) => c.value);
const DEFAULT_PAIR = [setting('a').default, setting('b').default];
const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));

async function peaks(page) {
  const out = [];
  for (const k of [0, 1]) out.push({ peak: await dataValue(page, `peak-${k}`), error: Number(await dataValue(page, `error-${k}`)) });
  return out;
}

// The page's peaks of the shown pair `ids` and, with `scenes`, its sweep table (every tracker)
// against the native numbers for `options`. The native answers to the very requests the page
// sends: the view of the pair and, with `scenes`, the sweep of all trackers; gathered per tracker
// id as { peak, error } and { sweep }.
async function compareWithNative(page, { seed, image = null, dx, dy }, scenes, ids = DEFAULT_PAIR) {
  const view = nativeExperiment('siamese', { job: 'view', seed, image, dx, dy, trackers: ids });
  const sweep = scenes ? nativeExperiment('siamese', { job: 'sweep', image, ...SWEEP, scenes, trackers: ALL }) : null;
  const expected = { models: {}, sweep: {} };
  view.trackers.forEach((t) => (expected.models[t.id] = { peak: t.peak, error: t.error }));
  const shown = await peaks(page);
  for (const [k, id] of ids.entries()) {
    const n = expected.models[id];
    assertEqual(shown[k].peak, `${n.peak.dx},${n.peak.dy}`, `${id} peak offset`);
    assert(Math.abs(shown[k].error - n.error) < 1e-4, `${id} peak error: page ${shown[k].error}, native ${n.error}`);
  }
  if (!scenes) return { shown, expected };
  assertEqual(sweep.trackers.map((t) => t.id).join(), ALL.join(), 'the sweep scores every tracker in order');
  for (const tracker of sweep.trackers) {
    expected.sweep[tracker.id] = tracker.bins;
    assertEqual(tracker.bins.length, 7, `${tracker.id}: distances 0, 4, …, 24`);
    for (const bin of tracker.bins) {
      const page_ = Number(await dataValue(page, `sweep-${tracker.id}-${bin.distance}`));
      assert(Math.abs(page_ - bin.meanErrorPx) < 1e-9, `${tracker.id} at ${bin.distance} px: page ${page_}, native ${bin.meanErrorPx}`);
    }
  }
  return { shown, expected };
}

export const tests = [
  {
    name: 'scene, response maps and sweep render and equal the native numbers',
    async run(t) {
      const page = await t.open('#lab=siamese&seed=1&dx=16&dy=8&scenes=4');
      await t.waitReady(page);
      for (const id of ['template', 'search', 'response-0', 'response-1']) assert(await canvasHasContent(page, id), `${id} is blank`);
      const { expected } = await compareWithNative(page, { seed: 1, dx: 16, dy: 8 }, 4);
      // The verdict quotes the shown pair's means over distances 0–20 px of these very numbers.
      const mean = (id) => {
        const bins = expected.sweep[id].filter((b) => b.distance <= 20);
        return bins.reduce((sum, b) => sum + b.meanErrorPx, 0) / bins.length;
      };
      assert(mean('siam-shifted') < mean('siam-centred'), 'natively the shift-trained tracker is better');
      const verdict = await page.getByTestId('verdict').textContent();
      for (const id of DEFAULT_PAIR) assert(verdict.includes(mean(id).toFixed(2)), `the verdict should quote ${id}'s ${mean(id).toFixed(2)} px: ${verdict}`);
      assert(await page.getByTestId('sweep-plot').locator('canvas').count() >= 1, 'no plot');
      await page.screenshot({ path: t.artifact('siamese.png'), fullPage: true });
    },
  },
  {
    name: 'arrow keys, dragging and a new scene change the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=siamese&seed=1&dx=16&dy=8&scenes=1');
      await t.waitReady(page);
      await page.keyboard.press('ArrowLeft');
      assertEqual(t.param(page, 'dx'), '15', 'dx after ArrowLeft');
      // Dragging to the search point (10, 50) puts the target at offset (10 − 32, 50 − 32).
      const box = await page.getByTestId('search').boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + (10 / 64) * box.width, box.y + (50 / 64) * box.height, { steps: 4 });
      await page.mouse.up();
      assertEqual(t.param(page, 'dx'), '-22', 'dx after dragging');
      assertEqual(t.param(page, 'dy'), '18', 'dy after dragging');
      await page.getByTestId('new-scene').click();
      assertEqual(t.param(page, 'seed'), '2', 'seed after New scene');
      await t.waitReady(page);
      const { shown } = await compareWithNative(page, { seed: 2, dx: -22, dy: 18 });

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('seed-value').textContent(), '2', 'seed restored');
      assertEqual(JSON.stringify(await peaks(copy)), JSON.stringify(shown), 'peaks after reopening the link');
    },
  },
  {
    name: 'the error-by-offset map is computed when asked, equals the native one and shows the centre bias',
    async run(t) {
      const page = await t.open('#lab=siamese&seed=1&dx=0&dy=0&scenes=1');
      await t.waitReady(page);
      assertEqual(await page.getByTestId('map-0').getAttribute('data-values'), null, 'no map before it is asked for');
      await page.getByTestId('map-run').click();
      assertEqual(t.param(page, 'map'), 'on', 'the link records the map');
      await page.getByTestId('map-job-status').filter({ hasText: 'offsets through both trackers' }).waitFor({ timeout: 120_000 });
      await t.waitReady(page);
      const expected = nativeExperiment('siamese', { job: 'errorMap', image: null, seed: 0, scenes: 2, step: 4, trackers: DEFAULT_PAIR });
      assertEqual(expected.offsets.length, 13, 'offsets per axis');
      for (const [k, id] of DEFAULT_PAIR.entries()) {
        const shown = JSON.parse(await page.getByTestId(`map-${k}`).getAttribute('data-values'));
        assertEqual(expected.trackers[k].id, id, `tracker ${k}`);
        const native = expected.trackers[k].errors;
        assertEqual(shown.length, native.length, `${id} map size`);
        shown.forEach((v, i) => assert(Math.abs(v - native[i]) < 1e-9, `${id} cell ${i}: page ${v}, native ${native[i]}`));
      }
      const [centredFar, shiftedFar, centredCentre] = await Promise.all(
        ['map-0-far', 'map-1-far', 'map-0-centre'].map(async (id) => Number(await dataValue(page, id))),
      );
      assert(centredFar > 2 * shiftedFar, `far from the centre: centred ${centredFar}, shifted ${shiftedFar}`);
      assert(centredCentre < centredFar / 4, `the centred tracker is accurate only near the centre: ${centredCentre} vs ${centredFar}`);
      await page.screenshot({ path: t.artifact('siamese-map.png'), fullPage: true });
    },
  },
  {
    name: 'a long sweep shows progress, stops when cancelled and stays stopped while the target moves',
    async run(t) {
      const page = await t.open('#lab=siamese&seed=3&dx=0&dy=0&scenes=64');
      // The first view sweeps 2 pairs per distance; the 64 follow while the pill says "refining".
      await page.locator('[data-testid=status][data-state=refining]').waitFor({ timeout: 60_000 });
      await page.getByTestId('sweep-job-status').filter({ hasText: 'distance bins scored' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('sweep-job-cancel').click();
      await page.getByTestId('sweep-job-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
      assert((await page.getByTestId('verdict').textContent()).includes('(2 pairs per distance)'), 'the preview stays after the cancel');
      await page.keyboard.press('ArrowRight');
      await t.waitReady(page);
      await compareWithNative(page, { seed: 3, dx: 1, dy: 0 });
      assert((await page.getByTestId('sweep-job-status').textContent()).includes('cancelled'), 'moving the target restarted the sweep');
    },
  },
  {
    name: 'a bundled photo and an uploaded picture are cut and scored as natively',
    async run(t) {
      const page = await t.open('#lab=siamese&source=photo-chelsea&dx=-12&dy=20&scenes=2');
      await t.waitReady(page);
      assert(await page.getByTestId('source-note').textContent(), 'the picture mode explains itself');
      await compareWithNative(page, { seed: 1, image: 'models/photos/chelsea.png', dx: -12, dy: 20 }, 2);

      // A file that is not an image is refused by name and changes nothing.
      await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not pixels') });
      const error = page.locator('[data-testid=notice][data-kind=error]');
      await error.waitFor({ timeout: 30_000 });
      assert((await error.textContent()).includes('notes.txt'), 'the upload error should name the file');
      assertEqual(t.param(page, 'source'), 'photo-chelsea', 'the source is unchanged');

      // The same bytes uploaded give the bundled file's numbers.
      await page.getByTestId('upload-input').setInputFiles(fileURLToPath(new URL('../../models/photos/coffee.png', import.meta.url)));
      await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('source') === 'upload');
      await t.waitReady(page);
      await compareWithNative(page, { seed: 1, image: 'models/photos/coffee.png', dx: -12, dy: 20 }, 2);

      // A link cannot carry the upload: reopened elsewhere it falls back to the generated scene.
      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(t.param(copy, 'source'), 'scene', 'an upload link falls back to the scene');
      const notice = (await copy.getByTestId('notice').allTextContents()).join(' ');
      assert(notice.includes('source'), `the fallback should be explained: ${notice}`);
    },
  },
  {
    name: 'any two trackers side by side equal the native numbers; an old link shows the first pair',
    async run(t) {
      const page = await t.open('#lab=siamese&seed=1&dx=-12&dy=16&scenes=2');
      await t.waitReady(page);
      assertEqual(`${t.param(page, 'a')},${t.param(page, 'b')}`, DEFAULT_PAIR.join(), 'an old link shows the default pair');
      await page.getByTestId('a-select').selectOption('siam-valid');
      await page.getByTestId('b-select').selectOption('siam-shift16');
      assertEqual(t.param(page, 'a'), 'siam-valid', 'left tracker in the link');
      await t.waitReady(page);
      const heading = await page.getByTestId('tracker-0').locator('h3').textContent();
      assert(heading.includes('siam-valid'), `left panel heading: ${heading}`);
      await compareWithNative(page, { seed: 1, dx: -12, dy: 16 }, 2, ['siam-valid', 'siam-shift16']);
      // The account of the paper quotes the manifest's test errors of every tracker, and the floor
      // of a perfect stride-4 tracker over the test offsets (|dx|, |dy| ≤ 20), as readme_table.py.
      const ours = await page.getByTestId('ours').textContent();
      for (const id of ALL) {
        const m = MANIFEST.models.find((e) => e.id === id);
        assert(ours.includes(m.metrics.shifted_test_mean_peak_error_px.toFixed(2)), `${id}'s test error in: ${ours}`);
      }
      const axis = [];
      for (let v = -20; v <= 20; v++) axis.push(Math.min(((v % 4) + 4) % 4, 4 - (((v % 4) + 4) % 4)));
      const expectedFloor = axis.reduce((sum, x) => sum + axis.reduce((acc, y) => acc + Math.hypot(x, y), 0), 0) / axis.length ** 2;
      const floor = Number(await page.getByTestId('floor').getAttribute('data-value'));
      assert(Math.abs(floor - expectedFloor) < 1e-9 && Math.abs(floor - 1.56) < 0.01, `floor ${floor}, expected ${expectedFloor}`);

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('b-select').inputValue(), 'siam-shift16', 'right tracker restored');
      const bad = await t.open('#lab=siamese&a=coord-plain-quadrant&seed=1&dx=0&dy=0&scenes=1');
      await t.waitReady(bad);
      assertEqual(t.param(bad, 'a'), DEFAULT_PAIR[0], 'a model of another lab falls back');
      const notice = (await bad.getByTestId('notice').allTextContents()).join(' ');
      assert(notice.includes('a=coord-plain-quadrant'), `the fallback should be explained: ${notice}`);
      await page.screenshot({ path: t.artifact('siamese-pair.png'), fullPage: true });
    },
  },
];
