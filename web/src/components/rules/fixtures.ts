// Test fixtures shaped as the API answers (GET /api/v1/segments/fields on a seeded database).

import type { Customer, Segment } from '../../api/types';
import type { ApiOperator, CatalogueField } from './catalogue';

const TEXT: ApiOperator[] = ['=', '!=', 'contains', 'not_contains', 'begins_with', 'ends_with', 'in', 'not_in', 'is_null', 'is_not_null'];
const NUMBER: ApiOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'between', 'not_between', 'in', 'not_in'];
const DATE: ApiOperator[] = ['<', '<=', '>', '>=', 'between', 'not_between', 'within_last_days', 'older_than_days', 'is_null', 'is_not_null'];
const WINDOW: ApiOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'between', 'not_between'];

export const FIELDS: CatalogueField[] = [
  { name: 'name', label: 'Name', type: 'text', operators: TEXT },
  {
    name: 'city',
    label: 'City',
    type: 'text',
    operators: TEXT,
    values: [
      { customers: 299, value: 'Mumbai' },
      { customers: 291, value: 'Delhi' },
      { customers: 133, value: 'Pune' },
    ],
  },
  { name: 'created_at', label: 'Customer since', type: 'date', operators: DATE },
  { name: 'total_spend', label: 'Total spend', type: 'money', operators: NUMBER },
  { name: 'order_count', label: 'Number of orders', type: 'count', operators: NUMBER },
  { name: 'last_order_at', label: 'Last order', type: 'date', operators: DATE },
  { name: 'orders_in_last_days', label: 'Orders in the last N days', type: 'count_in_window', operators: WINDOW },
  { name: 'spend_in_last_days', label: 'Spent in the last N days', type: 'money_in_window', operators: WINDOW },
  { name: 'attributes.tier', label: 'tier', type: 'text', operators: TEXT, custom: true },
];

export function customer(name: string, patch: Partial<Customer> = {}): Customer {
  return {
    external_id: name.toLowerCase().replace(/\s+/g, '-'),
    name,
    email: null,
    phone: '+919876543210',
    city: 'Pune',
    attributes: {},
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    total_spend: 124500,
    order_count: 3,
    avg_order_value: 41500,
    first_order_at: '2025-01-02T00:00:00Z',
    last_order_at: '2025-03-03T12:00:00Z',
    ...patch,
  };
}

export const SEGMENT: Segment = {
  id: 'seg-1',
  name: 'Big spenders',
  description: 'Over ₹5,000 in Mumbai or Pune',
  rules: {
    combinator: 'and',
    rules: [
      { field: 'total_spend', operator: '>', value: 5000 },
      { field: 'city', operator: 'in', value: ['Mumbai', 'Pune'] },
    ],
  },
  created_by: 'user:ana@example.com',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  last_count: 1234,
  last_count_at: '2026-11-01T10:00:00Z',
};
