import { startDemoHost } from '../shell/deskHostFixture.ts';

type DemoHost = ReturnType<typeof startDemoHost>;

/**
 * startDemoHost for a spec file, started on first use — in the worker that runs the file's
 * tests. Playwright's runner also loads every spec file, in its own process, only to list the
 * tests: a host started at module level there loaded the demo into a schema of its own and ran
 * a desk core for nothing, for every file, and nobody dropped the schema afterwards.
 */
export function specDemoHost(opts?: Parameters<typeof startDemoHost>[0]): DemoHost {
  let started: DemoHost | null = null;
  const get = () => (started ??= startDemoHost(opts));
  return {
    get host() {
      return get().host;
    },
    get dir() {
      return get().dir;
    },
    get server() {
      return get().server;
    },
    cleanup: async () => {
      await started?.cleanup();
    },
  };
}
