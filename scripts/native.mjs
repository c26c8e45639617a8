// The native build of the CLI (`cargo build` and `cargo test` put it there), which the page's
// tests and benchmark compare the browser against.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_BIN = join(process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, '.cache/shiftlab/target'), 'debug/shiftlab');

// Runs `shiftlab <args…>` and parses the JSON it prints.
export function runNative(args) {
  if (!existsSync(NATIVE_BIN)) throw new Error(`${NATIVE_BIN} is missing: build it with \`cargo build\` (scripts/test.sh does)`);
  return JSON.parse(execFileSync(NATIVE_BIN, args, { encoding: 'utf8' }));
}
