import { describe, expect, it } from 'vitest';
import { checkEnvironment } from './environment.js';

const BASE = {
  SLACK_BOT_TOKEN: 'xoxb-ENVTESTBOTTOKEN',
  SLACK_SIGNING_SECRET: 'ENVTESTSIGNINGSECRET',
  IPS_USER: 'api@example.com',
  IPS_PASSWORD: 'ENVTESTPASSWORD',
};

describe('checkEnvironment', () => {
  it('passes a valid environment and names HTTP mode', () => {
    const { env, results } = checkEnvironment({ ...BASE, PORT: '8080' });
    expect(env?.port).toBe(8080);
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('ok');
    expect(results[0]?.detail).toMatch(/^HTTP mode .*8080/);
  });

  it('names Socket Mode when SLACK_APP_TOKEN is set', () => {
    const { results } = checkEnvironment({ ...BASE, SLACK_APP_TOKEN: 'xapp-1-A-2-b' });
    expect(results[0]?.detail).toMatch(/^Socket Mode/);
  });

  it('fails once per problem, naming the variable, with a fix for each', () => {
    const { env, results } = checkEnvironment({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-not-app' });
    expect(env).toBeUndefined();
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
    expect(results.map((r) => r.detail.split(':')[0])).toEqual([
      'SLACK_APP_TOKEN',
      'IPS_USER',
      'IPS_PASSWORD',
    ]);
    expect(results[0]?.fix).toContain('xapp');
    expect(results[1]?.fix).toContain('IPS_USER');
  });

  it('never shows a secret value, valid or not', () => {
    const valid = checkEnvironment(BASE).results;
    const invalid = checkEnvironment({
      ...BASE,
      SLACK_BOT_TOKEN: 'xoxp-ENVTESTBOTTOKEN',
      SLACK_APP_TOKEN: 'xoxb-ENVTESTAPPTOKEN',
      REDIS_URL: 'http://u:ENVTESTREDISPW@h',
    }).results;
    const text = JSON.stringify([...valid, ...invalid]);
    for (const secret of [
      'ENVTESTBOTTOKEN',
      'ENVTESTSIGNINGSECRET',
      'ENVTESTPASSWORD',
      'ENVTESTAPPTOKEN',
      'ENVTESTREDISPW',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
