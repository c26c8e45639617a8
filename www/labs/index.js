// Every lab of the page, in the order of the navigation; the first is the default view.
// A lab module exports { id, title, schema, view(ctx) } (see app.js for the lifecycle the
// shell gives it and CONTRIBUTING.md for what a lab is).
import shift from './shift.js';
import pooling from './pooling.js';
import sweep from './sweep.js';
import layers from './layers.js';
import position from './position.js';
import borders from './borders.js';
import coordconv from './coordconv.js';
import siamese from './siamese.js';
import depth from './depth.js';
import audit from './audit.js';

export const LABS = [shift, pooling, sweep, layers, position, borders, coordconv, siamese, depth, audit];
