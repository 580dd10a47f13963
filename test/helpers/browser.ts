/**
 * A real browser for tests: Debian's chromium, driven by playwright-core (Playwright's own browser download is not
 * reachable here). Installs the package when it is missing; skips loudly only when it cannot be installed at all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for a headless run on a machine with no route out: no first-run or background traffic (updates, sync,
 * component downloads) that the closed network would refuse, no QUIC, no GPU; no sandbox, since tests may run as root.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

let installAttempted = false;

/** The chromium executable, installed with apt-get when missing (sudo when not root); undefined when impossible. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (!installAttempted) {
    installAttempted = true;
    const asRoot = process.getuid?.() === 0;
    const run = (args: string[]) =>
      asRoot ? execFileSync('apt-get', args, { stdio: 'inherit' }) : execFileSync('sudo', ['-n', 'apt-get', ...args], { stdio: 'inherit' });
    try {
      run(['update']);
      run(['install', '-y', '--no-install-recommends', 'chromium']);
    } catch (error) {
      console.error(`apt-get could not install chromium: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (existsSync(CHROMIUM)) return CHROMIUM;
  console.error(
    [
      '',
      '!'.repeat(100),
      `!!! BROWSER TESTS SKIPPED: no chromium at ${CHROMIUM} and apt-get could not install it.`,
      '!!! Install it (apt-get install chromium) or set CHROMIUM_PATH, then run the tests again.',
      '!'.repeat(100),
      '',
    ].join('\n'),
  );
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}
