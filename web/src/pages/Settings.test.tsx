import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, problem, renderPage, viewer } from '../components/campaigns/test-utils';
import type { ApiKey, User } from '../components/settings/types';
import { Settings } from './Settings';

afterEach(() => vi.unstubAllGlobals());

const key: ApiKey = {
  id: 'k1',
  name: 'Warehouse',
  prefix: 'mcrm_ab12cd34_',
  scopes: ['ingest'],
  effective_scopes: ['ingest'],
  status: 'active',
  maker: { id: 'u-admin', email: 'asha@example.in', role: 'admin', disabled_at: null },
  created_by: 'user:asha@example.in',
  created_at: '2026-11-01T10:00:00Z',
  last_used_at: null,
  revoked_at: null,
};

const people: User[] = [
  {
    id: 'u-admin',
    email: 'asha@example.in',
    name: 'Asha Rao',
    role: 'admin',
    provider: 'oidc',
    created_at: '2026-10-01T10:00:00Z',
    last_login_at: '2026-11-26T09:00:00Z',
    disabled_at: null,
  },
  {
    id: 'u2',
    email: 'ravi@example.in',
    name: 'Ravi',
    role: 'viewer',
    provider: 'oidc',
    created_at: '2026-10-02T10:00:00Z',
    last_login_at: null,
    disabled_at: null,
  },
];

describe('Settings', () => {
  it('creates a key and shows its secret once, with a copy button', async () => {
    const calls = mockFetch(({ method, url, body }) => {
      if (url.pathname === '/api/v1/api-keys' && method === 'GET') return { body: { items: [key], next_cursor: null } };
      if (url.pathname === '/api/v1/api-keys' && method === 'POST')
        return {
          status: 201,
          body: { ...key, id: 'k2', name: (body as { name: string }).name, scopes: ['read', 'write'], secret: 'mcrm_zz99_SECRET' },
        };
      return undefined;
    });
    renderPage(<Settings />, { path: '/settings', route: '/settings' });
    expect(await screen.findByText('Warehouse')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = await screen.findByRole('dialog', { name: 'Create an API key' });
    await userEvent.type(within(form).getByRole('textbox', { name: /Name/ }), 'Reports');
    await userEvent.click(within(form).getByRole('checkbox', { name: /write/ }));
    await userEvent.click(within(form).getByRole('button', { name: 'Create key' }));

    const secret = await screen.findByRole('dialog', { name: 'Your new API key' });
    expect(within(secret).getByText('mcrm_zz99_SECRET')).toBeInTheDocument();
    expect(within(secret).getByText(/you will not see it again/)).toBeInTheDocument();
    expect(within(secret).getByRole('button', { name: 'Copy the key' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'Reports', scopes: ['read', 'write'] });
  });

  it('shows the server’s reason next to the field', async () => {
    mockFetch(({ method }) =>
      method === 'POST'
        ? problem(400, 'name is a text of 1 to 100 characters', 'name')
        : { body: { items: [], next_cursor: null } },
    );
    renderPage(<Settings />, { path: '/settings', route: '/settings' });
    await screen.findByText('No API keys yet');
    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = await screen.findByRole('dialog', { name: 'Create an API key' });
    await userEvent.type(within(form).getByRole('textbox', { name: /Name/ }), 'x');
    await userEvent.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(await within(form).findByText('name is a text of 1 to 100 characters')).toBeInTheDocument();
  });

  it('shows which keys are suspended or limited by their maker, and what they may still do', async () => {
    const ravi = { id: 'u2', email: 'ravi@example.in', role: 'viewer' as const, disabled_at: null };
    const keys: ApiKey[] = [
      { ...key, id: 'k2', name: 'Reports', scopes: ['admin'], effective_scopes: ['read'], maker: ravi, created_by: 'user:ravi@example.in' },
      {
        ...key,
        id: 'k3',
        name: 'Nightly',
        status: 'suspended',
        effective_scopes: [],
        maker: { ...ravi, disabled_at: '2026-11-26T10:00:00Z' },
        created_by: 'api-key:Reports',
      },
    ];
    mockFetch(() => ({ body: { items: keys, next_cursor: null } }));
    renderPage(<Settings />, { path: '/settings', route: '/settings' });
    const limited = (await screen.findByText('Reports')).closest('tr')!;
    expect(within(limited as HTMLElement).getByText('active')).toBeInTheDocument();
    expect(within(limited as HTMLElement).getByText(/Only these while ravi@example.in is a viewer/)).toBeInTheDocument();
    expect(within(within(limited as HTMLElement).getByLabelText('Effective scopes')).getByText('read')).toBeInTheDocument();
    const suspended = screen.getByText('Nightly').closest('tr')!;
    expect(within(suspended as HTMLElement).getByText('suspended')).toBeInTheDocument();
    expect(within(suspended as HTMLElement).getByText(/while ravi@example.in is disabled/)).toBeInTheDocument();
    expect(within(suspended as HTMLElement).getByText(/api-key:Reports, for ravi@example.in/)).toBeInTheDocument();
    expect(within(suspended as HTMLElement).getByRole('button', { name: 'Revoke Nightly' })).toBeInTheDocument();
  });

  it('revokes a key after confirmation', async () => {
    const calls = mockFetch(({ method }) => (method === 'DELETE' ? { status: 204 } : { body: { items: [key], next_cursor: null } }));
    renderPage(<Settings />, { path: '/settings', route: '/settings' });
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke Warehouse' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this key?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/v1/api-keys/k1'));
  });

  it('changes a role with a PATCH', async () => {
    const calls = mockFetch(({ method, url, body }) => {
      if (url.pathname === '/api/v1/users') return { body: { items: people, next_cursor: null } };
      if (method === 'PATCH' && url.pathname === '/api/v1/users/u2') return { body: { ...people[1], ...(body as object) } };
      return undefined;
    });
    renderPage(<Settings />, { path: '/settings?tab=people', route: '/settings' });
    const select = await screen.findByRole('combobox', { name: 'Role of ravi@example.in' });
    await userEvent.click(select);
    await userEvent.click(await screen.findByRole('option', { name: 'Marketer' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ role: 'marketer' }));
    expect(calls.find((c) => c.method === 'PATCH')?.url.pathname).toBe('/api/v1/users/u2');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Role of ravi@example.in' })).toHaveValue('Marketer'));
  });

  it('explains a refusal to remove the last admin (409)', async () => {
    mockFetch(({ method, url }) => {
      if (url.pathname === '/api/v1/users' && method === 'GET') return { body: { items: people, next_cursor: null } };
      if (method === 'PATCH') return problem(409, 'this is the last active admin: make someone else an admin first');
      return undefined;
    });
    renderPage(<Settings />, { path: '/settings?tab=people', route: '/settings' });
    await userEvent.click(await screen.findByRole('combobox', { name: 'Role of asha@example.in' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Viewer' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('minicrm needs at least one admin');
    expect(alert).toHaveTextContent('last active admin');
    expect(screen.getByRole('combobox', { name: 'Role of asha@example.in' })).toHaveValue('Admin');
  });

  it('disables and enables people, but not yourself', async () => {
    const calls = mockFetch(({ method, url }) => {
      if (url.pathname === '/api/v1/users') return { body: { items: people, next_cursor: null } };
      if (method === 'PATCH') return { body: { ...people[1], disabled_at: '2026-11-26T10:00:00Z' } };
      return undefined;
    });
    renderPage(<Settings />, { path: '/settings?tab=people', route: '/settings' });
    expect(await screen.findByRole('button', { name: 'Disable asha@example.in' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Disable ravi@example.in' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ disabled: true }));
    expect(await screen.findByRole('button', { name: 'Enable ravi@example.in' })).toBeInTheDocument();
  });

  it('shows non-admins only the AI provider and their account', async () => {
    const calls = mockFetch(({ url }) =>
      url.pathname === '/api/v1/ai/provider' ? { body: { provider: 'gemini', model: 'gemini-2.0-flash' } } : undefined,
    );
    renderPage(<Settings />, { path: '/settings', route: '/settings', me: viewer });
    expect(screen.getByText(/managed by admins/)).toBeInTheDocument();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['AI provider', 'Account']);
    expect(await screen.findByText('Gemini')).toBeInTheDocument();
    expect(screen.getByText('gemini-2.0-flash')).toBeInTheDocument();
    expect(calls.some((c) => c.url.pathname === '/api/v1/api-keys' || c.url.pathname === '/api/v1/users')).toBe(false);

    await userEvent.click(screen.getByRole('tab', { name: 'Account' }));
    expect(await screen.findByText('vik@example.in')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });
});
