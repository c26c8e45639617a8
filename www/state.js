// Every setting of the page lives in the URL hash, so a link reopens exactly the same view.
// Each lab declares a typed schema; the hash is read against it and anything unusable falls
// back to its default with a human-readable explanation (never an exception, never a blank
// page). Pure functions without DOM access, so they are testable in Node.
//
// A schema is an ordered object { name: field }. Fields are read in that order, so a field's
// choices and default may depend on the fields before it (a layer depends on the model):
//   { type: 'int' | 'float', default, min, max }
//   { type: 'enum', default, choices }        choices: string[] or (state, env) => string[]
//   { type: 'string', default, maxLength, pattern }
// `default` may also be (state, env) => value; env carries what the lab needs (the manifest).
// An optional `note` is appended to the explanation when a value from a link is rejected.

const LIST_LIMIT = 8;
// A link is read only this far, and no value longer than this is parsed: a hostile link can
// neither stall the page nor fill it with a huge notice.
export const MAX_HASH_LENGTH = 4096;
const MAX_VALUE_LENGTH = 256;
const MAX_PROBLEMS = 8;
const QUOTE_LENGTH = 60;

function resolve(option, state, env) {
  return typeof option === 'function' ? option(state, env) : option;
}

function choicesOf(field, state, env) {
  return resolve(field.choices, state, env) ?? [];
}

function defaultOf(field, state, env) {
  const value = resolve(field.default, state, env);
  if (field.type === 'enum') {
    const choices = choicesOf(field, state, env);
    return choices.includes(value) ? value : (choices[0] ?? null);
  }
  return value;
}

function isValid(field, value, state, env) {
  switch (field.type) {
    case 'int':
      return Number.isInteger(value) && value >= field.min && value <= field.max;
    case 'float':
      return Number.isFinite(value) && value >= field.min && value <= field.max;
    case 'enum':
      return choicesOf(field, state, env).includes(value);
    case 'string':
      return (
        typeof value === 'string' &&
        value.length <= (field.maxLength ?? Infinity) &&
        (!field.pattern || field.pattern.test(value))
      );
    default:
      throw new Error(`unknown field type ${field.type}`);
  }
}

function expectation(field, state, env) {
  switch (field.type) {
    case 'int':
      return `expected a whole number from ${field.min} to ${field.max}`;
    case 'float':
      return `expected a number from ${field.min} to ${field.max}`;
    case 'enum': {
      const choices = choicesOf(field, state, env);
      if (choices.length === 0) return 'nothing to choose from';
      const shown = choices.slice(0, LIST_LIMIT).join(', ');
      return `expected one of ${shown}${choices.length > LIST_LIMIT ? ', …' : ''}`;
    }
    case 'string':
      return field.pattern
        ? `expected text matching ${field.pattern.source}`
        : `expected text of at most ${field.maxLength} characters`;
  }
}

const INT_TEXT = /^[+-]?\d+$/;
// Unambiguous (each character can match one way only), so matching takes linear time even
// on a hostile 100,000-digit value.
const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

// Text from the hash → typed value. Only plain decimal notation counts as a number (not
// "0x1" or " 2"); anything else becomes NaN, which isValid then rejects.
function fromText(field, text) {
  switch (field.type) {
    case 'int':
      return INT_TEXT.test(text) ? Number(text) : NaN;
    case 'float':
      return FLOAT_TEXT.test(text) ? Number(text) : NaN;
    default:
      return text;
  }
}

export function defaults(schema, env) {
  const state = {};
  for (const [name, field] of Object.entries(schema)) state[name] = defaultOf(field, state, env);
  return state;
}

// Keeps every valid value of `values` and replaces the rest by defaults, field by field, so
// dependent fields are checked against the values before them. Returns the problems found.
function validate(schema, values, env, describe) {
  const state = {};
  const problems = [];
  for (const [name, field] of Object.entries(schema)) {
    const given = values[name];
    if (given !== undefined && isValid(field, given, state, env)) {
      state[name] = given;
      continue;
    }
    if (given !== undefined) problems.push(describe(name, field, state));
    state[name] = defaultOf(field, state, env);
  }
  return { state, problems };
}

// Applies a patch from the lab's own controls. A dependent value that no longer fits (the
// layer of the previous model) silently takes its default: that is a consequence of the
// user's choice, not a broken link.
export function applyPatch(schema, state, patch, env) {
  return validate(schema, { ...state, ...patch }, env, () => '').state;
}

// Parses a hash like "#lab=shift&dx=2" against the labs' schemas.
// labs: [{ id, title, schema }], the first one is the default lab.
// Returns { lab, state, problems: string[] } where problems explain what was ignored.
export function parseHash(hash, labs, env) {
  const problems = [];
  if (hash.length > MAX_HASH_LENGTH) problems.push(`the link is ${hash.length} characters long; only the first ${MAX_HASH_LENGTH} were read`);
  const params = new URLSearchParams(hash.slice(0, MAX_HASH_LENGTH).replace(/^#/, ''));
  const labId = params.get('lab');
  let lab = labs.find((l) => l.id === labId);
  if (!lab) {
    lab = labs[0];
    if (labId !== null) problems.push(`lab=${labId} (no such lab; showing ${lab.title})`);
    else if ([...params.keys()].length > 0) problems.push(`no lab given (showing ${lab.title})`);
  }
  const raw = {};
  for (const [name, text] of params) {
    if (name === 'lab') continue;
    const field = lab.schema[name];
    if (!field) problems.push(`${quote(name)}=${quote(text)} (not a setting of ${lab.title})`);
    else if (text.length > MAX_VALUE_LENGTH) problems.push(`${name}=${quote(text)} (longer than ${MAX_VALUE_LENGTH} characters)`);
    else raw[name] = fromText(field, text);
  }
  const texts = Object.fromEntries(params);
  const { state, problems: invalid } = validate(lab.schema, raw, env, (name, field, before) => {
    const note = field.note ? `; ${field.note}` : '';
    return `${name}=${quote(texts[name])} (${expectation(field, before, env)}${note})`;
  });
  return { lab, state, problems: capped([...problems, ...invalid]) };
}

// Text from a link as a notice quotes it: at most QUOTE_LENGTH characters.
function quote(text) {
  return text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}… (${text.length} characters)` : text;
}

function capped(problems) {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more`];
}

// The canonical hash of a lab's state: every field, in schema order, so a link keeps meaning
// the same view even if a default changes later. Fields without a value (an empty choice
// list) are left out.
export function toHash(lab, state) {
  const params = new URLSearchParams({ lab: lab.id });
  for (const name of Object.keys(lab.schema)) {
    const value = state[name];
    if (value !== null && value !== undefined) params.set(name, String(value));
  }
  return `#${params}`;
}
