import { describe, expect, it } from 'vitest';
import { slackRequestFields } from './request-log.js';

describe('slackRequestFields', () => {
  it('reads a slash command (flat ids)', () => {
    expect(
      slackRequestFields({
        command: '/purge',
        team_id: 'T1',
        user_id: 'U1',
        channel_id: 'C1',
        trigger_id: '123.456.abc',
        token: 'legacy-verification-token',
      }),
    ).toEqual({ slackRequest: '/purge', slackTeam: 'T1', slackUser: 'U1', slackTrigger: '123.456.abc' });
  });

  it('reads a view submission (nested ids) and never copies anything else of the payload', () => {
    const fields = slackRequestFields({
      type: 'view_submission',
      team: { id: 'T1', domain: 'x' },
      user: { id: 'U1', name: 'ada' },
      trigger_id: '9.9.z',
      view: { id: 'V1', private_metadata: 'signed-context', state: { values: { urls: 'https://a/b' } } },
    });
    expect(fields).toEqual({
      slackRequest: 'view_submission',
      slackTeam: 'T1',
      slackUser: 'U1',
      slackTrigger: '9.9.z',
      slackView: 'V1',
    });
  });

  it('gives nothing for a body without ids', () => {
    expect(slackRequestFields(undefined)).toEqual({});
    expect(slackRequestFields({ type: 42, team: 'T1', view: null })).toEqual({});
  });
});
