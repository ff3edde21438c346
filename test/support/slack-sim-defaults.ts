/**
 * Workspace identity shared by the Slack simulator and the payload builders, so a payload built
 * without options names the same team, app and bot the simulator answers for.
 */
export const SIM_TEAM_ID = 'T0SIMTEAM';
export const SIM_TEAM_DOMAIN = 'simteam';
export const SIM_TEAM_NAME = 'Sim Team';
export const SIM_APP_ID = 'A0SIMAPP';
export const SIM_BOT_USER_ID = 'U0SIMBOT';
export const SIM_BOT_ID = 'B0SIMBOT';
export const SIM_BOT_NAME = 'dm-purge';
export const SIM_BOT_TOKEN = 'xoxb-test-token';
/** App-level token (Socket Mode): only `apps.connections.open` takes it. */
export const SIM_APP_TOKEN = 'xapp-1-A0SIMAPP-1-simapptoken';
/** The deprecated verification token Slack still puts in payloads; Bolt ignores it. */
export const SIM_VERIFICATION_TOKEN = 'simVerificationToken0';
