#!/usr/bin/env node
import { APP_NAME, APP_VERSION } from './version.js';

const USAGE = `Usage: ${APP_NAME} <command>

Commands:
  start      run the Slack app (what \`npm start\` does)
  doctor     check the environment, config file, Redis, IPS and Slack before starting
  version    print the version
  help       print this text

Settings come from environment variables and the purge config file (PURGE_CONFIG,
default ./purge.config.yml); README.md lists them all.
`;

const DOCTOR_EXIT_GRACE_MS = 2000;

async function run(args: readonly string[]): Promise<number> {
  const [command] = args;
  switch (command) {
    case 'start':
      // main.js starts on import and owns the process from then on.
      await import('./main.js');
      return 0;
    case 'doctor': {
      const { runDoctor } = await import('./doctor/run.js');
      const code = await runDoctor(process.env, (line) => process.stdout.write(`${line}\n`));
      // Every check closes what it opened; should a socket linger anyway, doctor still ends.
      setTimeout(() => process.exit(code), DOCTOR_EXIT_GRACE_MS).unref();
      return code;
    }
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`${APP_VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`${APP_NAME}: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

run(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
});
