/**
 * Which central-server addresses the desk will send passwords and tokens to: https, or plain
 * http to this very machine (a developer's API, the embedded demo server). Anything else would
 * put a bearer token on the wire in clear text.
 */

/** The WHATWG URL parser, a global in Node and browsers; shared/ is checked without their types. */
const WhatwgUrl = (
  globalThis as unknown as {
    URL: new (text: string) => {
      protocol: string;
      hostname: string;
      username: string;
      password: string;
    };
  }
).URL;

/** Loopback names exactly as the URL parser spells them. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

export const SERVER_URL_RULE = 'an https URL (plain http only for 127.0.0.1, localhost or [::1])';

/** Why this text is not an acceptable server address, or null when it is one. */
export function serverUrlProblem(text: string): string | null {
  let url: InstanceType<typeof WhatwgUrl>;
  try {
    url = new WhatwgUrl(text);
  } catch {
    return `not a URL: expected ${SERVER_URL_RULE}`;
  }
  if (url.username !== '' || url.password !== '') return 'a server URL must not carry credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTNAMES.includes(url.hostname)) return null;
  if (url.protocol === 'http:')
    return `plain http is allowed only for 127.0.0.1, localhost or [::1], not ${url.hostname}: use https`;
  return `expected ${SERVER_URL_RULE}, not ${url.protocol.slice(0, 20)}`;
}
