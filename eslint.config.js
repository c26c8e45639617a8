// The linter for the page, the scripts and the page tests (`npm run lint`): ESLint's
// recommended rules, which the test command runs with the same weight as clippy.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['www/pkg/**', 'www/vendor/**', 'dist/**', 'dist.tmp/**', 'tests/e2e/artifacts/**', 'training/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['www/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['scripts/**/*.mjs', 'tests/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Page tests and the page scripts hand functions to page.evaluate, which run in the browser.
    files: ['tests/e2e/**/*.mjs', 'scripts/bench.mjs', 'scripts/gallery.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The benchmark's onnxruntime-web worker runs in Chromium, not in Node.
    files: ['scripts/bench-ort-worker.mjs'],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
];
