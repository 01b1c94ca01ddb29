// Numbers, money and times as the viewer reads them: Indian digit grouping for rupees, times in the
// viewer's own zone.

const inr = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-IN');

/** `1245000.5` or `"1245000.50"` → `₹12,45,000.50`. */
export function money(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'string' ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  return inr.format(n).replace(/\.00$/, '');
}

/** `1234567` → `12,34,567`. */
export function number(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : count.format(value);
}

/** A rate 0..1 or a percentage → `87.5 %`. */
export function percent(value: number | null | undefined, isFraction = true): string {
  if (value === null || value === undefined) return '—';
  return `${(isFraction ? value * 100 : value).toFixed(1)} %`;
}

/** An RFC 3339 time in the viewer's zone: `26 Nov 2026, 6:30 pm`. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
}
