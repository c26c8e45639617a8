// The bundled images every lab can start from, as worker image references: ten MNIST digits
// (28×28 grey) for the digit models and ten natural photos (192×192 colour) for the models
// that take colour input.

const MODELS_URL = new URL('../models/', import.meta.url);

// `key` is the file's path in the repository: the asset key a lab's request names it by.
function bundled(id, label, path) {
  return { id, label, key: `models/${path}`, ref: { key: `bundled:${id}`, url: new URL(path, MODELS_URL).href } };
}

export const DIGIT_SAMPLES = Array.from({ length: 10 }, (_, k) =>
  bundled(`digit-${k}`, `Digit ${k}`, `samples/digit-${k}.png`),
);

export const PHOTOS = [
  'chelsea',
  'astronaut',
  'camera',
  'coffee',
  'rocket',
  'immunohistochemistry',
  'china',
  'flower',
  'hubble_deep_field',
  'coins',
].map((name) => bundled(`photo-${name}`, `Photo: ${name.replaceAll('_', ' ')}`, `photos/${name}.png`));

// The bundled images that suit a model input of shape [c, h, w]: digits for grey inputs,
// photos for colour ones.
export function imagesFor(shape) {
  return shape[0] === 1 ? DIGIT_SAMPLES : PHOTOS;
}

export function bundledImage(id) {
  return [...DIGIT_SAMPLES, ...PHOTOS].find((image) => image.id === id) ?? null;
}

// The images a model is measured on over a set: its held-out set when it has one (the shipped
// models, `{ count }`), else the bundled images that suit its input (your models, `{ images }`).
export function measuredOn(model, count) {
  if (model.eval?.images) return { count };
  return { images: imagesFor(model.inputs[0].shape).slice(0, count).map((image) => image.key) };
}
