/**
 * An HTTP server that answers every request with an empty 200 as soon as its body has arrived: the
 * fastest possible "app". The ack-latency row measures it with the same load to show what the load
 * generator, loopback and this machine cost by themselves. Prints `{"port": …}`; exits when stdin closes.
 *   node --import tsx bench/support/empty-server.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = 200;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
