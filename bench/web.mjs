// Browser half of bench/web.py: node bench/web.mjs URL ACCESS_TOKEN RUNS -> one JSON line.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const [url, token, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const host = new URL(url).hostname;
await context.addCookies([
  { name: 'immich_access_token', value: token, domain: host, path: '/', httpOnly: true },
  { name: 'immich_auth_type', value: 'password', domain: host, path: '/', httpOnly: true },
  { name: 'immich_is_authenticated', value: 'true', domain: host, path: '/' },
]);

async function firstRow(page) {
  await page.goto(`${url}/photos`);
  await page.waitForFunction(() => performance.getEntriesByName('albumen:first-row').length > 0, null, { timeout: 60_000 });
  return page.evaluate(() => performance.getEntriesByName('albumen:first-row')[0].startTime);
}

let page = await context.newPage();
const cold = await firstRow(page);
const times = [];
for (let run = 0; run < runs; run++) {
  await page.close();
  page = await context.newPage();
  times.push(await firstRow(page));
}
times.sort((a, b) => a - b);

const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const heapMb = async () => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize').value / 1024 / 1024;
};

// Scroll from the newest month to the oldest inside the page, a screen per animation frame (the
// way a fling or a dragged scrollbar moves), pausing briefly every few screens so the months on
// the way load; the heap is sampled from outside meanwhile.
const started = Date.now();
let peak = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    peak = Math.max(peak, await heapMb());
    await new Promise((done) => setTimeout(done, 500));
  }
})();
page.setDefaultTimeout(0);
page.on('console', (message) => message.text().startsWith('bench:') && console.error(message.text()));
const scrolled = await page.locator('[data-testid=timeline]').evaluate(async (element) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  let steps = 0;
  for (;;) {
    element.scrollTop += element.clientHeight;
    await frame();
    if (++steps % 4 === 0) await pause(40);
    if (steps % 500 === 0) console.log(`bench: scrolled ${(element.scrollTop / 1e6).toFixed(2)} of ${(element.scrollHeight / 1e6).toFixed(2)} Mpx`);
    const max = element.scrollHeight - element.clientHeight;
    if (element.scrollTop >= max - 1) {
      // The bottom may still move while the last months load and replace their estimates.
      await pause(400);
      if (element.scrollTop >= element.scrollHeight - element.clientHeight - 1) return element.scrollTop;
    }
  }
});
sampling = false;
await sampler;
const scrollSeconds = (Date.now() - started) / 1000;
await page.waitForTimeout(500);
const after = await heapMb();
peak = Math.max(peak, after);
await cdp.send('HeapProfiler.collectGarbage');
const afterGc = await heapMb();
const info = await page.evaluate(async () => {
  const response = await fetch('/api/timeline/buckets?visibility=timeline&withStacked=true');
  return { buckets: (await response.json()).length, loaded: document.querySelectorAll('[data-asset-id]').length };
});
await browser.close();

console.log(
  JSON.stringify({
    firstRowColdMs: cold,
    firstRowMedianMs: times[Math.floor(times.length / 2)],
    firstRowRunsMs: times,
    heapAfterScrollMb: after,
    heapPeakMb: peak,
    heapAfterGcMb: afterGc,
    scrolledPx: scrolled,
    scrollSeconds,
    buckets: info.buckets,
    loadedMonths: info.buckets,
    tilesInDom: info.loaded,
  }),
);
