// The home page, shown when a link names no lab: the demonstrations worth sharing (each a card
// with its picture, the finding in one sentence and its link), where to start, and the
// visitor's own favourite links, kept in this browser only (localStorage).
import { h } from './ui/dom.js';

const FAVOURITES_KEY = 'shiftlab:favourites';
const MAX_FAVOURITES = 50;

// Each card opens a lab exactly as its picture shows it (www/gallery/<id>.png, taken from the
// card's own link by scripts/gallery.mjs).
export const GALLERY = [
  {
    id: 'shift',
    title: 'One pixel changes the features',
    finding: 'Move a digit by one pixel: the feature maps after a strided max-pool do not simply move along with it.',
    paper: 'Zhang 2019',
    hash: '#lab=shift&model=digits-maxpool&image=digit-3&mode=black&dx=1&dy=0&layer=pool1',
  },
  {
    id: 'pooling',
    title: 'Subsampling breaks equivariance',
    finding: 'MaxPool turns [0,0,1,1,0,0,1,1,0,0] into [0,1,0,1,0], and the same signal shifted by one into something else; blurring before subsampling fixes most of it.',
    paper: 'Zhang 2019',
    hash: '#lab=pooling',
  },
  {
    id: 'sweep',
    title: 'The jagged curve',
    finding: 'Sweep a digit across the canvas: the probability of a plain CNN jumps from shift to shift; the anti-aliased one moves more smoothly.',
    paper: 'Zhang 2019; Azulay & Weiss 2019',
    hash: '#lab=sweep&modelA=digits-maxpool&modelB=digits-bin5&image=digit-3&direction=horizontal&range=8',
  },
  {
    id: 'layers',
    title: 'Where equivariance is lost',
    finding: 'Layer by layer, features of a shifted input drift from shifted features at every subsampling step; blur keeps them closer.',
    paper: 'Zhang 2019',
    hash: '#lab=layers&modelA=digits-maxpool&modelB=digits-bin5',
  },
  {
    id: 'position',
    title: 'Padding tells a CNN where it is',
    finding: 'A readout fitted on a frozen encoder finds the absolute position of each pixel from its features — with zero padding, hardly without.',
    paper: 'Islam et al. 2020',
    hash: '#lab=position&a=pad-zero&b=pad-none&target=H',
  },
  {
    id: 'borders',
    title: 'Borders leak absolute location',
    finding: 'How often each pixel is seen by a kernel under valid, same and full convolution, and what that does to the Red-Green test.',
    paper: 'Kayhan & van Gemert 2020',
    hash: '#lab=borders&padA=Valid&padB=Full',
  },
  {
    id: 'coordconv',
    title: 'CoordConv knows where',
    finding: 'Place a square in the held-out quadrant: a plain conv net misplaces it, Liu’s CoordConv regressor finds it; the same plain net given coordinate channels does better, not as well.',
    paper: 'Liu et al. 2018',
    hash: '#lab=coordconv&split=quadrant&x=40&y=40',
  },
  {
    id: 'siamese',
    title: 'The tracker that only looks at the centre',
    finding: 'A padded Siamese tracker trained on centred targets finds a target only near the centre; trained on shifted targets, almost everywhere.',
    paper: 'Li et al. 2019 (SiamRPN++)',
    hash: '#lab=siamese&source=scene&seed=1&dx=16&dy=8&scenes=8&map=on',
  },
  {
    id: 'depth',
    title: 'Depth from where an object stands',
    finding: 'Shrink an obstacle on the road and a depth network trained from one camera pose barely changes its distance; move its contact row towards the horizon and the estimate grows.',
    paper: 'van Dijk & de Croon 2019',
    hash: '#lab=depth',
  },
];

/** @returns {{ title: string, hash: string, saved: string }[]} */
export function favourites() {
  try {
    const list = JSON.parse(localStorage.getItem(FAVOURITES_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((f) => typeof f?.hash === 'string' && f.hash.startsWith('#lab=')).slice(0, MAX_FAVOURITES) : [];
  } catch {
    return [];
  }
}

function saveFavourites(list) {
  localStorage.setItem(FAVOURITES_KEY, JSON.stringify(list.slice(0, MAX_FAVOURITES)));
}

// Adds (or, if it is there, removes) a link; answers whether it is now a favourite.
export function toggleFavourite(title, hash) {
  const list = favourites();
  const at = list.findIndex((f) => f.hash === hash);
  if (at >= 0) list.splice(at, 1);
  else list.unshift({ title, hash, saved: new Date().toISOString().slice(0, 10) });
  saveFavourites(list);
  return at < 0;
}

export function isFavourite(hash) {
  return favourites().some((f) => f.hash === hash);
}

function card({ id, title, finding, paper, hash }) {
  const picture = h('img', { src: new URL(`./gallery/${id}.png`, import.meta.url).href, alt: '', loading: 'lazy', width: 320, height: 200 });
  return h(
    'li',
    { class: 'card', dataset: { testid: `card-${id}` } },
    h('a', { href: hash }, picture, h('h3', {}, title), h('p', {}, finding), h('p', { class: 'note' }, paper)),
  );
}

function favouritesPanel(render) {
  const list = favourites();
  if (list.length === 0) {
    return h('p', { class: 'note', dataset: { testid: 'no-favourites' } }, 'None yet: in any lab, press ☆ Save to keep its link here (in this browser only).');
  }
  return h(
    'ul',
    { class: 'favourites', dataset: { testid: 'favourites' } },
    list.map((f) =>
      h(
        'li',
        {},
        h('a', { href: f.hash }, f.title),
        h('span', { class: 'note' }, ` saved ${f.saved} `),
        h('button', { type: 'button', class: 'button', title: 'Remove from favourites', onclick: () => (toggleFavourite(f.title, f.hash), render()) }, 'Remove'),
      ),
    ),
  );
}

export function showHome(container) {
  const favouritesSlot = h('div', {});
  const render = () => favouritesSlot.replaceChildren(favouritesPanel(render));
  render();
  container.replaceChildren(
    h(
      'section',
      { class: 'home', dataset: { testid: 'home' } },
      h('h2', {}, 'How convolutional networks treat shifts, scales, padding and position'),
      h(
        'p',
        { class: 'lead' },
        'Every card opens a live demonstration: small networks run in your browser, and every view is a link that reopens it exactly. ',
        'New here? Start with ',
        h('a', { href: GALLERY[0].hash }, 'one pixel'),
        ', then ',
        h('a', { href: GALLERY[2].hash }, 'the jagged curve'),
        '.',
      ),
      h('ul', { class: 'gallery', dataset: { testid: 'gallery' } }, GALLERY.map(card)),
      h('h2', {}, 'Your favourites'),
      favouritesSlot,
    ),
  );
}
