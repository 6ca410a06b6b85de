// Types for scripts/electronRuntime.mjs, so TypeScript tests can find the Electron runtime.
export declare function installedElectron(): string | null;
export declare function obtainElectron(opts?: {
  timeoutMs?: number;
}): { exe: string } | { reason: string };
export declare function electronVersion(): string;
export declare function electronSqliteBinding(): Promise<string>;
