import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { campaign } from '../components/campaigns/fixtures';
import { mockFetch, renderPage } from '../components/campaigns/test-utils';
import type { Overview } from '../components/dashboard/types';
import { Dashboard } from './Dashboard';

afterEach(() => vi.unstubAllGlobals());

const overview: Overview = {
  customers: 123456,
  orders: 8000,
  revenue: 1245000.5,
  active_campaigns: 2,
  delivery_rate: 0.875,
  days: 30,
  from: '2026-10-28',
  to: '2026-11-26',
  series: [
    { date: '2026-11-25', new_customers: 10, orders: 40, revenue: 50000 },
    { date: '2026-11-26', new_customers: 12, orders: 44, revenue: 61000.25 },
  ],
  campaigns: [{ date: '2026-11-26', delivered: 900, failed: 100 }],
};

const latest = { items: [campaign({ id: 'c7', name: 'Diwali', status: 'completed' })], next_cursor: null };

describe('Dashboard', () => {
  it('shows the headline numbers in rupees and Indian grouping, and the latest campaigns', async () => {
    const calls = mockFetch(({ url }) => {
      if (url.pathname === '/api/v1/overview') return { body: overview };
      if (url.pathname === '/api/v1/campaigns') return { body: latest };
      return undefined;
    });
    renderPage(<Dashboard />);
    expect(await screen.findByText('1,23,456')).toBeInTheDocument();
    expect(screen.getByText('₹12,45,001')).toBeInTheDocument();
    expect(screen.getByText('87.5 %')).toBeInTheDocument();
    expect(screen.getByText('+22 in 30 days')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Diwali' })).toHaveAttribute('href', '/campaigns/c7');
    expect(calls.find((c) => c.url.pathname === '/api/v1/overview')?.url.searchParams.get('days')).toBe('30');
    expect(calls.find((c) => c.url.pathname === '/api/v1/campaigns')?.url.searchParams.get('limit')).toBe('5');
  });

  it('asks for another period when it is switched', async () => {
    const calls = mockFetch(({ url }) => {
      if (url.pathname === '/api/v1/overview') return { body: overview };
      if (url.pathname === '/api/v1/campaigns') return { body: latest };
      return undefined;
    });
    renderPage(<Dashboard />);
    await screen.findByText('1,23,456');
    await userEvent.click(screen.getByRole('radio', { name: '7 days' }));
    await waitFor(() =>
      expect(calls.some((c) => c.url.pathname === '/api/v1/overview' && c.url.searchParams.get('days') === '7')).toBe(true),
    );
    expect(await screen.findByText('+22 in 7 days')).toBeInTheDocument();
  });

  it('says the overview is unavailable when the server has no such route, and still lists campaigns', async () => {
    mockFetch(({ url }) => (url.pathname === '/api/v1/campaigns' ? { body: latest } : undefined));
    renderPage(<Dashboard />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The overview is unavailable');
    expect(await screen.findByRole('link', { name: 'Diwali' })).toBeInTheDocument();
  });
});
