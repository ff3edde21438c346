import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis.js';

const run = promisify(execFile);

/** A private Redis Cluster of `masters` nodes (no replicas) on free ports, for cluster-mode tests. */
export interface OwnRedisCluster {
  ports: number[];
  /** `redis://127.0.0.1:<port>` of one node. */
  url(port: number): string;
  /** The port of the master that owns `key`'s slot. */
  ownerOf(key: string): Promise<number>;
  dispose(): Promise<void>;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis cluster: ${what} never happened`);
}

function client(port: number): Redis {
  return new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
}

export async function startRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'dmpurge-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) {
      await waitFor(`node ${port} up`, async () => {
        const c = client(port);
        try {
          await c.connect();
          return (await c.ping()) === 'PONG' ? true : undefined;
        } finally {
          c.disconnect();
        }
      });
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await waitFor(`node ${port} cluster_state:ok`, async () => {
        const c = client(port);
        try {
          await c.connect();
          return (await c.call('CLUSTER', 'INFO'))?.toString().includes('cluster_state:ok')
            ? true
            : undefined;
        } finally {
          c.disconnect();
        }
      });
    }
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ports,
    url: (port) => `redis://127.0.0.1:${port}`,
    async ownerOf(key) {
      const c = client(ports[0] as number);
      try {
        await c.connect();
        const slot = Number(await c.call('CLUSTER', 'KEYSLOT', key));
        const shards = (await c.call('CLUSTER', 'SLOTS')) as [
          number,
          number,
          [string, number, ...unknown[]],
        ][];
        const owner = shards.find(([from, to]) => slot >= from && slot <= to);
        if (!owner) throw new Error(`no node owns slot ${slot}`);
        return owner[2][1];
      } finally {
        c.disconnect();
      }
    },
    async dispose() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGKILL');
            }),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
