/**
 * The renderer the browser tests serve, built once per run by globalSetup.ts (a Vite build per
 * file cost each file several seconds) and named to the workers through the environment.
 */
export const RENDERER_DIR_ENV = 'ESCROW_E2E_RENDERER_DIR';

export function builtRenderer(): string {
  const dir = process.env[RENDERER_DIR_ENV];
  if (!dir)
    throw new Error(`${RENDERER_DIR_ENV} is unset: run the browser tests with playwright test`);
  return dir;
}
