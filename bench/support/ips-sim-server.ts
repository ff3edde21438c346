/**
 * The IPS simulator in a process of its own, so that its CPU is not charged to the client being
 * measured. Prints `{"url": …}` once listening; exits on SIGTERM or when stdin closes.
 *   node --import tsx bench/support/ips-sim-server.ts
 */
import { startIpsSimulator } from '../../test/support/ips-simulator.js';

const sim = await startIpsSimulator({ estimatedSeconds: 5 });
// The simulator records every call with its URLs; thousands of 1000-URL calls would otherwise
// grow this process by hundreds of MB for nothing.
const trim = setInterval(() => sim.reset(), 500);
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clearInterval(trim);
  void sim.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).resume();
