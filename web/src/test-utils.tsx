// Rendering a page in tests as the app does: theme, query client, router, and a signed-in session.

import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import type { Me } from './api/types';
import { SessionProvider } from './auth/session';

export const ADMIN: Me = {
  kind: 'user',
  id: 'u-admin',
  email: 'asha@example.in',
  name: 'Asha Rao',
  role: 'admin',
  provider: 'oidc',
  scopes: ['read', 'write', 'ingest', 'admin'],
  csrf_token: 'csrf-admin',
  session_expires_at: '2030-01-01T00:00:00Z',
};
export const VIEWER: Me = {
  kind: 'user',
  id: 'u-viewer',
  email: 'vik@example.in',
  name: 'Vikram',
  role: 'viewer',
  provider: 'oidc',
  scopes: ['read'],
  csrf_token: 'csrf-viewer',
  session_expires_at: '2030-01-01T00:00:00Z',
};

/** Answers fetches by path prefix; unmatched paths are 404 problems. Returns the calls made. */
export function mockFetch(routes: Record<string, unknown>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const answer = (url: string, init?: RequestInit): Response => {
    const key = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((k) => url.startsWith(k));
    if (key === undefined) {
      return new Response(JSON.stringify({ status: 404, title: 'Not found', detail: `no mock for ${url}`, type: 'x' }), {
        status: 404,
      });
    }
    const value = routes[key];
    const body = typeof value === 'function' ? (value as (init?: RequestInit) => unknown)(init) : value;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(answer(url, init));
  });
  return calls;
}

/** Where the app went: tests that navigate read it from `data-testid="location"`. */
function WhereAmI() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

/** Renders `ui` at the URL `path`, matched by the route pattern `route`, for a signed-in `me`. */
export function renderPage(ui: ReactElement, { path = '/', route = '/', me = ADMIN }: { path?: string; route?: string; me?: Me } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[path]}>
          <SessionProvider me={me}>
            <Routes>
              <Route path={route} element={ui} />
              <Route path="*" element={<WhereAmI />} />
            </Routes>
          </SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
