// What `npm run dist` needs before it packages anything: code signing, and a way for the
// packaged desk to verify its updates (electron/main/updatePolicy.ts). Without them the build
// stops with the list of what is missing, unless ESCROW_DESK_UNSIGNED=1 asks for a local,
// unsigned build, whose updater is then off. CommonJS so electron-builder.config.cjs can
// require it; scripts/dist.mjs and the tests import it too.
const { createPublicKey } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');

const DEFAULT_FEED_URL = 'https://updates.escrow-desk.example/desk/${os}/${arch}';

/** A PEM given inline, or the path of a file holding it; null when unset. */
function readPem(value) {
  if (!value) return null;
  if (value.startsWith('-----BEGIN')) return value;
  return existsSync(value) ? readFileSync(value, 'utf8') : value;
}

/** The signing settings a build carries, read from the packaging environment. */
function packagingSigning(env) {
  return {
    unsigned: env.ESCROW_DESK_UNSIGNED === '1',
    updatePublicKey: readPem(env.ESCROW_DESK_UPDATE_PUBLIC_KEY),
    winPublisherName: env.ESCROW_DESK_WIN_PUBLISHER_NAME || null,
    feedUrl: env.ESCROW_DESK_UPDATE_URL || DEFAULT_FEED_URL,
  };
}

function publicKeyProblem(pem) {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519'
      ? null
      : 'ESCROW_DESK_UPDATE_PUBLIC_KEY is not an Ed25519 public key';
  } catch {
    return 'ESCROW_DESK_UPDATE_PUBLIC_KEY is neither a PEM public key nor a file holding one';
  }
}

/**
 * Everything missing for a signed build of these targets ('win', 'mac', 'linux'); empty when
 * the build may go ahead. An unsigned build has no signing problems, but still needs an https
 * feed.
 */
function packagingProblems(env, targets) {
  const signing = packagingSigning(env);
  const problems = [];
  if (!signing.feedUrl.startsWith('https://'))
    problems.push(`the update feed must be https (ESCROW_DESK_UPDATE_URL=${signing.feedUrl})`);
  if (signing.unsigned) return problems;
  if (signing.updatePublicKey) {
    const p = publicKeyProblem(signing.updatePublicKey);
    if (p) problems.push(p);
  }
  for (const target of targets) {
    if (target === 'win') {
      if (!env.CSC_LINK && !env.WIN_CSC_LINK)
        problems.push('Windows: no code-signing certificate (CSC_LINK or WIN_CSC_LINK)');
      if (!signing.winPublisherName && !signing.updatePublicKey)
        problems.push(
          'Windows: updates cannot be verified: set ESCROW_DESK_WIN_PUBLISHER_NAME (the certificate subject CN) or ESCROW_DESK_UPDATE_PUBLIC_KEY',
        );
    } else {
      if (target === 'mac' && !env.CSC_LINK && !env.CSC_NAME)
        problems.push('macOS: no code-signing identity (CSC_LINK or CSC_NAME)');
      if (!signing.updatePublicKey)
        problems.push(
          `${target === 'mac' ? 'macOS' : 'Linux'}: updates cannot be verified: set ESCROW_DESK_UPDATE_PUBLIC_KEY (Ed25519, PEM or file)`,
        );
    }
  }
  return problems;
}

/** The targets of `npm run dist [-- --win | --mac | --linux]`; this OS's when none is named. */
function distTargets(args, platform) {
  const named = ['win', 'mac', 'linux'].filter(
    (t) => args.includes(`--${t}`) || args.includes(`-${t[0]}`),
  );
  if (named.length > 0) return named;
  return [platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : 'linux'];
}

module.exports = { DEFAULT_FEED_URL, distTargets, packagingProblems, packagingSigning };
