import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverUrlProblem } from '../../shared/serverUrl.ts';

test('https servers and plain-http loopback are accepted', () => {
  for (const url of [
    'https://api.escrow-desk.example',
    'https://api.escrow-desk.example:8443/v1',
    'http://127.0.0.1:8787',
    'http://localhost:8787',
    'http://[::1]:8787',
  ]) {
    assert.equal(serverUrlProblem(url), null, url);
  }
});

test('plain http elsewhere, other schemes and credentials are refused with a reason', () => {
  for (const url of [
    'http://api.escrow-desk.example',
    'http://192.168.1.10:8787',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.example',
    'ftp://127.0.0.1',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://user:pw@api.escrow-desk.example',
    'not a url',
    '',
  ]) {
    const problem = serverUrlProblem(url);
    assert.ok(problem, `${url} accepted`);
  }
  assert.match(serverUrlProblem('http://api.example')!, /https/);
});
