// The native CLI of this checkout, which the page's tests and benchmark compare the browser
// against. Run through `cargo run` from the checkout's root, so that it is always the CLI built
// from these sources (several checkouts may share one target directory); once built, cargo
// only checks that it is up to date.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Runs `shiftlab <args…>` and parses the JSON it prints.
export function runNative(args) {
  const out = execFileSync('cargo', ['run', '--quiet', '--bin', 'shiftlab', '--', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out);
}
