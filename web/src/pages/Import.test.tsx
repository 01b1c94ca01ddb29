import { screen } from '@testing-library/react';
import { mockFetch, renderPage, VIEWER } from '../test-utils';
import { Import, persistedPercent, type ImportRecord } from './Import';

const record = (over: Partial<ImportRecord>): ImportRecord => ({
  id: 'i1', kind: 'customers', status: 'accepted', rows_total: 10, rows_valid: 8, rows_rejected: 2,
  rows_accepted: 8, errors_total: 0, errors: [], batches: 1, batches_completed: 0, persisted: 0, unchanged: 0,
  pending: 8, rejected_by_consumer: 0, created_by: 'user:asha@example.in', created_at: '2026-11-26T10:00:00Z', ...over,
});

describe('Import', () => {
  it('measures progress against the valid rows', () => {
    expect(persistedPercent(record({ persisted: 4 }))).toBe(50);
    expect(persistedPercent(record({ persisted: 8, status: 'completed' }))).toBe(100);
    expect(persistedPercent(record({ rows_valid: 0, status: 'completed' }))).toBe(100);
  });

  it('lists earlier imports', async () => {
    mockFetch({ '/api/v1/imports': { items: [record({ name: 'shop.csv' })], next_cursor: null } });
    renderPage(<Import />, { path: '/import', route: '/import' });
    expect(await screen.findByText('shop.csv')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Import customers/ })).toBeDisabled();
  });

  it('tells a viewer they may not import', () => {
    mockFetch({});
    renderPage(<Import />, { path: '/import', route: '/import', me: VIEWER });
    expect(screen.getByText('Import needs the ingest permission')).toBeInTheDocument();
  });
});
