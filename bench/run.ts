import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { signToken } from '../src/auth/token';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { projectRoot } from '../src/paths';
import { addPackages, addPriceList, DEFAULT_SIZE, generateChain, generateNoise, SMALL_SIZE, vacuumAnalyze, type Chain, type DatasetSize } from './dataset';
import { explainPlans, type ExplainedPlan } from './explain';
import { databaseServer, machineCpuMs, memoryOf, resetPeak, SERVER_NODE_FLAGS, startNode, stopProcess, waitForHealth } from './processes';
import { packageDetail, packageSearch, packageTable, packageTableWithPriceList, serviceSearch, writeMix, type Sequence } from './operations';
import { renderReport, type BenchResults, type ExportResult, type OperationResult } from './report';
import { must } from './workload';

/**
 * `npm run bench [-- --small] [--connections 16] [--duration 10] [--repetitions 3] [--pool 4] [--port 4710] [--keep]`
 *
 * Generates the data set into a fresh database (on DATABASE_URL's server, or an embedded
 * PostgreSQL), starts the built server (production mode, warn logs) and the floor (bench/floor.ts)
 * as child processes, and times each operation with autocannon: a warm-up, then several
 * repetitions, the median reported. Writes bench/results.json and bench/results.md and prints
 * the table.
 */

const SECRET = 'bench-secret';

interface Options {
  small: boolean;
  connections: number;
  durationS: number;
  warmupS: number;
  repetitions: number;
  pool: number;
  /** The server listens on this port, the floor on the next, the statement counter on the one after. */
  port: number;
  keep: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      small: { type: 'boolean', default: false },
      connections: { type: 'string', default: '16' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      repetitions: { type: 'string', default: '3' },
      pool: { type: 'string', default: '4' },
      port: { type: 'string', default: '4710' },
      keep: { type: 'boolean', default: false },
    },
  });
  const small = values.small!;
  const parsed = {
    small,
    connections: Number(values.connections),
    durationS: Number(values.duration ?? (small ? 3 : 10)),
    warmupS: Number(values.warmup ?? (small ? 2 : 3)),
    repetitions: Number(values.repetitions),
    pool: Number(values.pool),
    port: Number(values.port),
    keep: values.keep!,
  };
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && !(value > 0)) throw new Error(`--${name} must be a positive number`);
  }
  return parsed;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** A fresh database on the server of `baseUrl`, named for this run. */
async function createDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `clinic_catalog_bench_${Date.now().toString(36)}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new Client({ connectionString: admin.toString() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Refuses a port another process listens on: the bench would measure that process instead of its own (another bench run). */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () => reject(new Error(`port ${port} is taken (another bench running?): choose others with --port`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

interface Target {
  url: string;
  process: ChildProcess;
  /** Where statements are counted, when not the target itself: production sends no x-sql-statements header. */
  counter?: Target;
}

/**
 * SQL statements per request of a sequence in the steady state the runs measure: one loop of it, as
 * autocannon runs it, against the target's counter, reading the x-sql-statements header, after a
 * loop that warms what the server keeps across requests (an organization's tenants).
 */
async function statementsPerRequest(target: Target, token: string, sequence: Sequence): Promise<number> {
  await loopCounts(target.counter ?? target, token, sequence);
  const counts = await loopCounts(target.counter ?? target, token, sequence);
  return counts.reduce((sum, count) => sum + count, 0) / counts.length;
}

/** One loop of a sequence against `counter`: each response's x-sql-statements. */
async function loopCounts(counter: Target, token: string, sequence: Sequence): Promise<number[]> {
  const context = {};
  const counts: number[] = [];
  for (const step of sequence) {
    const request = typeof step.setupRequest === 'function' ? step.setupRequest({ ...step }, context) : step;
    if (!request) break;
    const response = await fetch(`${counter.url}${request.path}`, {
      method: request.method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: request.body as string,
    });
    const body = await response.text();
    counts.push(Number(response.headers.get('x-sql-statements') ?? NaN));
    if (typeof step.onResponse === 'function') step.onResponse(response.status, body, context, Object.fromEntries(response.headers));
  }
  return counts;
}

/**
 * One operation against one target: a warm-up, then runs of `durationS` each; the figures are the
 * medians of the runs, the peak RSS the highest over them (VmHWM reset before each run).
 */
class Measurement {
  private readonly stats = { responses: 0, bytes: 0, failures: 0, firstFailure: '' };
  private statementsPerRequest = NaN;
  /** Each run's autocannon result, with the machine's busy and total CPU ms during it. */
  private readonly runs: { load: autocannon.Result; cpu: { busy: number; all: number } }[] = [];
  private readonly counted: Sequence;
  private peakRssMb = 0;

  constructor(
    private readonly name: string,
    private readonly target: Target,
    private readonly token: string,
    private readonly sequence: Sequence,
    private readonly opts: Options,
    private readonly connections = opts.connections,
  ) {
    const stats = this.stats;
    this.counted = sequence.map((request) => ({
      ...request,
      onResponse: (status, body, context, headers) => {
        stats.responses += 1;
        stats.bytes += Buffer.byteLength(body);
        if (status !== 200 || body.startsWith('{"errors"') || body.includes('"errors":[')) {
          stats.failures += 1;
          stats.firstFailure ||= `${status} ${body.slice(0, 300)}`;
        }
        if (typeof request.onResponse === 'function') request.onResponse(status, body, context, headers);
      },
    }));
  }

  private load(durationS: number): Promise<autocannon.Result> {
    return autocannon({
      url: this.target.url,
      connections: this.connections,
      duration: durationS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      requests: this.counted,
    });
  }

  async warmUp(): Promise<void> {
    await this.load(this.opts.warmupS);
    Object.assign(this.stats, { responses: 0, bytes: 0 });
  }

  async countStatements(): Promise<void> {
    this.statementsPerRequest = await statementsPerRequest(this.target, this.token, this.sequence);
  }

  async runOnce(): Promise<void> {
    const pid = this.target.process.pid!;
    const peakResettable = resetPeak(pid);
    let sampled = memoryOf(pid).rssMb;
    const sampler = setInterval(() => (sampled = Math.max(sampled, memoryOf(pid).rssMb)), 100);
    const cpuBefore = machineCpuMs();
    try {
      const load = await this.load(this.opts.durationS);
      const cpuAfter = machineCpuMs();
      this.runs.push({ load, cpu: { busy: cpuAfter.busy - cpuBefore.busy, all: cpuAfter.all - cpuBefore.all } });
    } finally {
      clearInterval(sampler);
    }
    this.peakRssMb = Math.max(this.peakRssMb, sampled, peakResettable ? memoryOf(pid).peakMb : 0);
  }

  result(): OperationResult {
    const { stats, runs, name, connections } = this;
    if (stats.failures > 0) log(`  ${name}: ${stats.failures} failed responses, e.g. ${stats.firstFailure}`);
    const repetitions = runs.map(({ load, cpu }) => ({
      requestsPerSecond: load.requests.total / load.duration,
      p50Ms: load.latency.p50,
      p99Ms: load.latency.p99,
      machineBusyPercent: (100 * cpu.busy) / cpu.all,
      machineCpuMsPerRequest: cpu.busy / load.requests.total,
    }));
    const result: OperationResult = {
      name,
      connections,
      requestsPerSecond: median(repetitions.map((run) => run.requestsPerSecond)),
      p50Ms: median(repetitions.map((run) => run.p50Ms)),
      p99Ms: median(repetitions.map((run) => run.p99Ms)),
      statementsPerRequest: this.statementsPerRequest,
      bytesPerResponse: stats.bytes / stats.responses,
      peakRssMb: this.peakRssMb,
      requests: runs.reduce((sum, { load }) => sum + load.requests.total, 0),
      failures: stats.failures + runs.reduce((sum, { load }) => sum + load.errors + load.non2xx, 0),
      machineBusyPercent: median(repetitions.map((run) => run.machineBusyPercent)),
      machineCpuMsPerRequest: median(repetitions.map((run) => run.machineCpuMsPerRequest)),
      repetitions,
    };
    log(
      `  ${name} (${connections} connections): ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `${result.statementsPerRequest.toFixed(1)} statements, ${(result.bytesPerResponse / 1024).toFixed(1)} KiB, peak RSS ${result.peakRssMb.toFixed(0)} MB, ` +
        `machine ${result.machineBusyPercent.toFixed(0)} % busy, ${result.machineCpuMsPerRequest.toFixed(2)} CPU ms/req`,
    );
    return result;
  }
}

/**
 * Operations measured side by side: all warmed up, then their runs taken in turn (A, B, A, B…), so
 * that a machine that speeds up or slows down during the run (a shared VM does) moves them alike
 * and their ratio holds.
 */
async function measureSideBySide(measurements: Measurement[], repetitions: number): Promise<OperationResult[]> {
  for (const measurement of measurements) await measurement.warmUp();
  for (let repetition = 0; repetition < repetitions; repetition++) for (const measurement of measurements) await measurement.runOnce();
  for (const measurement of measurements) await measurement.countStatements();
  return measurements.map((measurement) => measurement.result());
}

async function measure(name: string, target: Target, token: string, sequence: Sequence, opts: Options, connections = opts.connections): Promise<OperationResult> {
  const [result] = await measureSideBySide([new Measurement(name, target, token, sequence, opts, connections)], opts.repetitions);
  return result;
}

/** Downloads an export without keeping it, timing it and sampling the server's memory. */
async function measureExport(format: 'csv' | 'xlsx', server: Target, token: string): Promise<ExportResult> {
  const pid = server.process.pid!;
  const before = memoryOf(pid).rssMb;
  resetPeak(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rssMb)), 20);
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  try {
    const response = await fetch(`${server.url}/exports/packages.${format}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok || !response.body) throw new Error(`export ${format} answered ${response.status}`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (format === 'csv') for (const byte of chunk) if (byte === 10) rows += 1;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, memoryOf(pid).peakMb);
  const result: ExportResult = {
    format,
    seconds,
    bytes,
    rows: format === 'csv' ? rows - 1 : null,
    rssBeforeMb: before,
    peakRssMb: peak,
    rssGrowthMb: peak - before,
  };
  log(`  export ${format}: ${seconds.toFixed(2)} s, ${(bytes / 1048576).toFixed(1)} MiB, RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB`);
  return result;
}

async function machine(databaseUrl: string): Promise<BenchResults['machine']> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const [row] = (await client.query<{ server_version: string }>('SHOW server_version')).rows;
  await client.end();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1073741824),
    node: process.version,
    postgres: row.server_version,
    os: `${os.type()} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  const opts = options();
  const size: DatasetSize = opts.small ? SMALL_SIZE : DEFAULT_SIZE;
  const growthFrom = size.packages / 10;
  const started = Date.now();
  for (const port of [opts.port, opts.port + 1, opts.port + 2]) await assertPortFree(port);
  const quiet = createLogger('warn');
  if (!process.env.DATABASE_URL) log('no DATABASE_URL: starting an embedded PostgreSQL');
  const postgres = await databaseServer('bench', quiet);
  const database = await createDatabase(postgres.url);
  const children: ChildProcess[] = [];
  try {
    await migrate(database.url, quiet);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    let chain: Chain;
    let smallChain: Chain;
    let priceListId: string;
    try {
      log(
        `generating: ${size.noiseOrganizations} noise organizations; a chain of a central and ${size.clinics} clinics, ` +
          `${size.services} services and ${size.packages} packages; the same chain with ${growthFrom} packages`,
      );
      await generateNoise(db, size.noiseOrganizations);
      chain = await generateChain(db, size);
      await addPackages(db, chain, size.services, 1, size.packages);
      priceListId = await addPriceList(db, chain);
      smallChain = await generateChain(db, size, 'Cadena pequeña');
      await addPackages(db, smallChain, size.services, 1, growthFrom);
      await vacuumAnalyze(db);
    } finally {
      await db.end();
    }
    log(`data set ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const root = projectRoot();
    const env = { NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: database.url, LOG_LEVEL: 'warn', DB_POOL_MAX: String(opts.pool) };
    // The same build in development mode, only to count statements (production hides the count).
    const counter: Target = {
      url: `http://127.0.0.1:${opts.port + 2}`,
      process: startNode(path.join(root, 'dist', 'src', 'main.js'), { ...env, NODE_ENV: 'development', PORT: String(opts.port + 2), MIGRATE_ON_START: 'false', DB_POOL_MAX: '2' }, SERVER_NODE_FLAGS),
    };
    children.push(counter.process);
    const server: Target = {
      url: `http://127.0.0.1:${opts.port}`,
      process: startNode(path.join(root, 'dist', 'src', 'main.js'), { ...env, PORT: String(opts.port), MIGRATE_ON_START: 'false' }, SERVER_NODE_FLAGS),
      counter,
    };
    children.push(server.process);
    const floor: Target = {
      url: `http://127.0.0.1:${opts.port + 1}`,
      process: startNode(path.join(root, 'dist', 'bench', 'floor.js'), { ...env, PORT: String(opts.port + 1) }),
    };
    children.push(floor.process);
    await Promise.all([waitForHealth(server.url, server.process), waitForHealth(floor.url, floor.process), waitForHealth(counter.url, counter.process)]);

    const viewer = await signToken({ sub: 'bench-clinic-admin', tid: chain.clinicIds[0], roles: ['ADMIN'] }, { jwtSecret: SECRET });
    // The floor must answer exactly what the API answers, or the ratio means nothing.
    const checkFloor = async () => {
      const ours = { data: await must(server.url, viewer, (JSON.parse(packageTable(20)[0].body as string) as { query: string }).query, { first: 20 }) };
      const theirs = await (await fetch(`${floor.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${viewer}` }, body: packageTable(20)[0].body as string })).json();
      assert.deepStrictEqual(theirs, ours, 'the floor and the API answer L20 differently');
    };
    await checkFloor();
    log('the floor answers L20 exactly as the API does');

    const operations: OperationResult[] = [];
    log(`measuring with ${opts.connections} connections, ${opts.repetitions} x ${opts.durationS} s after ${opts.warmupS} s of warm-up, pool ${opts.pool}`);
    // The floor, L20, L20 on the same chain with a tenth of the packages (growth), and L20 at a price list's prices, side by side.
    const smallViewer = await signToken({ sub: 'bench-clinic-admin', tid: smallChain.clinicIds[0], roles: ['ADMIN'] }, { jwtSecret: SECRET });
    const [floorResult, l20, growthSmall, l20Priced] = await measureSideBySide(
      [
        new Measurement('floor L20', floor, viewer, packageTable(20), opts),
        new Measurement('L20', server, viewer, packageTable(20), opts),
        new Measurement(`L20 (${growthFrom} packages)`, server, smallViewer, packageTable(20), opts),
        new Measurement('L20 (price list)', server, viewer, packageTableWithPriceList(20, priceListId!), opts),
      ],
      opts.repetitions,
    );
    operations.push(l20);
    operations.push(l20Priced);
    operations.push(await measure('L100', server, viewer, packageTable(100), opts));
    operations.push(await measure('S packages', server, viewer, packageSearch(), opts));
    operations.push(await measure('S services', server, viewer, serviceSearch(), opts));
    // Search latency itself, without 15 other requests queued in front of it.
    operations.push(await measure('S packages', server, viewer, packageSearch(), opts, 1));
    operations.push(await measure('S services', server, viewer, serviceSearch(), opts, 1));
    const active = await must(server.url, viewer, '{ packages(filter: { status: ACTIVE }, first: 100) { nodes { id } } }');
    operations.push(await measure('D', server, viewer, packageDetail(active.packages.nodes.map((node: { id: string }) => node.id)), opts));

    // The plans of the statements just measured, before the write mix adds packages.
    log('EXPLAIN of the list and search statements');
    const plans: ExplainedPlan[] = await explainPlans(database.url, chain.clinicIds[0]);

    const services = await must(server.url, viewer, '{ services(filter: { status: ACTIVE, origin: [OWN, CENTRAL] }, first: 100) { nodes { id } } }');
    operations.push(await measure('W', server, viewer, writeMix(services.services.nodes.map((node: { id: string }) => node.id)), opts));

    log('exports of the whole package table');
    const exports = [await measureExport('csv', server, viewer), await measureExport('xlsx', server, viewer)];

    const serverPeakMb = memoryOf(server.process.pid!).peakMb;
    const results: BenchResults = {
      date: new Date().toISOString(),
      durationS: (Date.now() - started) / 1000,
      machine: await machine(database.url),
      settings: { ...opts, dataset: size, serverPool: opts.pool },
      floor: floorResult,
      operations,
      growth: { smallPackages: growthFrom, largePackages: size.packages, small: growthSmall, large: l20, ratio: l20.requestsPerSecond / growthSmall.requestsPerSecond },
      exports,
      plans,
      serverPeakRssMb: Math.max(serverPeakMb, ...operations.map((operation) => operation.peakRssMb), growthSmall.peakRssMb, ...exports.map((e) => e.peakRssMb)),
    };
    const markdown = renderReport(results);
    const suffix = opts.small ? '.small' : '';
    fs.writeFileSync(path.join(root, 'bench', `results${suffix}.json`), JSON.stringify(results, null, 2) + '\n');
    fs.writeFileSync(path.join(root, 'bench', `results${suffix}.md`), markdown);
    process.stdout.write(`\n${markdown}\n`);
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench/results${suffix}.json and bench/results${suffix}.md`);
  } finally {
    for (const child of children) await stopProcess(child);
    if (opts.keep) log(`kept the database: ${database.url}`);
    else await database.drop().catch((error) => log(`could not drop the database: ${error}`));
    await postgres.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
