import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { campaignFull, message, stats, summary } from '../components/campaigns/fixtures';
import { mockFetch, problem, renderPage, viewer, type Call, type Reply } from '../components/campaigns/test-utils';
import type { Campaign } from '../api/types';
import { CampaignDetail } from './CampaignDetail';

afterEach(() => vi.unstubAllGlobals());

function server(detail: () => Campaign, extra?: (call: Call) => Reply) {
  return mockFetch((call) => {
    const extraReply = extra?.(call);
    if (extraReply) return extraReply;
    const { pathname, searchParams } = call.url;
    if (pathname === '/api/v1/campaigns/c1') return { body: detail() };
    if (pathname === '/api/v1/campaigns/c1/summary') return { body: summary() };
    if (pathname === '/api/v1/campaigns/c1/messages') {
      const status = searchParams.get('status');
      const rows = [
        message(1),
        message(2, { status: 'failed', failure_reason: 'carrier_rejected', delivered_at: null, failed_at: '2026-11-20T10:00:05Z' }),
      ].filter((m) => !status || m.status === status);
      return { body: { items: rows, next_cursor: null } };
    }
    return undefined;
  });
}

const open = (path = '/campaigns/c1') => renderPage(<CampaignDetail />, { path, route: '/campaigns/:id' });

describe('CampaignDetail', () => {
  it('shows the header, the funnel, failures, the summary and the log', async () => {
    server(() => campaignFull({ subject: 'A gift for you' }));
    open();
    expect(await screen.findByRole('heading', { level: 1, name: 'Win-back' })).toBeInTheDocument();
    expect(screen.getByText('completed')).toBeInTheDocument();
    expect(screen.getByText('A gift for you')).toBeInTheDocument();

    const funnel = screen.getByRole('list', { name: 'Delivery funnel' });
    expect(within(funnel).getByText('80')).toBeInTheDocument();
    expect(within(funnel).getByText('(80.0 % of audience)')).toBeInTheDocument();

    const failures = screen.getByRole('region', { name: 'Failures by reason' });
    expect(within(failures).getByText('Carrier rejected')).toBeInTheDocument();
    expect(within(failures).getByText('12 (60.0 %)')).toBeInTheDocument();

    expect(await screen.findByText(/reached 100 of its audience/)).toBeInTheDocument();
    expect(screen.getByText('minicrm (local, offline)')).toBeInTheDocument();
    expect(screen.getByText('Pune')).toBeInTheDocument();
    expect(screen.getByText('95.0 %')).toBeInTheDocument();
    expect(screen.getByText('Kolkata')).toBeInTheDocument();

    const log = await screen.findByRole('table', { name: /Messages/ });
    expect(within(log).getByRole('link', { name: 'C0000001' })).toHaveAttribute('href', '/customers/C0000001');
    // no cancel for a finished campaign
    expect(screen.queryByRole('button', { name: 'Cancel campaign' })).not.toBeInTheDocument();
  });

  it('filters the message log by status', async () => {
    const calls = server(() => campaignFull());
    open();
    const log = await screen.findByRole('table', { name: /Messages/ });
    expect(within(log).getAllByRole('row')).toHaveLength(3);
    await userEvent.click(screen.getByRole('combobox', { name: 'Message status' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() =>
      expect(calls.some((c) => c.url.pathname.endsWith('/messages') && c.url.searchParams.get('status') === 'failed')).toBe(true),
    );
    await waitFor(() => expect(within(screen.getByRole('table', { name: /Messages/ })).getAllByRole('row')).toHaveLength(2));
  });

  it('cancels a running campaign only after confirmation', async () => {
    let current = campaignFull({ status: 'running', completed_at: null, stats: stats({ queued: 40, delivered: 50, failed: 10 }) });
    const calls = server(
      () => current,
      (call) => {
        if (call.method === 'POST' && call.url.pathname === '/api/v1/campaigns/c1/cancel') {
          current = { ...current, status: 'cancelled', cancelled_at: '2026-11-20T10:01:00Z' };
          // like the server, the cancel answer carries no failures by reason
          return { body: { ...current, failures_by_reason: undefined } };
        }
        return undefined;
      },
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel campaign' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this campaign?' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel campaign' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual(['/api/v1/campaigns/c1/cancel']));
    expect(await screen.findByText('cancelled')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel campaign' })).not.toBeInTheDocument());
    // the summary written while it ran is asked for again now that it has stopped
    await waitFor(() => expect(calls.filter((c) => c.url.pathname.endsWith('/summary'))).toHaveLength(2));
    expect(within(screen.getByRole('region', { name: 'Failures by reason' })).getByText('Carrier rejected')).toBeInTheDocument();
  });

  it('shows why a cancel was refused', async () => {
    server(
      () => campaignFull({ status: 'scheduled', stats: stats({ audience: null, delivered: 0, failed: 0, delivery_rate: null }) }),
      (call) => (call.method === 'POST' ? problem(409, "campaign 'c1' is completed and can no longer be cancelled") : undefined),
    );
    open();
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel campaign' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel campaign' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('can no longer be cancelled');
  });

  it('offers no cancel to people who may not write', async () => {
    server(() => campaignFull({ status: 'running' }));
    renderPage(<CampaignDetail />, { path: '/campaigns/c1', route: '/campaigns/:id', me: viewer });
    await screen.findByRole('heading', { level: 1, name: 'Win-back' });
    expect(screen.queryByRole('button', { name: 'Cancel campaign' })).not.toBeInTheDocument();
  });

  it('says so when there is no such campaign', async () => {
    mockFetch(() => undefined);
    open('/campaigns/nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('There is no such campaign');
  });
});
