// The URL-state rules (www/state.js), checked in Node without a browser: links parse to valid
// state, anything unusable falls back to its default with an explanation, state round-trips.
import { schemaFor } from '../../www/settings.js';
import { applyPatch, defaults, parseHash, toHash } from '../../www/state.js';
import { assert, assertEqual } from './harness.mjs';

const env = { manifest: { models: [{ id: 'a', layers: ['a1', 'a2'] }, { id: 'b', layers: ['b1'] }] } };
const layersOf = (state, { manifest }) => manifest.models.find((m) => m.id === state.model)?.layers ?? [];
const demo = {
  id: 'demo',
  title: 'Demo lab',
  schema: {
    model: { type: 'enum', choices: (s, e) => e.manifest.models.map((m) => m.id), default: 'a' },
    layer: { type: 'enum', choices: layersOf, default: (s, e) => layersOf(s, e).at(-1) },
    dx: { type: 'int', min: -8, max: 8, default: 0 },
    scale: { type: 'float', min: 0.5, max: 2, default: 1 },
    signal: { type: 'string', default: '0,1', maxLength: 20, pattern: /^[01](,[01])*$/ },
  },
};
const other = { id: 'other', title: 'Other lab', schema: { k: { type: 'int', min: 1, max: 9, default: 3 } } };
const labs = [demo, other];

export const tests = [
  {
    name: 'an empty hash gives the first lab with its defaults and no notice',
    async run() {
      const { lab, state, problems } = parseHash('', labs, env);
      assertEqual(lab.id, 'demo', 'lab');
      assertEqual(JSON.stringify(state), JSON.stringify(defaults(demo.schema, env)), 'state');
      assertEqual(state.layer, 'a2', 'dependent default');
      assertEqual(problems.length, 0, 'problems');
    },
  },
  {
    name: 'valid values of every type are read',
    async run() {
      const { lab, state, problems } = parseHash('#lab=demo&model=b&layer=b1&dx=-3&scale=1.25&signal=1,0,1', labs, env);
      assertEqual(lab.id, 'demo', 'lab');
      assertEqual(JSON.stringify(state), JSON.stringify({ model: 'b', layer: 'b1', dx: -3, scale: 1.25, signal: '1,0,1' }), 'state');
      assertEqual(problems.length, 0, 'problems');
    },
  },
  {
    name: 'malformed values fall back to defaults and are all explained',
    async run() {
      const { state, problems } = parseHash('#lab=demo&model=nope&layer=b1&dx=banana&scale=9&signal=2&extra=1', labs, env);
      assertEqual(JSON.stringify(state), JSON.stringify(defaults(demo.schema, env)), 'state');
      const text = problems.join('; ');
      for (const part of ['model=nope', 'layer=b1', 'dx=banana', 'scale=9', 'signal=2', 'extra=1']) {
        assert(text.includes(part), `the notice should mention ${part}: ${text}`);
      }
      assert(text.includes('from -8 to 8'), `the notice should say what dx accepts: ${text}`);
    },
  },
  {
    name: 'whole numbers reject fractions, blanks and out-of-range values',
    async run() {
      for (const dx of ['1.5', '', '9', '-9', '0x1']) {
        const { state, problems } = parseHash(`#lab=demo&dx=${dx}`, labs, env);
        assertEqual(state.dx, 0, `dx=${dx}`);
        assertEqual(problems.length, 1, `problems for dx=${dx}`);
      }
    },
  },
  {
    name: 'an unknown lab falls back to the first lab with a notice',
    async run() {
      const { lab, problems } = parseHash('#lab=nowhere&dx=2', labs, env);
      assertEqual(lab.id, 'demo', 'lab');
      assert(problems.some((p) => p.includes('lab=nowhere')), `problems: ${problems}`);
    },
  },
  {
    name: 'state round-trips through the hash',
    async run() {
      const state = { model: 'b', layer: 'b1', dx: 7, scale: 0.75, signal: '1,1,0' };
      const hash = toHash(demo, state);
      const back = parseHash(hash, labs, env);
      assertEqual(back.lab.id, 'demo', 'lab');
      assertEqual(JSON.stringify(back.state), JSON.stringify(state), 'state');
      assertEqual(back.problems.length, 0, 'problems');
      assertEqual(toHash(other, { k: 4 }), '#lab=other&k=4', 'hash of another lab');
    },
  },
  {
    name: 'the shift modes of the real labs: mode=embed round-trips, an unknown mode falls back readably',
    async run() {
      const real = ['shift', 'sweep'].map((id) => ({ id, title: id, schema: schemaFor(id) }));
      const manifest = { models: [{ id: 'digits-maxpool', task: 'classification' }, { id: 'digits-bin5', task: 'classification' }] };
      for (const lab of real) {
        const parsed = parseHash(`#lab=${lab.id}&mode=embed`, real, { manifest });
        assertEqual(parsed.state.mode, 'embed', `${lab.id}: mode from the link`);
        assertEqual(parsed.problems.length, 0, `${lab.id}: problems`);
        const again = parseHash(toHash(lab, parsed.state), real, { manifest });
        assertEqual(JSON.stringify(again.state), JSON.stringify(parsed.state), `${lab.id}: state after the round trip`);
        // An old link's black keeps its meaning, and a mode the page does not know is named.
        assertEqual(parseHash(`#lab=${lab.id}&mode=black`, real, { manifest }).state.mode, 'black', `${lab.id}: black`);
        const unknown = parseHash(`#lab=${lab.id}&mode=inpaint`, real, { manifest });
        assertEqual(unknown.state.mode, lab.schema.mode.default, `${lab.id}: unknown mode falls back to the default`);
        const text = unknown.problems.join('; ');
        assert(text.includes('mode=inpaint') && text.includes('embed') && text.includes('crop'), `${lab.id}: the notice names the value and the choices: ${text}`);
      }
    },
  },
  {
    name: 'a patch keeps valid values and resets dependent ones that no longer fit',
    async run() {
      const start = defaults(demo.schema, env);
      const moved = applyPatch(demo.schema, start, { dx: 5 }, env);
      assertEqual(moved.dx, 5, 'dx');
      assertEqual(moved.layer, 'a2', 'layer kept');
      const switched = applyPatch(demo.schema, moved, { model: 'b' }, env);
      assertEqual(switched.layer, 'b1', 'layer follows the model');
      assertEqual(switched.dx, 5, 'dx kept');
    },
  },
  {
    name: 'hostile links are read in linear time and explained in a short, capped notice',
    async run() {
      // 100,000 digits in a float: the old regex backtracked for seconds here.
      const digits = '1'.repeat(100_000);
      let started = performance.now();
      const long = parseHash(`#lab=demo&scale=${digits}x`, labs, env);
      assert(performance.now() - started < 200, `parsing took ${performance.now() - started} ms`);
      assertEqual(long.state.scale, 1, 'an overlong value falls back to its default');
      assert(long.problems.join('').length < 1_000, 'the notice quotes a long value only in part');
      // 25,000 unknown settings: only the start of the link is read and the notice is capped.
      const many = Array.from({ length: 25_000 }, (_, i) => `x${i}=1`).join('&');
      started = performance.now();
      const flood = parseHash(`#lab=demo&${many}`, labs, env);
      assert(performance.now() - started < 200, `parsing took ${performance.now() - started} ms`);
      assert(flood.problems.length <= 10, `${flood.problems.length} problems listed`);
      assert(flood.problems.at(-1).startsWith('and '), `the list ends by counting the rest: ${flood.problems.at(-1)}`);
      assertEqual(JSON.stringify(flood.state), JSON.stringify(defaults(demo.schema, env)), 'the state keeps its defaults');
      // Plain decimal notation only, as before.
      for (const text of ['1e3', '-0.5', '.5', '2.']) assert(parseHash(`#lab=demo&scale=${text}`, labs, env).problems.length <= 1, text);
      assertEqual(parseHash('#lab=demo&scale=0x1', labs, env).state.scale, 1, 'hex is not a number');
    },
  },
];
