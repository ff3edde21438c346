import { readFile } from 'node:fs/promises';

/** Resident-set figures of a process from /proc/<pid>/status (Linux), in MB. */
export interface MemoryStatus {
  /** Peak resident set size ("high water mark"). */
  peakMb: number;
  /** Resident set size now. */
  rssMb: number;
}

function field(status: string, name: string): number {
  const kb = new RegExp(`^${name}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`/proc status has no ${name}`);
  return Number(kb) / 1024;
}

export async function memoryOf(pid: number): Promise<MemoryStatus> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { peakMb: field(status, 'VmHWM'), rssMb: field(status, 'VmRSS') };
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}
