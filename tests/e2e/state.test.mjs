// The URL-state rules (www/state.js), checked in Node without a browser: links parse to valid
// state, anything unusable falls back to its default with an explanation, state round-trips.
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
];
