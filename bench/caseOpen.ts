// The dispute desk's case page with 20 evidence files (issue 15: ui.case_open_p95_ms < 150):
// a senior agent's desk in web mode against the real central API on PostgreSQL
// (BENCH_DATABASE_URL), in Debian's Chromium. Each sample is a click on the case in the queue
// until the case page shows the claim, all 20 evidence rows with their hash check and the
// decision area; then back to the queue. The baseline, from the same browser in the same run,
// is a click on a plain page until the frame that shows its effect.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createDeskHost } from '../electron/host/deskHost.ts';
import { serverAuthenticator } from '../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../electron/host/sessionTypes.ts';
import { startWebServer } from '../electron/web/webServer.ts';
import { makePng } from '../test/disputes/pngImage.ts';

const EVIDENCE_FILES = 20;
const SAMPLES = 30;

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? NaN;
};
const fmt = (x: number) => x.toFixed(2);

export async function caseOpenBench(browser: Browser, rendererDir: string): Promise<void> {
  // The dispute test server reads its database URL when it is first imported.
  // (Assigning an unset variable would store the string "undefined" and break the URL.)
  if (process.env.BENCH_DATABASE_URL && !process.env.DISPUTE_TEST_PG_URL)
    process.env.DISPUTE_TEST_PG_URL = process.env.BENCH_DATABASE_URL;
  const { PASSWORD, paidOrder, startDisputeServer } =
    await import('../test/disputes/disputeTestServer.ts');
  const t = await startDisputeServer('bench_ui_case_open');
  t.clock.set(Date.now());
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-case-'));
  const host = createDeskHost({
    core: {
      workerEntry: new URL('../electron/core/worker/coreWorker.ts', import.meta.url),
      workerData: { dataDir },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(t.url),
    vault: memoryTokenVault(),
  });
  const web = await startWebServer({ host, rendererDir });
  try {
    // 20 photos of 320×240 (different bytes each, so 20 stored files), filed with one claim.
    const orderId = await paidOrder(t, { amountFen: 800_000, title: '明前龙井 礼盒' });
    const evidence: string[] = [];
    for (let i = 0; i < EVIDENCE_FILES; i++) {
      const png = makePng(320, 240, (x, y) => [(x + i * 7) & 255, (y * 3) & 255, (x ^ y) & 255]);
      evidence.push((await t.upload('b1', `照片-${i + 1}.png`, 'image/png', png)).sha256);
    }
    const filed = await t.api('b1', 'POST', `/v1/orders/${orderId}/claims`, {
      claimId: 'claim-bench',
      amountFen: 800_000,
      reason: '收到空箱',
      evidence,
    });
    if (filed.status !== 201) throw new Error(`claim: ${JSON.stringify(filed.body)}`);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(web.url);
    await page.getByLabel(/用户名|Username/).fill('senior1');
    await page.getByLabel(/密码|Password/).fill(PASSWORD);
    await page.getByRole('button', { name: /登录|Sign in/ }).click();
    await page.getByTestId('nav-disputes').click();
    await page.getByTestId('open-claim-bench').waitFor();

    const openMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      openMs.push(
        await page.evaluate(
          (files) =>
            new Promise<number>((resolve) => {
              const t0 = performance.now();
              (document.querySelector('[data-testid="open-claim-bench"]') as HTMLElement).click();
              const check = () => {
                const rows = document.querySelectorAll(
                  '[data-testid="buyer-evidence"] [data-testid="evidence-check"]',
                ).length;
                const ready =
                  rows === files &&
                  // The decision area, in whatever state the case allows (form or outcome).
                  document.querySelector('[data-testid="decision-outcome"]') &&
                  document.querySelector('[data-testid="case-head"]');
                if (ready) resolve(performance.now() - t0);
                else requestAnimationFrame(check);
              };
              requestAnimationFrame(check);
            }),
          EVIDENCE_FILES,
        ),
      );
      // Every photo shows (decoded) before the next sample, so samples do not overlap.
      await page.waitForFunction(
        (files) =>
          [...document.querySelectorAll('img.evidence-image')].filter(
            (img) => (img as HTMLImageElement).naturalWidth === 320,
          ).length === files,
        EVIDENCE_FILES,
        { timeout: 60_000 },
      );
      await page.getByTestId('case-back').click();
      await page.getByTestId('open-claim-bench').waitFor();
    }

    writeFileSync(
      join(rendererDir, 'click.html'),
      '<!doctype html><title>click</title><button id="b">b</button><p id="out"></p>',
    );
    await page.goto(`http://127.0.0.1:${web.port}/click.html`);
    const baseMs = await page.evaluate(async (n) => {
      const b = document.getElementById('b') as HTMLButtonElement;
      const out = document.getElementById('out') as HTMLElement;
      b.onclick = () => {
        out.textContent = String(Number(out.textContent || 0) + 1);
      };
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        b.click();
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        xs.push(performance.now() - t0);
      }
      return xs;
    }, SAMPLES);
    if (process.env.BENCH_VERBOSE) console.log(`# case opens ${openMs.map(fmt).join(' ')}`);
    console.log(`ui.case_evidence_files=${EVIDENCE_FILES}`);
    console.log(`ui.case_open_samples=${openMs.length}`);
    console.log(`ui.case_open_p95_ms=${fmt(p95(openMs))}`);
    console.log(`ui_baseline_click_to_frame_p95_ms=${fmt(p95(baseMs))}`);
    console.log(`ui.case_open_ratio=${fmt(p95(openMs) / p95(baseMs))}`);
    await page.close();
  } finally {
    await web.close();
    await host.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
