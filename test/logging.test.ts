import { createLogger } from '../src/logger';
import { LogCapture } from './support/log-capture';

/** The development log a person reads (pretty) and the JSON log machines read. */
describe('the log', () => {
  it('pretty: one readable line per event, fields included, credentials redacted', async () => {
    const capture = new LogCapture();
    const log = createLogger('info', capture.destination, 'pretty');
    log.info({ requestId: 'r-1', method: 'POST', path: '/graphql', status: 200, ms: 3.2 }, 'request');
    log.warn({ authorization: 'Bearer secret-token', nested: { a: [1, 2] } }, 'something to look at');
    log.error({ err: new Error('boom') }, 'request failed');
    log.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(capture.lines).toHaveLength(3);
    expect(capture.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: request .*requestId.*r-1.*status.*200/);
    expect(capture.lines[1]).toMatch(/WARN.*something to look at/);
    expect(capture.lines[2]).toMatch(/ERROR.*request failed.*boom/);
    expect(capture.lines.join('\n')).not.toContain('secret-token');
    for (const line of capture.lines) expect(line.startsWith('{')).toBe(false);
  });

  it('json: one object per line', () => {
    const capture = new LogCapture();
    createLogger('info', capture.destination).info({ requestId: 'r-2', token: 'secret' }, 'request');
    expect(capture.entries()).toEqual([expect.objectContaining({ msg: 'request', requestId: 'r-2', token: '[redacted]' })]);
  });
});
