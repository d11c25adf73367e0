import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded';
import type { Logger } from '../src/logger';

/** Processes of the load script and the benchmark: PostgreSQL, and servers started, awaited and measured. */

export interface DatabaseServer {
  /** DATABASE_URL, or the embedded server's. */
  url: string;
  /** A temporary folder for the script (the embedded server's data lives there too); removed by `stop`. */
  workDir: string;
  stop(): Promise<void>;
}

/** The PostgreSQL a script runs against: DATABASE_URL's when set, else an embedded one in a temporary folder. */
export async function databaseServer(name: string, log: Logger): Promise<DatabaseServer> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `clinic-catalog-${name}-`));
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres(workDir, log);
  return {
    url: process.env.DATABASE_URL ?? embedded!.url,
    workDir,
    stop: async () => {
      await embedded?.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export async function waitForHealth(url: string, child: ChildProcess, path = '/readyz'): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready`);
}

/**
 * Node's flags for the server, as `npm start` and the Dockerfile run it (test/heap-limit.test.ts
 * keeps them alike): with a 1.5 GiB old space instead of the 4 GiB default V8 collects before it
 * grows, which kept peak RSS near 170-180 MB instead of 250-270 at the same throughput
 * (docs/benchmark.md, "Peak RSS").
 */
export const SERVER_NODE_FLAGS = ['--max-old-space-size=1536'];

/** Starts `script` with node, its flags and the given environment (added to this process's), output inherited. */
export function startNode(script: string, env: Record<string, string>, flags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...flags, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Resident memory of a process in MB, from /proc (Linux): `VmRSS` now, `VmHWM` its peak. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * Resets the peak (`VmHWM`) to the current RSS, so that the next reading is the peak of what ran
 * since (Linux, needs permission on the process: it is our child). False when the kernel refuses.
 */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * The machine's CPU time so far in ms, from /proc/stat's first line (Linux, ticks of 10 ms):
 * `busy` is user, nice, system, irq and softirq time on every core; `all` adds idle, iowait and
 * steal (time another guest had a core of this VM).
 */
export function machineCpuMs(): { busy: number; all: number } {
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks;
  const busy = user + nice + system + irq + softirq;
  return { busy: busy * 10, all: (busy + idle + iowait + steal) * 10 };
}
