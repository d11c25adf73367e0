import { types } from 'pg';
import { parseTimestamptz } from '../src/db/timestamps';
import { withDatabase } from './support/db';

/**
 * The pool reads timestamptz with its own parser (src/db/timestamps.ts) instead of pg's: every value
 * must read as the same instant pg's parser gives, for what PostgreSQL prints in any time zone, and
 * for the forms it leaves to pg's parser.
 */
const pgParser = types.getTypeParser(1184, 'text') as (value: string) => Date | number | null;
const same = (text: string) => {
  const ours = parseTimestamptz(text);
  const theirs = pgParser(text);
  return { text, ours: ours instanceof Date ? ours.getTime() : ours, theirs: theirs instanceof Date ? theirs.getTime() : theirs };
};

describe('timestamptz as the pool reads it', () => {
  it.each([
    '2026-12-01 12:38:35+00',
    '2026-12-01 12:38:35.1+01',
    '2026-12-01 12:38:35.009+00',
    '2026-12-01 12:38:35.000009+00',
    '2026-12-01 12:38:35.999999-03:30',
    '2026-12-01 12:38:35.5-03:30:15',
    '1890-01-01 00:00:00-00:14:44',
    '1000-01-01 00:00:00+00',
    '9999-12-31 23:59:59.999999+14',
    '0099-01-01 00:00:00+00',
    '0044-03-15 12:00:00+00 BC',
    '10000-01-01 00:00:00+00',
    'infinity',
    '-infinity',
  ])('reads %s as pg does', (text) => {
    const { ours, theirs } = same(text);
    expect(ours).toEqual(theirs);
    expect(Number.isNaN(ours)).toBe(false);
  });

  it('reads what PostgreSQL prints, in zones with odd offsets and with every fraction length, as pg does', async () => {
    const printed = await withDatabase(async (client) => {
      const texts: string[] = [];
      for (const zone of ['UTC', 'Europe/Madrid', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'America/Sao_Paulo']) {
        await client.query(`SET TimeZone = '${zone}'`);
        const { rows } = await client.query<{ text: string }>(
          `SELECT (timestamptz '1890-06-01 10:00:00+00' + n * interval '37 days 3 hours 17 minutes 1.234567 seconds'
                   + (n % 7) * interval '0.1 second' + (n % 5) * interval '0.000001 second')::text AS text
             FROM generate_series(0, 400) AS n`,
        );
        texts.push(...rows.map((row) => row.text));
      }
      await client.query('RESET TimeZone');
      return texts;
    });
    expect(printed.length).toBe(6 * 401);
    const differing = printed.map(same).filter(({ ours, theirs }) => ours !== theirs);
    expect(differing).toEqual([]);
  });

  it('is what the request transactions read', async () => {
    const { openDataSource } = await import('./support/db');
    const dataSource = await openDataSource();
    try {
      const [row] = await dataSource.query(`SELECT timestamptz '2026-12-01 12:38:35.123456+01' AS at`);
      expect(row.at).toEqual(new Date('2026-12-01T11:38:35.123Z'));
      const pool = (dataSource.driver as unknown as { master: { options: { types: { getTypeParser(oid: number, format: string): unknown } } } }).master;
      expect(pool.options.types.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
      expect(pool.options.types.getTypeParser(1082, 'text')).toBe(types.getTypeParser(1082, 'text'));
    } finally {
      await dataSource.destroy();
    }
  });
});
