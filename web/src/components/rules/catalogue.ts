// The field catalogue as GET /api/v1/segments/fields serves it, and what each field type and operator
// expects as a value (crates/domain/src/rules/catalogue.rs and values.rs). Pure: no React here.

import type { Schemas } from '../../api/types';

/** The value types the server knows; anything else is treated as text. */
export type FieldKind = Schemas['Kind'];

/** A field rules may test: its type decides its operators; `values` are the common ones (cities). */
export type CatalogueField = Schemas['FieldOut'];

export type FieldCatalogue = Schemas['FieldsOut'];

/** A label for each field name, for messages about rules. */
export function fieldLabeller(fields: CatalogueField[]): (name: string) => string {
  const labels = new Map(fields.map((f) => [f.name, f.label]));
  return (name) => labels.get(name) ?? name.replace(/^attributes\./, '');
}

const KINDS: readonly FieldKind[] = ['text', 'count', 'money', 'date', 'count_in_window', 'money_in_window'];

export function kindOf(type: string | undefined): FieldKind {
  return KINDS.find((k) => k === type) ?? 'text';
}

/** The operators of our rules JSON, as the API spells them. */
export const OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'between',
  'not_between',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'begins_with',
  'ends_with',
  'is_null',
  'is_not_null',
  'within_last_days',
  'older_than_days',
] as const satisfies readonly Schemas['Operator'][];
export type ApiOperator = Schemas['Operator'];

/** What an operator reads for a field of a kind. */
export type ValueShape =
  | 'none' // is_null, is_not_null
  | 'text'
  | 'number' // a whole number (count)
  | 'money' // an amount in rupees
  | 'date' // an ISO date
  | 'days' // N days for within_last_days / older_than_days
  | 'pair' // [low, high]
  | 'list' // [a, b, …]
  | 'window'; // {days, value}

export function valueShape(kind: FieldKind, operator: string): ValueShape {
  if (operator === 'is_null' || operator === 'is_not_null') return 'none';
  if (kind === 'count_in_window' || kind === 'money_in_window') return 'window';
  if (kind === 'date' && (operator === 'within_last_days' || operator === 'older_than_days')) return 'days';
  if (operator === 'between' || operator === 'not_between') return 'pair';
  if (operator === 'in' || operator === 'not_in') return 'list';
  if (kind === 'date') return 'date';
  if (kind === 'count') return 'number';
  if (kind === 'money') return 'money';
  return 'text';
}

/** The kind a window compares its inner value as. */
export function innerKind(kind: FieldKind): FieldKind {
  if (kind === 'count_in_window') return 'count';
  if (kind === 'money_in_window') return 'money';
  return kind;
}

export const DEFAULT_WINDOW_DAYS = 90;
export const DEFAULT_RELATIVE_DAYS = 30;

/** A fresh value for a rule whose field or operator has just been chosen. */
export function defaultValue(kind: FieldKind, operator: string): unknown {
  switch (valueShape(kind, operator)) {
    case 'none':
      return null;
    case 'days':
      return DEFAULT_RELATIVE_DAYS;
    case 'pair':
      return ['', ''];
    case 'list':
      return [];
    case 'window':
      return { days: DEFAULT_WINDOW_DAYS, value: defaultValue(innerKind(kind), operator) };
    default:
      return '';
  }
}

function isWindowValue(value: unknown): value is { days?: unknown; value?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value reshaped for a new operator, keeping what still makes sense (5000 stays the low end of a
 * `between`, a list keeps its first item as a single value). A value that already fits is returned as
 * it is, the same object, so that a query with nothing to fix is left untouched.
 */
export function fitValue(kind: FieldKind, operator: string, value: unknown): unknown {
  const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : isWindowValue(v) ? v.value : v);
  const scalar = (v: unknown): unknown => (v === null || v === undefined || typeof v === 'object' ? '' : v);
  switch (valueShape(kind, operator)) {
    case 'none':
      return value;
    case 'window': {
      if (!isWindowValue(value)) return { days: DEFAULT_WINDOW_DAYS, value: fitValue(innerKind(kind), operator, value) };
      const inner = fitValue(innerKind(kind), operator, value.value);
      return inner === value.value && 'days' in value ? value : { days: value.days ?? DEFAULT_WINDOW_DAYS, value: inner };
    }
    case 'pair':
      if ((Array.isArray(value) && value.length === 2) || (typeof value === 'string' && value.includes(','))) return value;
      if (Array.isArray(value)) return [scalar(value[0]), scalar(value[1])];
      return [scalar(first(value)), ''];
    case 'list':
      if (Array.isArray(value) || (typeof value === 'string' && value !== '')) return value;
      return scalar(first(value)) === '' ? [] : [first(value)];
    case 'days':
      return typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) ? value : DEFAULT_RELATIVE_DAYS;
    case 'date': {
      const v = first(value);
      return typeof v === 'string' ? (v === value ? value : v) : '';
    }
    default: {
      const v = scalar(first(value));
      return v === value ? value : v;
    }
  }
}

/** How an operator reads for a field of a kind, in plain words. */
export function operatorLabel(kind: FieldKind, operator: string): string {
  const date = kind === 'date';
  switch (operator) {
    case '=':
      return 'is';
    case '!=':
      return 'is not';
    case '<':
      return date ? 'before' : 'less than';
    case '<=':
      return date ? 'on or before' : 'at most';
    case '>':
      return date ? 'after' : 'more than';
    case '>=':
      return date ? 'on or after' : 'at least';
    case 'between':
      return 'between';
    case 'not_between':
      return 'not between';
    case 'in':
      return 'is one of';
    case 'not_in':
      return 'is none of';
    case 'contains':
      return 'contains';
    case 'not_contains':
      return 'does not contain';
    case 'begins_with':
      return 'begins with';
    case 'ends_with':
      return 'ends with';
    case 'is_null':
      return date ? 'never' : 'is empty';
    case 'is_not_null':
      return date ? 'has a date' : 'is not empty';
    case 'within_last_days':
      return 'in the last N days';
    case 'older_than_days':
      return 'over N days ago';
    default:
      return operator;
  }
}
