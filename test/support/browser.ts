import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * `describe` when Chromium is installed; otherwise a notice and a skip — except in CI
 * (CI=true), where a missing browser is a failing test.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (HAVE_CHROMIUM) return describe(name, body);
  if (process.env.CI === 'true') {
    test(`${name}: Chromium is required in CI`, () => {
      throw new Error(`${CHROMIUM} not found`);
    });
    return;
  }
  console.warn(`[omnigate tests] ${CHROMIUM} not found: "${name}" skipped`);
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export function artifact(...parts: string[]): string {
  const file = path.join(ARTIFACTS, ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}
