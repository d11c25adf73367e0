import type { DatasetSize } from './dataset';
import type { ExplainedPlan } from './explain';

export interface OperationResult {
  name: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statementsPerRequest: number;
  bytesPerResponse: number;
  peakRssMb: number;
  requests: number;
  failures: number;
  /** Medians of the runs: the share of the machine's CPU time that was busy, and that busy time per request. */
  machineBusyPercent: number;
  machineCpuMsPerRequest: number;
  repetitions: { requestsPerSecond: number; p50Ms: number; p99Ms: number; machineBusyPercent: number; machineCpuMsPerRequest: number }[];
}

export interface ExportResult {
  format: 'csv' | 'xlsx';
  seconds: number;
  bytes: number;
  rows: number | null;
  rssBeforeMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
}

export interface BenchResults {
  date: string;
  durationS: number;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string; os: string };
  settings: { small: boolean; connections: number; durationS: number; warmupS: number; repetitions: number; serverPool: number; dataset: DatasetSize };
  floor: OperationResult;
  operations: OperationResult[];
  growth: { smallPackages: number; largePackages: number; small: OperationResult; large: OperationResult; ratio: number };
  exports: ExportResult[];
  plans: ExplainedPlan[];
  serverPeakRssMb: number;
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);

/** The figures as Markdown: the table with ratios to the floor, growth, exports, EXPLAIN plans. */
export function renderReport(results: BenchResults): string {
  const { machine, settings, floor } = results;
  const ratio = (value: number, base: number) => `${fixed(value / base, 2)}×`;
  const row = (operation: OperationResult) =>
    `| ${operation.name} | ${operation.connections} | ${fixed(operation.requestsPerSecond)} | ${ratio(operation.requestsPerSecond, floor.requestsPerSecond)} | ` +
    `${fixed(operation.p50Ms, 1)} | ${fixed(operation.p99Ms, 1)} | ${ratio(operation.p99Ms, floor.p99Ms)} | ` +
    `${fixed(operation.statementsPerRequest, 1)} | ${fixed(operation.bytesPerResponse / 1024, 1)} | ${ratio(operation.bytesPerResponse, floor.bytesPerResponse)} | ` +
    `${fixed(operation.peakRssMb)} | ${fixed(operation.machineBusyPercent)} | ${fixed(operation.machineCpuMsPerRequest, 2)} | ${ratio(floor.machineCpuMsPerRequest, operation.machineCpuMsPerRequest)} | ` +
    `${operation.failures} |`;
  const { dataset } = settings;
  const lines = [
    `## Benchmark (${settings.small ? '--small' : 'default'} run, ${results.date.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres} on the same machine.`,
    `Data: ${dataset.noiseOrganizations} noise organizations; one chain (BETWEEN_CLINICS) of a central and ${dataset.clinics} clinics with ` +
      `${dataset.services} services and ${dataset.packages} packages of 8 items; the viewer is a clinic ADMIN of the chain.`,
    `Load: autocannon, ${settings.connections} connections unless said otherwise (closed loop), ${settings.warmupS} s warm-up, median of ${settings.repetitions} × ${settings.durationS} s; ` +
      `server pool ${settings.serverPool} connections (the floor's too). Whole run: ${fixed(results.durationS)} s.`,
    '',
    '| operation | connections | req/s | ÷ floor | p50 ms | p99 ms | p99 ÷ floor | SQL statements/req | KiB/response | size ÷ floor | server peak RSS MB | machine busy % | machine CPU ms/req | floor ÷ CPU ms | failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(floor),
    ...results.operations.map(row),
    '',
    "Machine CPU: the busy share of all the machine's cores during each run, and that busy time (the server's, PostgreSQL's, the load generator's) per response; " +
      "floor ÷ CPU ms is the floor's CPU per response over the operation's: the ratio of their req/s on a machine they both keep busy. " +
      'A run that leaves the cores idle was held back by waits (round trips, scheduling), not by CPU.',
    '',
    `Growth: L20 with ${results.growth.largePackages} packages in the chain ÷ with ${results.growth.smallPackages}: ` +
      `${fixed(results.growth.large.requestsPerSecond)} ÷ ${fixed(results.growth.small.requestsPerSecond)} req/s = **${fixed(results.growth.ratio, 2)}** ` +
      `(p50 ${fixed(results.growth.large.p50Ms, 1)} vs ${fixed(results.growth.small.p50Ms, 1)} ms).`,
    '',
    '| export | time s | MiB | rows | server RSS before MB | peak MB | growth MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.exports.map(
      (e) => `| ${e.format.toUpperCase()} | ${fixed(e.seconds, 2)} | ${fixed(e.bytes / 1048576, 1)} | ${e.rows ?? '–'} | ${fixed(e.rssBeforeMb)} | ${fixed(e.peakRssMb)} | ${fixed(e.rssGrowthMb)} |`,
    ),
    '',
    `Server peak RSS over the whole run: ${fixed(results.serverPeakRssMb)} MB.`,
    '',
    '### EXPLAIN (ANALYZE) of the L20 and S statements, as the viewer, under Row Level Security',
    '',
    ...results.plans.flatMap((plan) => [
      `**${plan.name}**${plan.sequentialScans.length ? ` — ${plan.sequentialScans.join(', ')}` : ' — no sequential scan of packages, items or services'}`,
      '',
      '```',
      plan.plan,
      '```',
      '',
    ]),
  ];
  return lines.join('\n');
}
