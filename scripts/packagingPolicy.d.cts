// Types for scripts/packagingPolicy.cjs, so TypeScript tests can import the packaging checks.
export type DistTarget = 'win' | 'mac' | 'linux';
export interface PackagingSigning {
  unsigned: boolean;
  updatePublicKey: string | null;
  winPublisherName: string | null;
  feedUrl: string;
}
type Env = Record<string, string | undefined>;
export declare const DEFAULT_FEED_URL: string;
export declare function packagingSigning(env: Env): PackagingSigning;
export declare function packagingProblems(env: Env, targets: DistTarget[]): string[];
export declare function distTargets(args: string[], platform: NodeJS.Platform): DistTarget[];
