import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRenderer } from '../../scripts/buildApp.mjs';
import { RENDERER_DIR_ENV } from './builtRenderer.ts';

/** Builds the renderer once for every browser test of the run; removes it afterwards. */
export default async function globalSetup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-renderer-'));
  await buildRenderer(dir);
  process.env[RENDERER_DIR_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
