// The "done when" path in a real browser against a real `albumen serve`, with screenshots
// of every page under test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropFiles, hasChromium, launch, shot } from './helpers/browser.mjs';
import { repoRoot, startServer } from './helpers/server.mjs';

const testdata = join(repoRoot, '..', 'shared', 'testdata', 'immich-test-assets');
const nature = join(testdata, 'albums', 'nature');
const uploads = [
  ...readdirSync(nature)
    .filter((name) => name.endsWith('.jpg'))
    .map((name) => ({ name, type: 'image/jpeg', path: join(nature, name) })),
  { name: 'IMG_2682.heic', type: 'image/heic', path: join(testdata, 'formats', 'heic', 'IMG_2682.heic') },
  { name: 'thompson-springs.jpg', type: 'image/jpeg', path: join(testdata, 'metadata', 'gps-position', 'thompson-springs.jpg') },
];
const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

describe('web app', { skip: hasChromium() ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let server;
  let browser;
  let context;
  let page;
  let shareUrl = null;

  before(async () => {
    server = await startServer();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function api(path, init = {}) {
    return page.evaluate(
      async ([path, init]) => {
        const response = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
        return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? await response.json() : null };
      },
      [path, init],
    );
  }

  /** Wait until every tile on screen shows its real thumbnail (new uploads' come from the worker). */
  async function tilesLoaded(target) {
    await target.waitForFunction(
      () => {
        const onScreen = [...document.querySelectorAll('[data-asset-id]')].filter((tile) => tile.getBoundingClientRect().top < innerHeight);
        return onScreen.length > 0 && onScreen.every((tile) => tile.querySelector('img.loaded'));
      },
      null,
      { timeout: 120_000 },
    );
  }

  /** Wait until the viewer shows the photo itself (not its placeholder). */
  async function viewerLoaded(target) {
    await target.waitForFunction(() => {
      const image = document.querySelector('[data-testid=viewer-image]');
      return image?.complete && image.naturalWidth > 0 && !image.classList.contains('hidden');
    }, null, { timeout: 60_000 });
  }

  /** Scroll the virtual timeline until the tile for `id` is rendered. */
  async function scrollToTile(id) {
    const tile = page.locator(`[data-asset-id="${id}"]`);
    for (let attempt = 0; attempt < 40 && (await tile.count()) === 0; attempt++) {
      await page.locator('[data-testid=timeline]').evaluate((element) => (element.scrollTop += 500));
      await page.waitForTimeout(150);
    }
    await tile.scrollIntoViewIfNeeded();
    return tile;
  }

  test('first run: admin sign-up and onboarding', async () => {
    await page.goto(server.url);
    await page.waitForURL('**/auth/register');
    await shot(page, '01-sign-up');
    await page.fill('input[name=name]', admin.name);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.fill('input[name=confirm]', admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL('**/auth/onboarding');
    await shot(page, '02-onboarding');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Go to my library' }).click();
    await page.waitForURL('**/photos');
    await page.getByText('Your library is empty').waitFor();
    await shot(page, '03-timeline-empty');
  });

  test('upload by drag and drop, then see thumbnails in the timeline', async () => {
    const files = uploads.map((file) => ({ ...file, buffer: readFileSync(file.path) }));
    await dropFiles(page, files);
    const items = page.locator('[data-testid=upload-item]');
    await assert.doesNotReject(items.nth(files.length - 1).waitFor());
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid=upload-item].done, [data-testid=upload-item].duplicate').length === count,
      files.length,
      { timeout: 120_000 },
    );
    await shot(page, '04-upload-finished');
    // Dropping the same files again reports them as duplicates.
    await dropFiles(page, files.slice(0, 2));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=upload-item].duplicate').length === 2, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Close uploads' }).click();

    await page.waitForFunction((count) => document.querySelectorAll('[data-asset-id]').length >= Math.min(count, 6), files.length, { timeout: 60_000 });
    // Thumbnails come from the worker pipeline; wait until real images (not placeholders) show.
    await page.waitForFunction(() => document.querySelectorAll('[data-asset-id] img.loaded').length >= 4, null, { timeout: 120_000 });
    await tilesLoaded(page);
    await shot(page, '05-timeline');
  });

  test('open a photo and read camera and place in the info panel', async () => {
    const buckets = (await api('/api/timeline/buckets')).body;
    const ids = [];
    for (const bucket of buckets) ids.push(...(await api(`/api/timeline/bucket?timeBucket=${bucket.timeBucket}`)).body.id);
    assert.equal(ids.length, uploads.length);
    let iphone = null;
    for (const id of ids) {
      const asset = (await api(`/api/assets/${id}`)).body;
      if (asset.originalFileName === 'IMG_2682.heic') iphone = asset;
    }
    assert.ok(iphone, 'the iPhone photo is in the library');
    // Metadata extraction runs in the background after the upload: wait until it has.
    for (let attempt = 0; attempt < 120 && !(iphone.exifInfo?.make && iphone.exifInfo?.city); attempt++) {
      await page.waitForTimeout(1000);
      iphone = (await api(`/api/assets/${iphone.id}`)).body;
    }

    const tile = await scrollToTile(iphone.id);
    await tile.click();
    await page.locator('[data-testid=viewer]').waitFor();
    await viewerLoaded(page);
    if ((await page.locator('[data-testid=info-panel]').count()) === 0) await page.keyboard.press('i');
    const camera = page.locator('[data-testid=info-camera]');
    await camera.waitFor();
    assert.match(await camera.innerText(), /Apple iPhone 7/);
    const place = page.locator('[data-testid=info-place]');
    await place.waitFor();
    assert.match(await place.innerText(), /United States|41\.22/);
    await page.locator('[data-testid=minimap]').waitFor();
    await shot(page, '06-viewer-info');

    // Keyboard: → moves on, F favourites, Esc closes.
    const before = page.url();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((url) => location.href !== url, before);
    // The next photo's details arrive before its toolbar offers the heart.
    const heart = page.getByRole('button', { name: /^(Favorite|Unfavorite)$/ });
    await heart.waitFor();
    const wasFavorite = (await heart.getAttribute('aria-label')) === 'Unfavorite';
    await page.keyboard.press('f');
    await page.getByRole('button', { name: wasFavorite ? 'Favorite' : 'Unfavorite', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=viewer]').waitFor({ state: 'detached' });
  });

  test('select with click and shift-click, then create an album from the selection', async () => {
    await page.locator('[data-testid=timeline]').evaluate((element) => (element.scrollTop = 0));
    const tiles = page.locator('[data-asset-id]');
    await tiles.first().waitFor();
    await tiles.nth(0).hover();
    await tiles.nth(0).locator('.check').click();
    await tiles.nth(3).click({ modifiers: ['Shift'] });
    await assert.doesNotReject(page.getByTestId('selection-count').filter({ hasText: '4 selected' }).waitFor());
    await shot(page, '07-timeline-selection');
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByLabel('New album name').fill('Nature walk');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created album Nature walk').waitFor();

    await page.goto(`${server.url}/albums`);
    const card = page.locator('[data-testid=album-card]', { hasText: 'Nature walk' });
    await card.waitFor();
    assert.match(await card.innerText(), /4 items/);
    await shot(page, '08-albums');
    await card.click();
    await page.waitForURL('**/albums/*');
    await page.waitForFunction(() => document.querySelectorAll('[data-asset-id]').length === 4);
    await shot(page, '09-album');
  });

  test('share the album by link with a password', async () => {
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByLabel('Password (optional)').fill('open sesame');
    await page.getByRole('button', { name: 'Create link' }).click();
    const link = page.getByLabel('Shared link');
    await link.waitFor();
    shareUrl = await link.inputValue();
    await shot(page, '10-share-dialog');
    await page.keyboard.press('Escape');

    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const guest = await stranger.newPage();
    await guest.goto(shareUrl);
    await guest.getByText('This link is protected').waitFor();
    await shot(guest, '11-share-password');
    await guest.fill('input[name=password]', 'not the password');
    await guest.getByRole('button', { name: 'Open' }).click();
    await guest.getByRole('alert').waitFor();
    await guest.fill('input[name=password]', 'open sesame');
    await guest.getByRole('button', { name: 'Open' }).click();
    await guest.getByTestId('share-title').filter({ hasText: 'Nature walk' }).waitFor();
    await guest.waitForFunction(() => document.querySelectorAll('[data-asset-id]').length === 4);
    await guest.waitForFunction(() => document.querySelectorAll('[data-asset-id] img.loaded').length === 4, null, { timeout: 60_000 });
    await shot(guest, '12-share-public');
    await guest.locator('[data-asset-id]').first().click();
    await viewerLoaded(guest);
    await shot(guest, '12b-share-viewer');
    await stranger.close();

    // The owner manages the link: it is listed with its password, and can be edited.
    await page.goto(`${server.url}/sharing/sharedlinks`);
    const listed = page.getByTestId('shared-links').locator('li', { hasText: 'Nature walk' });
    await listed.waitFor();
    assert.match(await listed.innerText(), /Password protected/);
    await listed.getByRole('button', { name: 'Edit link' }).click();
    await page.getByLabel('Description').fill('Spring walk by the lake');
    await shot(page, '12c-shared-link-edit');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Link updated').waitFor();
  });

  test('every page renders (screenshots)', async () => {
    const pages = [
      ['13-favorites', '/favorites'],
      ['14-archive', '/archive'],
      ['15-trash', '/trash'],
      ['16-locked', '/locked'],
      ['17-search', '/search?q=flower'],
      ['18-explore', '/explore'],
      ['19-people', '/people'],
      ['20-map', '/map'],
      ['21-sharing', '/sharing'],
      ['22-account', '/user-settings'],
      ['23-admin-users', '/admin/users'],
      ['24-admin-jobs', '/admin/jobs-status'],
      ['25-admin-settings', '/admin/system-settings'],
      ['26-admin-server', '/admin/server-status'],
    ];
    for (const [name, path] of pages) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState('networkidle').catch(() => {});
      assert.equal(await page.locator('.splash').count(), 0, `${path} finished loading`);
      if (path === '/admin/system-settings') await page.getByRole('button', { name: /Trash/ }).click();
      await shot(page, name);
    }
  });

  /** Open `path` and wait until the page has settled (its data loaded, the splash gone). */
  async function visit(target, path) {
    await target.goto(`${server.url}${path}`);
    await target.waitForLoadState('networkidle').catch(() => {});
    assert.equal(await target.locator('.splash').count(), 0, `${path} finished loading`);
  }

  test('dark theme', async () => {
    await page.goto(`${server.url}/photos`);
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-asset-id] img.loaded').length >= 4);
    await shot(page, '27-dark-timeline');
    await page.locator('[data-asset-id]').first().click();
    await viewerLoaded(page);
    if ((await page.locator('[data-testid=info-panel]').count()) === 0) await page.keyboard.press('i');
    await page.locator('[data-testid=info-panel]').waitFor();
    await shot(page, '27b-dark-viewer-info');
    await page.keyboard.press('Escape');
    for (const [name, path] of [
      ['27c-dark-albums', '/albums'],
      ['27d-dark-search', '/search?q=flower'],
      ['27e-dark-sharing', '/sharing'],
      ['27f-dark-account', '/user-settings'],
      ['27g-dark-admin-jobs', '/admin/jobs-status'],
      ['27h-dark-map', '/map'],
    ]) {
      await visit(page, path);
      await shot(page, name);
    }
    await page.getByRole('button', { name: 'Use light theme' }).click();
  });

  test('a phone-sized screen', async () => {
    const phoneViewport = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    const phone = await browser.newContext(phoneViewport);
    await phone.addCookies(await context.cookies());
    const mobile = await phone.newPage();
    await mobile.goto(`${server.url}/photos`);
    await mobile.waitForFunction(() => document.querySelectorAll('[data-asset-id] img.loaded').length >= 4);
    await shot(mobile, '28-phone-timeline');
    await mobile.locator('[data-asset-id]').first().click();
    await viewerLoaded(mobile);
    await mobile.getByRole('button', { name: 'Info', exact: true }).click();
    await mobile.locator('[data-testid=info-panel]').waitFor();
    await shot(mobile, '29-phone-viewer-info');
    await visit(mobile, '/albums');
    await mobile.locator('[data-testid=album-card]').first().waitFor();
    await shot(mobile, '30-phone-albums');
    await mobile.locator('[data-testid=album-card]').first().click();
    await mobile.waitForFunction(() => document.querySelectorAll('[data-asset-id]').length === 4);
    await shot(mobile, '30b-phone-album');
    for (const [name, path] of [
      ['30c-phone-search', '/search?q=flower'],
      ['30d-phone-sharing', '/sharing'],
      ['30e-phone-account', '/user-settings'],
      ['30f-phone-admin-users', '/admin/users'],
      ['30g-phone-admin-settings', '/admin/system-settings'],
      ['30h-phone-trash', '/trash'],
      ['30i-phone-map', '/map'],
    ]) {
      await visit(mobile, path);
      await shot(mobile, name);
    }
    await phone.close();

    // Signed out: the share page and the sign-in page.
    const visitor = await browser.newContext(phoneViewport);
    const guest = await visitor.newPage();
    await guest.goto(shareUrl);
    await guest.getByText('This link is protected').waitFor();
    await shot(guest, '31-phone-share-password');
    await guest.fill('input[name=password]', 'open sesame');
    await guest.getByRole('button', { name: 'Open' }).click();
    await guest.waitForFunction(() => document.querySelectorAll('[data-asset-id] img.loaded').length === 4, null, { timeout: 60_000 });
    await shot(guest, '31b-phone-share-public');
    await visit(guest, '/auth/login');
    await guest.locator('input[name=email]').waitFor();
    await shot(guest, '32-phone-login');
    await visitor.close();
  });

  test('sign in again after signing out', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const visitor = await fresh.newPage();
    await visitor.goto(`${server.url}/photos`);
    await visitor.waitForURL('**/auth/login**');
    await visitor.locator('input[name=email]').waitFor();
    await shot(visitor, '33-login');
    await visitor.fill('input[name=email]', admin.email);
    await visitor.fill('input[name=password]', admin.password);
    await visitor.click('button[type=submit]');
    await visitor.waitForURL('**/photos');
    await visitor.locator('[data-asset-id]').first().waitFor();
    await fresh.close();
  });
});
