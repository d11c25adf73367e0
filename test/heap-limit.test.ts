import fs from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../bench/processes';

/**
 * The server's heap limit (README "Performance", docs/benchmark.md) is set where it is started:
 * `npm start`, the Dockerfile, and the benchmark and load scripts (which must measure the server as
 * it runs). They must not drift apart.
 */
describe("the server's node flags", () => {
  const root = path.join(__dirname, '..');
  const flags = SERVER_NODE_FLAGS.join(' ');

  it('cap the old space at 1.5 GiB', () => {
    expect(SERVER_NODE_FLAGS).toEqual(['--max-old-space-size=1536']);
  });

  it('are the ones `npm start` runs the server with', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toContain(`node ${flags} dist/src/main.js`);
  });

  it('are the ones the Docker image runs the server with', () => {
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toContain(`exec node ${flags} dist/src/main.js`);
  });
});
