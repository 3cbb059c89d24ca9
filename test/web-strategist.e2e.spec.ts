import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { importSamples } from './waves.js';
import { startTestApp, type TestApp } from './app.js';
import {
  type BrowserTest,
  containing,
  expectAccessible,
  SCREENSHOTS,
  shows,
  signIn,
  startBrowser,
  unexpected,
  until,
} from './browser.js';

interface MatrixSegment {
  segmentId: string;
  proposed: string | null;
  noClearMatch: boolean;
  name: string | null;
  label: { de: string };
  decision: { templateKey: string; overridden: boolean; decidedBy: string; comment: string | null } | null;
  ranked: { template: string; score: number; name: { de: string } }[];
}

/** A number as the German screen writes it (1.234,567 or -0,250). */
const fromGerman = (text: string) =>
  Number(text.trim().replace(/\./g, '').replace(',', '.').replace('−', '-'));

describe('the strategist’s screens in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;
  /** k 3, seed 1 over the sample districts: an "average" segment no template fits, beside ones that clearly fit. */
  let runId: string;
  let strategistName: string;
  const as = (role: 'strategist' | 'staff') => t.as(role);
  const api = async (path: string) => (await t.http().get(path).set(as('strategist')).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp();
    await importSamples(t, 'regions', 'postcodes', 'geometry', 'contacts');
    runId = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body.id;
    [{ name: strategistName }] = await t.db.dataSource.query(
      `SELECT name FROM staff_users WHERE role = 'strategist'`,
    );
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  async function signedIn(role: 'strategist' | 'staff', width = 1280) {
    const opened = await b.open(width);
    await signIn(opened.page, role);
    await opened.page.waitForSelector('nav');
    return opened;
  }

  const runIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');

  it('runs a segmentation from the screen, marks the chosen k on the k chart, and keeps a renamed segment (audited)', async () => {
    const { context, page } = await signedIn('strategist');
    await page.getByRole('link', { name: 'Segmentierungen' }).click();
    await page.getByLabel('k oder Bereich').fill('3-6');
    await page.getByLabel('Startwert').fill('7');
    await page.getByLabel('Neustarts').fill('3');
    await page.getByRole('button', { name: 'Segmentieren' }).click();
    await page.waitForSelector('.k-chart svg');
    const id = runIdOf(page);
    const run = await api(`/segmentations/${id}`);
    expect(run).toMatchObject({ kRange: [3, 6], seed: 7, restarts: 3, preset: 'overview' });
    await until(async () =>
      (await page.locator('.k-chart svg text').allTextContents()).includes(`gewählt: k = ${run.k}`),
    );
    const ties = (await page.locator('.k-chart svg text').allTextContents()).filter((x) => x === 'gleichauf');
    expect(ties).toHaveLength(run.nearTies.length);
    await shows(page.locator('.k-table tr.chosen td').first(), String(run.k));
    await expect(page.locator('article.segment').count()).resolves.toBe(run.k);

    const card = page.locator('article.segment').first();
    await card.getByLabel('Name').fill('Innenstadt-Ring');
    await card.getByLabel('Notizen').fill('Haustür zuerst');
    await card.getByRole('button', { name: 'Speichern' }).click();
    await card.getByRole('status').waitFor();
    await page.reload();
    const renamed = page.locator('article.segment').first();
    await shows(renamed.locator('h3'), containing('Innenstadt-Ring'));
    await expect(renamed.getByLabel('Notizen').inputValue()).resolves.toBe('Haustür zuerst');
    await shows(renamed.locator('.edited'), containing(`Zuletzt geändert von ${strategistName}`));
    const audit = await t.db.dataSource.query(
      `SELECT a.details, s.name FROM audit_log a JOIN staff_users s ON s.id = a.staff_user_id
       WHERE a.action = 'segment.update' AND a.entity_id = $1`,
      [run.segments[0].id],
    );
    expect(audit).toEqual([
      {
        name: strategistName,
        details: {
          before: { name: null, notes: null },
          after: { name: 'Innenstadt-Ring', notes: 'Haustür zuerst' },
        },
      },
    ]);
    await page.waitForSelector('.run-map svg path');
    await page.waitForSelector('.heatmap svg text');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-1280.png'), fullPage: true });
    await context.close();

    const narrow = await signedIn('strategist', 390);
    await narrow.page.goto(`${b.url}/app/#/segmentations/${id}`);
    await narrow.page.waitForSelector('.k-chart svg text');
    await narrow.page.waitForSelector('.run-map svg path');
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'run-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('shows each score as the sum of its parts, "no clear match" as such, and keeps another template chosen with a comment', async () => {
    const before = (await api(`/segmentations/${runId}/matches`)).segments as MatrixSegment[];
    const unclear = before.find((s) => s.noClearMatch)!;
    const clear = before.find((s) => !s.noClearMatch)!;
    expect(unclear && clear).toBeTruthy();
    const { context, page } = await signedIn('strategist');
    await page.goto(`${b.url}/app/#/segmentations/${runId}/matches`);
    const choices = page.locator('button.segment-choice');
    await choices.first().waitFor();
    await expect(choices.count()).resolves.toBe(before.length);
    const nameOf = (s: MatrixSegment) => s.name ?? s.label.de;
    await shows(choices.filter({ hasText: nameOf(unclear) }), containing('kein klarer Treffer'));
    await choices.filter({ hasText: nameOf(unclear) }).click();
    await shows(page.locator('.no-match'), containing('Kein klarer Treffer'));

    await choices.filter({ hasText: nameOf(clear) }).click();
    await shows(page.locator('.segment-detail h2'), nameOf(clear));
    const proposedName = clear.ranked.find((r) => r.template === clear.proposed)!.name.de;
    await shows(page.locator('.segment-detail'), containing(`Vorschlag: ${proposedName}`));
    await page.waitForSelector('.waterfall svg path[fill="#7a1f3d"]');
    const parts = (await page.locator('td.contribution').allTextContents()).map(fromGerman);
    const score = fromGerman((await page.locator('td.score').textContent())!);
    expect(parts.length).toBeGreaterThan(1);
    expect(Math.abs(parts.reduce((a, x) => a + x, 0) - score)).toBeLessThanOrEqual(
      0.0005 * (parts.length + 1),
    );
    expect(score).toBeCloseTo(clear.ranked[0].score, 3);

    const other = clear.ranked[3];
    await page.getByRole('radio', { name: other.name.de }).check();
    await shows(page.locator('#waterfall'), containing(other.name.de));
    await shows(
      page.locator('td.score'),
      other.score.toLocaleString('de', { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
    );
    await page.getByLabel('Kommentar').fill('Haustürgespräche zuerst');
    await page.getByRole('button', { name: 'Diese Vorlage wählen' }).click();
    await shows(page.getByRole('status'), 'Wahl gespeichert.');
    await page.reload();
    await page
      .locator('button.segment-choice')
      .filter({ hasText: nameOf(clear) })
      .click();
    await expect(
      page
        .locator('button.segment-choice')
        .filter({ hasText: nameOf(clear) })
        .textContent(),
    ).resolves.toContain(`von Hand gewählt: ${other.name.de}`);
    const decision = await page.locator('.decision').textContent();
    expect(decision).toContain(`Von Hand gewählt: ${other.name.de}`);
    expect(decision).toContain(`von ${strategistName}`);
    expect(decision).toContain('„Haustürgespräche zuerst“');
    await expect(page.getByRole('radio', { name: other.name.de }).isChecked()).resolves.toBe(true);
    const after = ((await api(`/segmentations/${runId}/matches`)).segments as MatrixSegment[]).find(
      (s) => s.segmentId === clear.segmentId,
    )!;
    expect(after.decision).toMatchObject({
      templateKey: other.template,
      overridden: true,
      decidedBy: strategistName,
      comment: 'Haustürgespräche zuerst',
    });
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'matches-1280.png'), fullPage: true });
    await context.close();

    const narrow = await signedIn('strategist', 390);
    await narrow.page.goto(`${b.url}/app/#/segmentations/${runId}/matches`);
    await narrow.page.waitForSelector('.waterfall svg path[fill="#7a1f3d"]');
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'matches-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('compares two runs: the districts listed as moved are the API’s', async () => {
    const otherId = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '5', seed: 3 }).expect(201)
    ).body.id;
    const compared = await api(`/segmentations/${runId}/compare/${otherId}`);
    expect(compared.movedCount).toBeGreaterThan(0);
    const { context, page } = await signedIn('staff');
    await page.goto(`${b.url}/app/#/segmentations/${runId}`);
    await page.getByLabel('Vergleichen mit').selectOption(otherId);
    await page.waitForSelector('table.moved');
    const listed = await page.locator('table.moved tbody tr td:first-child').allTextContents();
    expect(listed).toEqual(
      compared.moved.map((m: { code: string; name: string }) => `${m.name} (${m.code})`),
    );
    await shows(page.locator('.ari'), containing(`${compared.movedCount} von ${compared.compared} Regionen`));
    await page.waitForSelector('.sankey svg path');
    // Staff read the run; renaming is the strategists'.
    await expect(page.getByRole('button', { name: 'Speichern' }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-1280.png'), fullPage: true });
    await context.close();
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
