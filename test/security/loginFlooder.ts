// A child process that floods a login endpoint: `inFlight` concurrent bad logins from a local
// address of its own (so the per-address limit sees the attacker, not the test's good client).
// Each of the `inFlight` clients sends its next guess `pauseMs` after its answer (1,000
// clients guessing once a second by default; 0 is a closed-loop flood, which measures how many
// 429s one event loop can write rather than password hashing). Prints "flooding" once the
// first wave is sent and has answers coming back, and a JSON tally when stdin says "stop".
import http from 'node:http';
import { createInterface } from 'node:readline';

const [url, localAddress = '127.0.0.2', inFlightText = '1000', pauseText = '1000'] =
  process.argv.slice(2);
const pauseMs = Number(pauseText);
if (!url) throw new Error('usage: loginFlooder.ts <login url> [local address] [in flight]');
const target = new URL(url);
const inFlight = Number(inFlightText);
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight, localAddress });
const tally: Record<string, number> = {};
let sent = 0;
let answered = 0;
let stopping = false;
let announced = false;

function one(): void {
  if (stopping) return;
  const n = sent++;
  // Real usernames (which the per-account guard locks) and made-up ones (dummy hashes).
  const username = n % 3 === 0 ? 'staff1' : n % 3 === 1 ? 'buyer2' : `ghost${n}`;
  const body = JSON.stringify({ username, password: `guess-${n}` });
  const req = http.request(
    {
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        tally[String(res.statusCode)] = (tally[String(res.statusCode)] ?? 0) + 1;
        answered++;
        if (!announced && sent >= inFlight && answered >= 100) {
          announced = true;
          process.stdout.write('flooding\n');
        }
        again();
      });
    },
  );
  req.on('error', () => {
    tally.error = (tally.error ?? 0) + 1;
    answered++;
    again();
  });
  req.end(body);
}

function again(): void {
  if (pauseMs > 0) setTimeout(one, pauseMs);
  else one();
}

for (let i = 0; i < inFlight; i++) one();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stop') return;
  stopping = true;
  process.stdout.write(`${JSON.stringify({ sent, answered, tally })}\n`);
  agent.destroy();
  process.exit(0);
});
