/**
 * The web UI in Debian's Chromium, driven by playwright-core as a user would drive it: a real
 * storage process (`logpipe store --serve`) over the demo's data, 100,000 more access lines and
 * hostile lines, and one browser for the file (closed in afterAll, also after a failure).
 * Screenshots of a few views go to $LOGPIPE_UI_SCREENSHOTS (default a temp dir) for review.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { findServer } from '../../src/server/discovery.js';
import { serveApp } from '../../src/server/serve.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { demoStore } from '../helpers/demo-store.js';
import { killAll, startLogpipe } from '../helpers/processes.js';
import { ensureCommand } from '../helpers/system-package.js';
import { waitFor } from '../helpers/wait.js';

const BULK = 100_000;
const SHOTS = process.env.LOGPIPE_UI_SCREENSHOTS ?? join(tmpdir(), 'logpipe-ui-screenshots');
// logpipe reads LOGPIPE_* variables as configuration and refuses a key it does not know: the
// processes this file starts must not inherit this one.
delete process.env.LOGPIPE_UI_SCREENSHOTS;
/** Bounds every wait on the page: a feature that works shows within this. */
const SHOWN_MS = 15_000;

let browser: Browser | null = null;
let context: BrowserContext;
let base = '';
let dataDir = '';

const MIB = 1024 * 1024;
const HOSTILE = [
  'hostile <script>window.__pwned = "script"</script>',
  'hostile <img src=x onerror="window.__pwned = \'img\'">',
  'hostile <a href="javascript:window.__pwned = \'link\'">click me</a>',
  'hostile \u202Egnp.exe\u202C rtl override',
  `hostile ${JSON.stringify({ blob: 'x'.repeat(64 * 1024), note: '<b>bold</b>' })}`,
  `hostile huge ${'y'.repeat(MIB - 100)}`,
];

async function ingest(lines: string[], source: string): Promise<void> {
  const res = await fetch(`${base}/api/ingest?source=${source}&service=${source}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: `${lines.join('\n')}\n`,
  });
  if (!res.ok) throw new Error(`ingest: HTTP ${res.status} ${await res.text()}`);
}

/** Pages a test opened: closed after it, whether it passed or not. */
const pages: Page[] = [];

async function open(hash = ''): Promise<Page> {
  const page = await context.newPage();
  pages.push(page);
  page.setDefaultTimeout(SHOWN_MS);
  await page.goto(`${base}/${hash ? `#${hash}` : ''}`);
  return page;
}

/**
 * Types a query, runs it and waits for its answer on the screen: the rows of the run before (the
 * page's first, of every event) may be there until then.
 */
async function search(page: Page, q: string): Promise<void> {
  const answered = page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === '/api/query' && url.searchParams.get('q') === (q.trim() || '*');
  });
  await page.fill('[data-testid=query]', q);
  await page.press('[data-testid=query]', 'Enter');
  await answered;
  await page.waitForSelector('[data-testid=run][data-busy="0"]');
}

/** expect.poll within SHOWN_MS (its own default, 1 s, is less than a loaded machine's query). */
function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: SHOWN_MS, interval: 100 });
}

/** The texts of the rows in view, one string per row. */
function rowTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid=results] .row', (rows) => rows.map((r) => r.textContent ?? ''));
}

/**
 * The open event sits in the list right under row `i` (its detail's top at the row's bottom, next
 * to it in the page), the next row right under the detail, and the detail in the list's view.
 * Measured in one go in the page, and polled: the list settles its scroll after a frame.
 */
async function expectDetailUnder(page: Page, i: number): Promise<void> {
  await poll(() =>
    page.$eval(
      '[data-testid=results]',
      (list, at) => {
        const problems: string[] = [];
        const details = list.ownerDocument.querySelectorAll('[data-testid=row-detail]');
        const row = list.querySelector(`.row[data-i="${at}"]`);
        const next = list.querySelector(`.row[data-i="${at + 1}"]`);
        if (!row || !next) return [`row ${at} or ${at + 1} not in the list`];
        if (details.length !== 1) return [`${details.length} details open`];
        const detail = details[0];
        if (row.nextElementSibling !== detail)
          problems.push('the detail is not the next element after its row');
        if (!detail.querySelector('[data-testid=event-detail]')) problems.push('no event detail inside');
        const [r, d, n, l] = [row, detail, next, list].map((e) => e.getBoundingClientRect());
        if (Math.abs(d.top - r.bottom) >= 1) problems.push(`detail top ${d.top} != row bottom ${r.bottom}`);
        if (Math.abs(n.top - d.bottom) >= 1)
          problems.push(`next row top ${n.top} != detail bottom ${d.bottom}`);
        if (d.height <= r.height) problems.push(`detail only ${d.height} px high`);
        if (r.top < l.top - 1 || d.top >= l.bottom)
          problems.push(`row or detail out of view (${r.top}, ${d.top}; list ${l.top}-${l.bottom})`);
        return problems;
      },
      i,
    ),
  ).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

beforeAll(async () => {
  ensureCommand('chromium', 'chromium');
  dataDir = await demoStore();
  // 100,000 access lines more, in the last hour, as service `bulk`.
  const dir = tempDir('logpipe-ui-bulk-');
  const file = join(dir, 'bulk.log');
  const gen = await runCli([
    'generate',
    '--format',
    'apache_combined',
    '--count',
    String(BULK),
    '--rate',
    '1000',
    '--start-time',
    '600s',
    '--seed',
    '7',
    '-o',
    file,
  ]);
  if (gen.code !== 0) throw new Error(`generate: ${gen.stderr}`);
  const imp = await runCli([
    'store',
    '-d',
    dataDir,
    '--import',
    file,
    '--service',
    'bulk',
    '--no-server',
    '-q',
  ]);
  if (imp.code !== 0) throw new Error(`import: ${imp.stderr}`);
  startLogpipe(['store', '-d', dataDir, '--serve', '--port', '0', '-q']);
  const info = await waitFor('the storage process', () => findServer(dataDir).then((s) => s ?? undefined));
  base = info.url;
  await ingest(HOSTILE, 'hostile');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Asia/Tokyo' });
}, 300_000);

afterEach(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  killAll([dataDir]);
});

describe('the web UI in a browser', () => {
  it('runs a typed query: matching rows, the time taken and the rows scanned', async () => {
    const page = await open();
    await search(page, 'service:checkout');
    await page.waitForSelector('[data-testid=run-info]');
    await poll(() => rowTexts(page)).not.toHaveLength(0);
    for (const r of await rowTexts(page)) expect(r).toContain('checkout');
    const info = await page.textContent('[data-testid=run-info]');
    expect(info).toMatch(/\d+ ms/);
    expect(await page.textContent('[data-testid=scanned]')).toMatch(/[\d,]+ scanned/);
    await shot(page, 'results');
    await page.close();
  });

  it('colours the query and marks an error in place, at the position the server gives', async () => {
    const page = await open();
    await page.fill('[data-testid=query]', 'level:error status>=500');
    expect(await page.$$eval('.query-overlay .tok-field', (e) => e.map((x) => x.textContent))).toEqual([
      'level',
      'status',
    ]);
    await search(page, 'level:error AND (service:web');
    await page.waitForSelector('[data-testid=query-error]');
    const res = await fetch(`${base}/api/query?q=${encodeURIComponent('level:error AND (service:web')}`);
    const { error } = (await res.json()) as { error: { position: number } };
    const overlayText = await page.textContent('.query-overlay');
    const markAt = await page.$eval('[data-testid=query-error-mark]', (mark) => {
      let n = 0;
      // 4: NodeFilter.SHOW_TEXT (the test compiles without the DOM's names).
      const walker = mark.ownerDocument.createTreeWalker(mark.closest('.query-overlay')!, 4);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (mark.contains(t)) return n;
        n += t.textContent?.length ?? 0;
      }
      return -1;
    });
    expect(markAt).toBe(error.position);
    expect(overlayText?.startsWith('level:error AND (service:web')).toBe(true);
    await page.close();
  });

  it('completes field names, pipe commands and known values, and keeps a history on Ctrl+Up/Down', async () => {
    const page = await open();
    const q = page.locator('[data-testid=query]');
    await page.waitForSelector('[data-testid=run-info]');
    await page.waitForSelector('[data-testid=field-service]');
    await q.fill('');
    await q.pressSequentially('serv');
    await poll(() => page.textContent('[data-testid=suggestions]')).toContain('service');
    await q.press('Tab');
    expect(await q.inputValue()).toBe('service:');
    await q.pressSequentially('we');
    await poll(() => page.textContent('[data-testid=suggestions]')).toContain('web');
    await q.press('Tab');
    expect(await q.inputValue()).toBe('service:web ');
    await q.pressSequentially('| cou');
    await poll(() => page.textContent('[data-testid=suggestions]')).toContain('count');
    await q.press('Tab');
    expect(await q.inputValue()).toBe('service:web | count ');

    await search(page, 'level:warn');
    await search(page, 'level:error');
    await q.fill('');
    await q.press('Control+ArrowUp');
    expect(await q.inputValue()).toBe('level:error');
    await q.press('Control+ArrowUp');
    expect(await q.inputValue()).toBe('level:warn');
    await q.press('Control+ArrowDown');
    expect(await q.inputValue()).toBe('level:error');
    await page.close();
  });

  it('draws the histogram with a bar slot per bucket, zooms in on a drag and out on Escape', async () => {
    const page = await open('since=15m');
    // The answer the page got: the bars drawn must be its buckets, empty ones included.
    const answered = page.waitForResponse((r) => r.url().includes('/api/histogram?q=service%3Aweb'));
    await search(page, 'service:web');
    const api = (await (await answered).json()) as { buckets: { total: number }[] };
    const hist = await page.waitForSelector('[data-testid=histogram] canvas');
    await poll(() => page.getAttribute('[data-testid=histogram]', 'data-buckets')).toBe(
      String(api.buckets.length),
    );
    expect(api.buckets.length).toBeGreaterThan(1);
    // service:web's lines end a minute ago: the newest buckets are empty, and drawn.
    expect(api.buckets.at(-1)?.total).toBe(0);
    const total = api.buckets.reduce((n, b) => n + b.total, 0);
    expect(await page.getAttribute('[data-testid=histogram]', 'data-total')).toBe(String(total));
    // The canvas shows those counts (set by the chart's draw hook).
    await poll(() => page.getAttribute('[data-testid=histogram] .histogram-plot', 'data-drawn')).toBe(
      String(total),
    );
    await shot(page, 'histogram');
    const box = (await hist.boundingBox())!;
    const before = page.url();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await poll(() => page.url()).toContain('from=');
    await page.waitForSelector('[data-testid=zoom-out]');
    await page.locator('body').click({ position: { x: 5, y: 890 } });
    await page.keyboard.press('Escape');
    await poll(() => page.url()).toBe(before);
    await page.close();
  });

  it('scrolls 100,000 events with at most 1,500 DOM nodes, fetching pages as it goes', async () => {
    const page = await open();
    await search(page, 'service:bulk');
    await poll(() => page.textContent('[data-testid=run-info]')).toContain('100,000 events');
    const body = page.locator('[data-testid=results]');
    for (const at of [0.1, 0.5, 0.999]) {
      await body.evaluate((el, f) => {
        el.scrollTop = el.scrollHeight * f;
      }, at);
      await poll(() =>
        rowTexts(page).then((r) => r.filter((t) => t.includes('bulk')).length),
      ).toBeGreaterThan(10);
      expect(await page.evaluate<number>("document.getElementsByTagName('*').length")).toBeLessThanOrEqual(
        1500,
      );
    }
    // The last rows are the oldest: newest first.
    const times = await page.$$eval('[data-testid=results] .row .c-ts', (e) =>
      e.map((x) => x.textContent ?? ''),
    );
    expect([...times].sort().reverse()).toEqual(times);
    await page.close();
  });

  it('filters in and out from the field sidebar: the query box and the results follow', async () => {
    const page = await open();
    await search(page, '*');
    await page.click('[data-testid=field-service]');
    await page.locator('.field[data-field=service] [data-testid=filter-in]').first().click();
    const q = page.locator('[data-testid=query]');
    await poll(() => q.inputValue()).toMatch(/^service:\S+$/);
    const value = (await q.inputValue()).slice('service:'.length).replaceAll('"', '');
    await poll(() =>
      rowTexts(page).then((r) => (r.length === 0 ? ['no rows yet'] : r.filter((t) => !t.includes(value)))),
    ).toEqual([]);
    await page.click('[data-testid=field-level]');
    await page.locator('.field[data-field=level] [data-testid=filter-out]').first().click();
    await poll(() => q.inputValue()).toMatch(/^service:\S+ -level:\S+$/);
    await page.close();
  });

  it('shows the lines around an event with the hit marked, more on demand, and a search inside', async () => {
    const page = await open();
    await search(page, 'service:web');
    await poll(() => rowTexts(page).then((r) => r.length)).toBeGreaterThan(20);
    await page.locator('[data-testid=results] .row').nth(15).dblclick();
    await page.click('[data-testid=show-context]');
    await page.waitForSelector('[data-testid=context-hit]');
    // The hit shows at once; the lines around it follow with /api/context's answer.
    await poll(() => page.locator('[data-testid=context-line]').count()).toBeGreaterThan(50);
    const lines = await page.locator('[data-testid=context-line]').count();
    expect(await page.locator('[data-testid=context-hit]').count()).toBe(1);
    if (await page.locator('[data-testid=context-earlier]').count()) {
      await page.click('[data-testid=context-earlier]');
      await poll(() => page.locator('[data-testid=context-line]').count()).toBeGreaterThan(lines);
    }
    await page.fill('[data-testid=context-search]', 'GET');
    await poll(() => page.locator('[data-testid=context] mark').count()).toBeGreaterThan(0);
    await shot(page, 'context');
    await page.close();
  });

  it('follows new matching events live, with the rate shown, pause and resume', async () => {
    const page = await open('tab=tail&q=tailmarker');
    await poll(() => page.textContent('[data-testid=tail-status]')).toBe('following');
    await ingest(['tailmarker first event'], 'tailtest');
    await poll(() => page.textContent('[data-testid=tail]')).toContain('tailmarker first event');
    await poll(() => page.textContent('[data-testid=tail-rate]')).not.toBe('0.0 events/s');
    await page.click('[data-testid=tail-pause]');
    await ingest(['tailmarker while paused'], 'tailtest');
    await page.waitForTimeout(2000);
    expect(await page.textContent('[data-testid=tail]')).not.toContain('while paused');
    await page.click('[data-testid=tail-pause]');
    await poll(() => page.textContent('[data-testid=tail]')).toContain('tailmarker while paused');
    await page.close();
  });

  it('shows a piped query as a table, with bars for count by and a chart for timechart', async () => {
    const page = await open();
    await search(page, '* | count by service');
    await page.waitForSelector('[data-testid=agg-bars]');
    const table = await page.textContent('[data-testid=agg-table]');
    expect(table).toContain('service');
    expect(table).toContain('bulk');
    await search(page, '* | timechart 1m count by level');
    await page.waitForSelector('[data-testid=agg-timechart] canvas');
    await shot(page, 'timechart');
    await page.close();
  });

  it('keeps the view in the URL: a link reproduces query, range, zone, columns and selection', async () => {
    const page = await open();
    await search(page, 'service:checkout');
    // The new range runs the search again: choose a row only once its answer is on the screen.
    const answered = page.waitForResponse((r) => r.url().includes('/api/query'));
    await page.click('[data-range="24h"]');
    await answered;
    await page.waitForSelector('[data-testid=run][data-busy="0"]');
    await page.click('[data-testid=zone]');
    await page.click('[data-testid=field-trace_id]');
    await page.locator('.field[data-field=trace_id] .col-toggle').click();
    await page.click('[data-testid=remove-col-service]');
    await poll(() => rowTexts(page).then((r) => r.length)).toBeGreaterThan(3);
    await page.locator('[data-testid=results] .row').nth(2).click();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=event-detail]');
    await expectDetailUnder(page, 2);
    const url = page.url();
    expect(url).toContain('since=24h');
    expect(url).toContain('tz=utc');
    expect(url).toContain('sel=');
    const detail = await page.textContent('[data-testid=event-detail]');
    const heads = await page.$$eval('.results-head .c', (e) =>
      e.map((x) => x.firstChild?.textContent?.trim()),
    );
    await page.close();

    const again = await context.newPage();
    pages.push(again);
    await again.goto(url);
    await again.waitForSelector('[data-testid=event-detail]', { timeout: SHOWN_MS });
    expect(await again.inputValue('[data-testid=query]')).toBe('service:checkout');
    expect(await again.getAttribute('[data-range="24h"]', 'class')).toBe('on');
    expect(await again.textContent('[data-testid=zone]')).toBe('UTC');
    expect(
      await again.$$eval('.results-head .c', (e) => e.map((x) => x.firstChild?.textContent?.trim())),
    ).toEqual(heads);
    expect(heads).toContain('trace_id');
    expect(heads).not.toContain('service');
    expect(await again.textContent('[data-testid=event-detail]')).toBe(detail);
    expect(await again.getAttribute('[data-testid=results] .row.selected', 'data-i')).toBe('2');
    await expectDetailUnder(again, 2);
    await again.close();
  });

  it('opens a linked event further down the list expanded, scrolled into view, right under its row', async () => {
    const page = await open('q=service:bulk');
    await poll(() => page.textContent('[data-testid=run-info]')).toContain('100,000 events');
    const body = page.locator('[data-testid=results]');
    await body.evaluate((el) => {
      el.scrollTop = 150 * 24;
    });
    const row = page.locator('[data-testid=results] .row[data-i="150"]');
    await poll(() => row.textContent()).toContain('bulk');
    await row.click();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=event-detail]');
    await expectDetailUnder(page, 150);
    const detail = await page.textContent('[data-testid=event-detail]');
    const url = page.url();
    expect(url).toContain('sel=');
    await page.close();

    const again = await open(url.slice(url.indexOf('#') + 1));
    await again.waitForSelector('[data-testid=event-detail]');
    expect(await again.getAttribute('[data-testid=results] .row.selected', 'data-i')).toBe('150');
    expect(await again.textContent('[data-testid=event-detail]')).toBe(detail);
    await expectDetailUnder(again, 150);
    expect(await again.evaluate<number>("document.getElementsByTagName('*').length")).toBeLessThanOrEqual(
      1500,
    );
    // j moves the selection past the open row, which stays open; Enter opens the selected one
    // instead (one at a time), and a double-click on the next row opens that one.
    await again.keyboard.press('j');
    await again.keyboard.press('j');
    expect(await again.getAttribute('[data-testid=results] .row.selected', 'data-i')).toBe('152');
    await expectDetailUnder(again, 150);
    await again.keyboard.press('Enter');
    await poll(() =>
      again.locator('[data-testid=results] .row[data-i="152"] + [data-testid=row-detail]').count(),
    ).toBe(1);
    await expectDetailUnder(again, 152);
    await again.locator('[data-testid=results] .row[data-i="153"]').dblclick();
    await poll(() =>
      again.locator('[data-testid=results] .row[data-i="153"] + [data-testid=row-detail]').count(),
    ).toBe(1);
    await expectDetailUnder(again, 153);
    expect(await again.evaluate<string | undefined>('getSelection()?.toString()')).toBe('');
    await again.close();
  });

  it('switches the zone times are shown in', async () => {
    const page = await open('q=service:checkout');
    await poll(() => rowTexts(page).then((r) => r.length)).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=zone]')).toBe('Asia/Tokyo');
    const tokyo = await page.locator('[data-testid=results] .row .c-ts').first().textContent();
    await page.click('[data-testid=zone]');
    const utc = await page.locator('[data-testid=results] .row .c-ts').first().textContent();
    const hours = (t: string | null) => Number(t!.slice(11, 13));
    expect((hours(tokyo) - hours(utc) + 24) % 24).toBe(9);
    await page.close();
  });

  it('answers the keyboard: / to search, j/k to move, Enter to expand, t to tail', async () => {
    const page = await open('q=service:checkout');
    await poll(() => rowTexts(page).then((r) => r.length)).toBeGreaterThan(3);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.getAttribute('[data-testid=results] .row.selected', 'data-i')).toBe('1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=event-detail]');
    expect(await page.textContent('[data-testid=event-detail]')).toContain('checkout');
    await expectDetailUnder(page, 1);
    await shot(page, 'event');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=event-detail]').count()).toBe(0);
    await page.keyboard.press('/');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('query');
    await page.keyboard.press('Escape');
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid=tail]');
    expect(page.url()).toContain('tab=tail');
    await page.close();
  });

  it('downloads the result as CSV and NDJSON', async () => {
    const page = await open('q=service:checkout');
    await page.waitForSelector('[data-testid=run-info]');
    for (const format of ['csv', 'ndjson']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`[data-testid=download-${format}]`),
      ]);
      expect(download.suggestedFilename()).toBe(`logpipe.${format}`);
      const path = await download.path();
      const text = (await import('node:fs')).readFileSync(path, 'utf8');
      expect(text).toContain('checkout');
      const lines = text.trim().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      if (format === 'csv') {
        // A header row of the columns, then one row per event: not a JSON document.
        expect(lines[0]).toMatch(/^"?ts"?,/);
        expect(text.trimStart().startsWith('{')).toBe(false);
      } else {
        // One event per line.
        for (const line of lines) expect((JSON.parse(line) as { service?: string }).service).toBe('checkout');
      }
    }
    await page.close();
  });

  it('follows the system theme', async () => {
    const bg = async (scheme: 'dark' | 'light') => {
      const ctx = await browser!.newContext({ colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      await page.waitForSelector('[data-testid=query]');
      const colour = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      if (scheme === 'dark') await shot(page, 'dark');
      await ctx.close();
      return colour;
    };
    expect(await bg('light')).toBe('rgb(255, 255, 255)');
    expect(await bg('dark')).toBe('rgb(17, 20, 24)');
  });

  it('shows hostile lines as text: nothing runs, nothing freezes', async () => {
    const page = await open();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await search(page, 'service:hostile');
    await poll(() => rowTexts(page).then((r) => r.length)).toBe(HOSTILE.length);
    const texts = (await rowTexts(page)).join('\n');
    expect(texts).toContain('<script>');
    expect(texts).toContain('<img');
    // Expanding each, the 1 MB line and the 64 KB JSON included, answers promptly.
    for (let i = 0; i < HOSTILE.length; i++) {
      const started = Date.now();
      await page.locator('[data-testid=results] .row').nth(i).dblclick();
      await page.waitForSelector('[data-testid=raw-line]');
      expect(Date.now() - started).toBeLessThan(5000);
    }
    await page.locator('[data-testid=results] .row').filter({ hasText: 'click me' }).dblclick();
    await poll(() => page.textContent('[data-testid=raw-line]')).toContain('javascript:');
    await page.locator('[data-testid=results] .row').filter({ hasText: '<img' }).dblclick();
    await poll(() => page.textContent('[data-testid=raw-line]')).toContain('onerror=');
    expect(await page.evaluate<string | undefined>('window.__pwned')).toBeUndefined();
    expect(await page.locator('#app img, #app script, #app a[href^="javascript"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot(page, 'hostile');
    await page.close();
  });

  it('pages long values cut and marked, and opens, copies and downloads them whole', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await open();
    const huge = HOSTILE[5];
    const pageAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/query');
    await search(page, 'service:hostile');
    // The page asked for short values: the 1 MB line came as its first 2 KB, marked.
    const answer = (await (await pageAnswer).json()) as { rows: Record<string, unknown>[] };
    const hugeRow = answer.rows.find((r) => String(r.raw).startsWith('hostile huge'));
    expect(hugeRow?._truncated).toEqual(expect.arrayContaining(['message', 'raw']));
    for (const r of answer.rows) expect(Buffer.byteLength(String(r.raw))).toBeLessThanOrEqual(2048);
    const hugeCells = page.locator('[data-testid=results] .row').filter({ hasText: 'hostile huge' });
    await poll(() => hugeCells.locator('.c-message.cut').count()).toBe(1);
    expect(
      await page
        .locator('[data-testid=results] .row')
        .filter({ hasText: 'click me' })
        .locator('.cut')
        .count(),
    ).toBe(0);

    // Opened: the whole line is fetched by the event's identity, and copied whole.
    await hugeCells.dblclick();
    await page.waitForSelector('[data-testid=event-detail][data-whole="1"]');
    await poll(() => page.textContent('[data-testid=raw-line]').then((t) => t?.length)).toBe(64 * 1024 + 1);
    expect(await page.locator('[data-testid=cut-note]').count()).toBe(0);
    await page.click('[data-testid=copy-raw]');
    await poll(() => page.evaluate<number>('navigator.clipboard.readText().then((t) => t.length)')).toBe(
      huge.length,
    );
    await page.click('[data-testid=copy-message]');
    await poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(huge);
    await page.keyboard.press('Escape');

    // A copy made before the whole event has come waits for it: never the cut value. (Another
    // event: the one opened above is kept whole by the page.)
    const json = HOSTILE[4];
    const jsonCells = page.locator('[data-testid=results] .row').filter({ hasText: 'hostile {"blob"' });
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/api/event?*', async (route) => {
      await held;
      await route.continue();
    });
    await page.evaluate("navigator.clipboard.writeText('before')");
    await jsonCells.dblclick();
    await page.waitForSelector('[data-testid=event-detail][data-whole="0"]');
    await poll(() => page.locator('[data-testid=cut-note]').count()).toBeGreaterThan(0);
    await page.click('[data-testid=copy-raw]');
    release();
    await page.waitForSelector('[data-testid=event-detail][data-whole="1"]');
    await poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(json);
    await page.unroute('**/api/event?*');

    // The download holds every value whole.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=download-ndjson]'),
    ]);
    const lines = (await import('node:fs'))
      .readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { raw: string }).raw)).toEqual(
      expect.arrayContaining([huge, json]),
    );
    await page.close();

    // When the whole event cannot be had, nothing cut can be copied or filtered on.
    const again = await open();
    await again.route('**/api/event?*', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { type: 'not_found', message: 'no event at that identity' } }),
      }),
    );
    await search(again, 'service:hostile');
    await again.locator('[data-testid=results] .row').filter({ hasText: 'hostile huge' }).dblclick();
    await poll(() => again.textContent('[data-testid=event-detail]')).toContain('could not be fetched');
    for (const [button, disabled] of [
      ['copy-raw', true],
      ['copy-json', true],
      ['copy-message', true],
      ['copy-service', false],
    ] as const) {
      expect(await again.locator(`[data-testid=${button}]`).isDisabled(), button).toBe(disabled);
    }
    await again.close();
  });

  it('asks for the token a server requires, keeps it for the tab only, and takes one given in the address', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const served = await serveApp(createApp({ store, token: 's3cret' }), '127.0.0.1', 0, 'port');
    try {
      const ctx = await browser!.newContext();
      const page = await ctx.newPage();
      page.setDefaultTimeout(SHOWN_MS);
      await page.goto(`${served.url}/`);
      await page.waitForSelector('[data-testid=login]');
      await page.fill('[data-testid=token]', 'wrong');
      await page.press('[data-testid=token]', 'Enter');
      await page.waitForSelector('[data-testid=login]');
      await page.fill('[data-testid=token]', 's3cret');
      await page.press('[data-testid=token]', 'Enter');
      await page.waitForSelector('[data-testid=run-info]');
      expect(await page.evaluate<string | null>("sessionStorage.getItem('logpipe.token')")).toBe('s3cret');
      expect(await page.evaluate<string | null>("localStorage.getItem('logpipe.token')")).toBeNull();
      await ctx.close();

      const linked = await browser!.newContext();
      const again = await linked.newPage();
      again.setDefaultTimeout(SHOWN_MS);
      await again.goto(`${served.url}/?token=s3cret#since=15m`);
      await again.waitForSelector('[data-testid=run-info]');
      expect(again.url()).toBe(`${served.url}/#since=15m`);
      await linked.close();
    } finally {
      await served.stop();
      await store.close();
    }
  });
});
