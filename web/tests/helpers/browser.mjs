// Debian's Chromium driven by playwright-core (no browser download).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './server.mjs';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'test-artifacts', 'screenshots');

export function hasChromium() {
  return existsSync(executablePath);
}

export async function launch() {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function shot(page, name) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Drop files onto the page the way a browser does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFiles(page, files) {
  const payload = files.map((file) => ({ name: file.name, type: file.type, data: file.buffer.toString('base64') }));
  await page.evaluate(async (items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type, lastModified: Date.now() }));
    }
    const target = document.querySelector('main') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, payload);
}
