/**
 * Whether this desk may update itself, decided from what the build carries (set by
 * electron-builder.config.cjs into the packaged package.json as `escrowDesk`) — never from the
 * environment. An update must be verified before it is installed:
 * - with an update public key, every file of the feed must carry a valid Ed25519 signature
 *   (updateSignature.ts), on every platform;
 * - on Windows, a configured `publisherName` makes electron-updater check the installer's
 *   Authenticode signature (it skips that check when no publisherName is configured);
 * - otherwise the updater stays off. An unsigned build (ESCROW_DESK_UNSIGNED=1) never updates.
 */

export interface BuildSigning {
  /** PEM (SPKI) Ed25519 public key of the release key, or null. */
  updatePublicKey: string | null;
  /** The Windows code-signing certificate's publisher name, or null. */
  winPublisherName: string | null;
  /** Packaged with ESCROW_DESK_UNSIGNED=1: a local build with no code signing. */
  unsigned: boolean;
}

/** `escrowDesk` of the packaged package.json; anything missing or odd counts as unsigned. */
export function readBuildSigning(packageJson: unknown): BuildSigning {
  const meta = (packageJson as { escrowDesk?: Record<string, unknown> } | null)?.escrowDesk;
  if (typeof meta !== 'object' || meta === null)
    return { updatePublicKey: null, winPublisherName: null, unsigned: true };
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return {
    updatePublicKey: text(meta.updatePublicKey),
    winPublisherName: text(meta.winPublisherName),
    unsigned: meta.unsigned !== false,
  };
}

export type UpdaterDecision =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      /** Another https feed than the build's (development runs only; see runtimeOverrides). */
      feedUrl: string | null;
      /** Verify every feed file's signature with this key. */
      publicKey: string | null;
      /** electron-updater checks the installer's Authenticode publisher (Windows). */
      authenticode: boolean;
    };

export function decideUpdater(options: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  feedUrl: string | null;
  signing: BuildSigning;
}): UpdaterDecision {
  const { signing, platform, feedUrl } = options;
  if (!options.isPackaged) return { enabled: false, reason: 'not a packaged build' };
  if (signing.unsigned)
    return { enabled: false, reason: 'unsigned build (ESCROW_DESK_UNSIGNED=1): updates are off' };
  if (feedUrl !== null && !feedUrl.startsWith('https://'))
    return { enabled: false, reason: 'the update feed is not https' };
  const authenticode = platform === 'win32' && signing.winPublisherName !== null;
  if (!authenticode && signing.updatePublicKey === null) {
    return {
      enabled: false,
      reason:
        platform === 'win32'
          ? 'neither a publisherName nor an update public key is configured: updates cannot be verified'
          : 'no update public key is configured: updates cannot be verified',
    };
  }
  return { enabled: true, feedUrl, publicKey: signing.updatePublicKey, authenticode };
}
