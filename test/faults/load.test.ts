import { describe, it } from 'vitest';
import { ADMIN, COMPANY, spawnApp, startWorld } from '../support/app-process.js';
import { expectEachDoneOnce } from './outcomes.js';
import { command, modalOpenedFor, type OpenedModal, submitModal } from './slack-driver.js';

/**
 * Load as Slack delivers it, against the real app process: a burst of `/purge` commands at the same
 * moment, then many 1000-URL purges submitted at once. Latency is the benchmark's business (no clock
 * in tests); here every request must be answered and every purge confirmed exactly once.
 */

const COMMANDS = 200;
const PURGES = 50;
const URLS_PER_PURGE = 1000;

function urlList(p: number): string[] {
  const presets = ['$thumbnail$', '$product$', '$large$', '$zoom$'];
  return Array.from(
    { length: URLS_PER_PURGE },
    (_, i) =>
      `https://s7d7.scene7.com/is/image/${COMPANY}/load-${p}-${String(i).padStart(4, '0')}?${presets[i % 4]}&wid=${200 + (i % 7) * 100}`,
  );
}

describe('load', () => {
  it(`${COMMANDS} concurrent /purge commands are all acknowledged and open a modal; ${PURGES} concurrent ${URLS_PER_PURGE}-URL purges are each confirmed once`, {
    timeout: 300_000,
  }, async ({ expect, onTestFinished }) => {
    const w = await startWorld({ estimatedSeconds: 1 });
    onTestFinished(() => w.close());
    const app = await spawnApp(w);

    const answers = await Promise.all(
      Array.from({ length: COMMANDS }, (_, i) =>
        command(app, w.slack, { userId: ADMIN.id, channel: `C0LOAD${String(i).padStart(3, '0')}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const modals = await Promise.all(answers.map((a) => modalOpenedFor(w.slack, a.triggerId, 60_000)));
    // One modal per command, each opened with its own trigger: nothing dropped, nothing doubled.
    const opens = w.slack.calls.filter((c) => c.method === 'views.open');
    expect(opens).toHaveLength(COMMANDS);
    expect(opens.every((c) => c.status === 200 && c.response.ok === true)).toBe(true);

    const lists = Array.from({ length: PURGES }, (_, p) => urlList(p));
    const files = lists.map((urls, p) =>
      w.slack.addFile({ name: `stale-${p}.txt`, content: `${urls.join('\n')}\n` }),
    );
    const submitted = await Promise.all(
      files.map((file, p) =>
        submitModal(app, {
          userId: ADMIN.id,
          modal: modals[p] as OpenedModal,
          urls: [],
          files: [{ id: file.id, name: file.name }],
        }),
      ),
    );
    // '' closes the modal at once; an `update` is the "checking" view when the ack budget ran out.
    for (const s of submitted) {
      expect(s.status).toBe(200);
      expect(s.body === '' || s.body.includes('"update"')).toBe(true);
    }

    await expectEachDoneOnce(w, ADMIN.id, PURGES);

    // Every URL went to IPS exactly as listed, once, in calls of at most 1000.
    const sent = w.ips.calls
      .filter((c) => c.operation === 'cdnCacheInvalidation' && c.httpStatus === 200)
      .flatMap((c) => c.urls ?? []);
    expect(sent).toHaveLength(PURGES * URLS_PER_PURGE);
    expect(new Set(sent)).toEqual(new Set(lists.flat()));

    // The process is still healthy and logged no errors.
    expect((await app.readyz()).status).toBe(200);
    expect(app.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
