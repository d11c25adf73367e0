import fs from 'node:fs';
import path from 'node:path';
import { HTTP_STATUS } from '../src/errors';

const SRC = path.join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Error statuses come from one table (src/errors.ts HTTP_STATUS): a route that wrote its own
 * 4xx or 5xx would drift from the codes api.md documents.
 */
describe('HTTP statuses of errors', () => {
  it('are written only in src/errors.ts (GET /readyz, a health probe with no error code, aside)', () => {
    const literal = /\bstatus\(\s*[45]\d\d\s*\)|\bstatus:\s*[45]\d\d\b|\bsendStatus\(\s*[45]\d\d\s*\)/;
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const relative = path.relative(SRC, file);
      if (relative === 'errors.ts') continue;
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (!literal.test(line)) return;
          if (relative === path.join('http', 'app.ts') && line.includes("res.status(503).json({ status: 'unavailable'")) return;
          found.push(`${relative}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('are those api.md documents (codes added later, e.g. the exports\' 503, come on top)', () => {
    for (const status of Object.values(HTTP_STATUS)) expect(status >= 400 && status < 600).toBe(true);
    expect(HTTP_STATUS).toMatchObject({
      BAD_REQUEST: 400,
      BAD_USER_INPUT: 400,
      QUERY_TOO_COMPLEX: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PRECONDITION_FAILED: 412,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      INVALID_ROWS: 422,
      INTERNAL_SERVER_ERROR: 500,
    });
  });
});
