import { todayIn } from '../src/pricing/price-source';

/**
 * `todayIn` keeps each zone's date for a UTC quarter hour. Checked against a formatter of its own
 * every 11 minutes of a year, in zones whose midnights and summer-time changes fall on quarter and
 * half hours (+05:45, +12:45/+13:45, a 30-minute change, -03:30) or at midnight itself.
 */
describe('todayIn', () => {
  it("answers each zone's date, also across midnights and offset changes", () => {
    const zones = ['Europe/Madrid', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/St_Johns', 'America/Havana', 'America/Santiago', 'Pacific/Kiritimati'];
    const step = 11 * 60 * 1000;
    const start = Date.UTC(2026, 0, 1);
    const end = Date.UTC(2027, 0, 1);
    const wrong: string[] = [];
    for (const timeZone of zones) {
      const reference = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let at = start; at < end; at += step) {
        const now = new Date(at);
        if (todayIn(timeZone, now) !== reference.format(now)) wrong.push(`${timeZone} ${now.toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('is the date of the instant asked, also for instants out of order', () => {
    const night = Date.UTC(2026, 11, 1, 23, 0); // Madrid: 2 December, 00:00
    expect(todayIn('Europe/Madrid', new Date(night))).toBe('2026-12-02');
    expect(todayIn('Europe/Madrid', new Date(night - 1))).toBe('2026-12-01');
    expect(todayIn('Europe/Madrid', new Date(night + 60_000))).toBe('2026-12-02');
    expect(todayIn('Asia/Kathmandu', new Date(Date.UTC(2026, 11, 1, 18, 14)))).toBe('2026-12-01');
    expect(todayIn('Asia/Kathmandu', new Date(Date.UTC(2026, 11, 1, 18, 15)))).toBe('2026-12-02');
  });

  it('refuses an unknown zone', () => {
    expect(() => todayIn('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
