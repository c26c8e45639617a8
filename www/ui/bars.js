// The top-k class probabilities as labelled horizontal bars. The top-1 row carries
// data-testids (`<testid>-top1-label`, `<testid>-top1-prob`) with the exact probability in
// data-value, so tests compare numbers rather than rounded text.
import { h } from './dom.js';

export function topK(probs, k) {
  return [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, k);
}

export function probabilityBars({ testid, k = 5 }) {
  const list = h('ol', { class: 'bars', dataset: { testid } });
  return {
    el: list,
    set(probs, labels) {
      list.replaceChildren(
        ...topK(probs, k).map((index, rank) => {
          const p = probs[index];
          const label = labels[index];
          const top = rank === 0;
          return h(
            'li',
            { class: top ? 'bar top' : 'bar' },
            h('span', { class: 'bar-label', dataset: top ? { testid: `${testid}-top1-label` } : {} }, label),
            h('span', { class: 'bar-track' }, h('span', { class: 'bar-fill', style: { width: `${(p * 100).toFixed(2)}%` } })),
            h(
              'span',
              { class: 'bar-value', dataset: top ? { testid: `${testid}-top1-prob`, value: p.toFixed(6) } : { value: p.toFixed(6) } },
              `${(p * 100).toFixed(1)}%`,
            ),
          );
        }),
      );
    },
  };
}
