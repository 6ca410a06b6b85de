// Types for scripts/buildApp.mjs, so TypeScript tests can import the build steps.
export declare const ROOT: string;
export declare function buildRenderer(outDir?: string): Promise<string>;
export declare function buildElectron(outDir?: string): Promise<string>;
