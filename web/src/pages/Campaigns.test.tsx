import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { campaign, stats } from '../components/campaigns/fixtures';
import { mockFetch, renderPage, viewer } from '../components/campaigns/test-utils';
import { Campaigns } from './Campaigns';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const listCalls = (calls: { method: string; url: URL }[]) => calls.filter((c) => c.url.pathname === '/api/v1/campaigns');

describe('Campaigns', () => {
  it('lists campaigns with sent = sent + delivered + failed, and links to each', async () => {
    mockFetch(() => ({
      body: {
        items: [campaign({ id: 'c9', name: 'Festive', stats: stats({ sent: 3, delivered: 1200, failed: 97, delivery_rate: 0.925 }) })],
        next_cursor: null,
      },
    }));
    renderPage(<Campaigns />, { path: '/campaigns', route: '/campaigns' });
    const link = await screen.findByRole('link', { name: 'Festive' });
    expect(link).toHaveAttribute('href', '/campaigns/c9');
    expect(screen.getByText('1,300')).toBeInTheDocument();
    expect(screen.getByText('92.5 %')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /New campaign/ })).toHaveAttribute('href', '/campaigns/new');
  });

  it('refreshes itself every 2 s while a campaign is running, and stops once none is', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let status: 'running' | 'completed' = 'running';
    const calls = mockFetch(() => ({ body: { items: [campaign({ status })], next_cursor: null } }));
    renderPage(<Campaigns />, { path: '/campaigns', route: '/campaigns' });
    await screen.findByText('running');
    expect(listCalls(calls)).toHaveLength(1);

    await act(() => vi.advanceTimersByTimeAsync(2100));
    await waitFor(() => expect(listCalls(calls)).toHaveLength(2));

    status = 'completed';
    await act(() => vi.advanceTimersByTimeAsync(2100));
    await screen.findByText('completed');
    const settled = listCalls(calls).length;
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(listCalls(calls)).toHaveLength(settled);
  });

  it('does not poll when every campaign has finished', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = mockFetch(() => ({
      body: { items: [campaign({ status: 'completed' }), campaign({ id: 'c2', status: 'cancelled' })], next_cursor: null },
    }));
    renderPage(<Campaigns />, { path: '/campaigns', route: '/campaigns' });
    await screen.findAllByRole('link', { name: 'Win-back' });
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(listCalls(calls)).toHaveLength(1);
  });

  it('pages with "Load more" and filters by status', async () => {
    const calls = mockFetch(({ url }) =>
      url.searchParams.get('cursor') === 'next'
        ? { body: { items: [campaign({ id: 'c2', name: 'Older' })], next_cursor: null } }
        : { body: { items: [campaign({ id: 'c1', name: 'Newer' })], next_cursor: 'next' } },
    );
    renderPage(<Campaigns />, { path: '/campaigns?status=completed', route: '/campaigns' });
    await screen.findByRole('link', { name: 'Newer' });
    expect(listCalls(calls)[0]?.url.searchParams.get('status')).toBe('completed');
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: 'Older' });
    expect(screen.getByRole('link', { name: 'Newer' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows an empty state, and no "New campaign" for people who may not write', async () => {
    mockFetch(() => ({ body: { items: [], next_cursor: null } }));
    renderPage(<Campaigns />, { path: '/campaigns', route: '/campaigns', me: viewer });
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /New campaign/ })).not.toBeInTheDocument();
  });

  it('shows the error when the list fails', async () => {
    mockFetch(() => ({ status: 500, body: { type: 'x', title: 'x', status: 500, detail: 'the database is down' } }));
    renderPage(<Campaigns />, { path: '/campaigns', route: '/campaigns' });
    expect(await screen.findByRole('alert')).toHaveTextContent('the database is down');
  });
});
