/**
 * Runs the IPS and Slack simulators as one process (for smoke tests of a built copy and for
 * trying the app by hand). Prints one JSON line with their addresses, then serves until SIGTERM.
 *   node --import tsx test/support/serve-simulators.ts
 */
import { SIM_DEFAULTS, startIpsSimulator } from './ips-simulator.js';
import { startSlackSimulator } from './slack-simulator.js';

const ips = await startIpsSimulator({ estimatedSeconds: 1 });
const slack = await startSlackSimulator({ users: [{ id: 'U0ADMIN', email: 'admin@jjesquire.com' }] });
process.stdout.write(
  `${JSON.stringify({
    ipsUrl: ips.url,
    ipsUser: SIM_DEFAULTS.user,
    ipsPassword: SIM_DEFAULTS.password,
    slackUrl: slack.url,
    slackBotToken: slack.botToken,
  })}\n`,
);
const stop = async () => {
  await Promise.all([ips.close(), slack.close()]);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
