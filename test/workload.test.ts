import { checkConsistency, prepareWorkload, runWorkload } from '../bench/workload';
import { TestServer } from './support/harness';

describe('a mixed concurrent workload', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start({ dbPoolMax: 8 });
  });
  afterAll(() => server.stop());

  it('loses no increment, duplicates no item, leaves no partial mutation and answers no 5xx (16 clients, 10 s)', async () => {
    const clients = 16;
    const fixture = await prepareWorkload(server.url, (claims) => server.token(claims), clients);
    const report = await runWorkload(fixture, { clients, durationMs: 10_000 });
    expect(report.requests).toBeGreaterThan(100);
    expect(report.byOutcome.OK).toBeGreaterThan(50);
    expect(report.added.size).toBeGreaterThan(0);
    expect(report.serverErrors).toBe(0);
    expect(await checkConsistency(process.env.DATABASE_URL!, fixture, report)).toEqual([]);
  });
});
