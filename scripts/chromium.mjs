// Headless Chromium for the page's tests and benchmark: Debian's /usr/bin/chromium through
// playwright-core (its own browser download cannot reach the web here). playwright-core gives
// every launch a fresh temporary profile (user-data-dir).
import { chromium } from 'playwright-core';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
}
