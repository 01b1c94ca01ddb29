// Turning the overview's day lists into chart rows: one row per calendar day from the first to the last
// day either list names (missing days are zeros), labelled as the viewer reads dates.

import type { CampaignDay, OverviewDay } from './types';

export interface ChartDay {
  date: string;
  label: string;
  new_customers: number;
  orders: number;
  revenue: number;
  delivered: number;
  failed: number;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → a Date at local midnight of that calendar day (no zone shift), or null. */
export function parseDay(day: string): Date | null {
  const m = ISO_DAY.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `2026-11-26` → `26 Nov` in the viewer's locale. */
export function dayLabel(day: string): string {
  const d = parseDay(day);
  return d ? d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' }) : day;
}

export function toNumber(value: number | string | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const n = typeof value === 'string' ? Number(value) : value;
  return Number.isFinite(n) ? n : 0;
}

/** A day of the overview, its revenue read as the API sends it (a number) or as a decimal string. */
type SeriesDay = Omit<OverviewDay, 'revenue'> & { revenue: number | string };

export function chartDays(series: readonly SeriesDay[], campaigns: readonly CampaignDay[]): ChartDay[] {
  const rows = new Map<string, ChartDay>();
  const row = (date: string): ChartDay => {
    let r = rows.get(date);
    if (!r) {
      r = { date, label: dayLabel(date), new_customers: 0, orders: 0, revenue: 0, delivered: 0, failed: 0 };
      rows.set(date, r);
    }
    return r;
  };
  for (const s of series) {
    const r = row(s.date);
    r.new_customers += toNumber(s.new_customers);
    r.orders += toNumber(s.orders);
    r.revenue += toNumber(s.revenue);
  }
  for (const c of campaigns) {
    const r = row(c.date);
    r.delivered += toNumber(c.delivered);
    r.failed += toNumber(c.failed);
  }
  const days = [...rows.keys()].filter((d) => parseDay(d)).sort();
  const first = days[0] ? parseDay(days[0]) : null;
  const last = days[days.length - 1] ? parseDay(days[days.length - 1] as string) : null;
  if (!first || !last) return [];
  const out: ChartDay[] = [];
  // Step by calendar day (not 24 h) so daylight-saving changes do not skip or repeat a day.
  for (let d = first; d <= last; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) {
    out.push(row(isoDay(d)));
  }
  return out;
}

export interface Totals {
  new_customers: number;
  orders: number;
  revenue: number;
  delivered: number;
  failed: number;
}

export function totals(days: readonly ChartDay[]): Totals {
  return days.reduce<Totals>(
    (t, d) => ({
      new_customers: t.new_customers + d.new_customers,
      orders: t.orders + d.orders,
      revenue: t.revenue + d.revenue,
      delivered: t.delivered + d.delivered,
      failed: t.failed + d.failed,
    }),
    { new_customers: 0, orders: 0, revenue: 0, delivered: 0, failed: 0 },
  );
}

/** Short rupees for an axis: ₹950, ₹12.5K, ₹3.2L, ₹1.1Cr. */
export function compactRupees(value: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, ''));
  if (abs >= 1e7) return `${sign}₹${fmt(abs / 1e7)}Cr`;
  if (abs >= 1e5) return `${sign}₹${fmt(abs / 1e5)}L`;
  if (abs >= 1e3) return `${sign}₹${fmt(abs / 1e3)}K`;
  return `${sign}₹${abs.toFixed(0)}`;
}
