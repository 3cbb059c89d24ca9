// A Twilio-compatible Messages endpoint for the benchmarks: answers 201 with a message resource, keeps arrival
// times. Runs as a child process; `stats` reports the count and the first and last arrival.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { URLSearchParams } from 'node:url';

let count = 0;
let first = 0;
let last = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const now = performance.now();
    if (count++ === 0) first = now;
    last = now;
    const form = new URLSearchParams(body);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    res.writeHead(201, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        sid,
        to: form.get('To'),
        from: form.get('From'),
        body: form.get('Body'),
        status: 'queued',
        num_segments: '1',
        api_version: '2010-04-01',
      }),
    );
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ count, seconds: (last - first) / 1000 }));
