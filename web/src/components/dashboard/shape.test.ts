import { chartDays, compactRupees, dayLabel, parseDay, toNumber, totals } from './shape';

describe('chart data shaping', () => {
  it('reads a calendar day without shifting it into another zone', () => {
    const d = parseDay('2026-11-26');
    expect(d?.getFullYear()).toBe(2026);
    expect(d?.getMonth()).toBe(10);
    expect(d?.getDate()).toBe(26);
    expect(parseDay('26/11/2026')).toBeNull();
    expect(dayLabel('2026-11-26')).toMatch(/26/);
  });

  it('merges the day lists and fills missing days with zeros', () => {
    const days = chartDays(
      [
        { date: '2026-11-03', new_customers: 2, orders: 5, revenue: '1499.50' },
        { date: '2026-11-01', new_customers: 1, orders: 3, revenue: 1000 },
      ],
      [{ date: '2026-11-02', delivered: 90, failed: 10 }],
    );
    expect(days.map((d) => d.date)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(days[0]).toMatchObject({ new_customers: 1, orders: 3, revenue: 1000, delivered: 0, failed: 0 });
    expect(days[1]).toMatchObject({ new_customers: 0, orders: 0, revenue: 0, delivered: 90, failed: 10 });
    expect(days[2]?.revenue).toBe(1499.5);
    expect(totals(days)).toEqual({ new_customers: 3, orders: 8, revenue: 2499.5, delivered: 90, failed: 10 });
  });

  it('steps across month ends', () => {
    const days = chartDays(
      [
        { date: '2026-02-27', new_customers: 1, orders: 0, revenue: 0 },
        { date: '2026-03-02', new_customers: 1, orders: 0, revenue: 0 },
      ],
      [],
    );
    expect(days.map((d) => d.date)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('is empty with no days', () => {
    expect(chartDays([], [])).toEqual([]);
  });

  it('reads amounts given as text', () => {
    expect(toNumber('1245000.50')).toBe(1245000.5);
    expect(toNumber('abc')).toBe(0);
    expect(toNumber(null)).toBe(0);
  });

  it('writes axis rupees short, the Indian way', () => {
    expect(compactRupees(950)).toBe('₹950');
    expect(compactRupees(12_500)).toBe('₹12.5K');
    expect(compactRupees(320_000)).toBe('₹3.2L');
    expect(compactRupees(11_000_000)).toBe('₹1.1Cr');
  });
});
