// Test helpers for the dashboard, campaign and settings pages: render a page inside the app's
// providers with a signed-in person, and answer fetch from a table of routes.

import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { vi } from 'vitest';
import type { Me } from '../../api/types';
import { SessionProvider } from '../../auth/session';

export const admin: Me = {
  kind: 'user',
  id: 'u-admin',
  email: 'asha@example.in',
  name: 'Asha Rao',
  role: 'admin',
  provider: 'oidc',
  scopes: ['read', 'write', 'ingest', 'admin'],
};

export const viewer: Me = {
  kind: 'user',
  id: 'u-viewer',
  email: 'vik@example.in',
  name: 'Vikram',
  role: 'viewer',
  provider: 'oidc',
  scopes: ['read'],
};

export function renderPage(
  element: ReactElement,
  { path = '/', route = '/', me = admin }: { path?: string; route?: string; me?: Me } = {},
) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[path]}>
          <SessionProvider me={me}>
            <Routes>
              <Route path={route} element={element} />
            </Routes>
          </SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

export interface Call {
  method: string;
  url: URL;
  body: unknown;
}

export type Reply = { status?: number; body?: unknown } | undefined;

/** Stubs fetch: each request goes to `answer`; undefined means 404. Returns the calls made. */
export function mockFetch(answer: (call: Call) => Reply): Call[] {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method: init?.method ?? 'GET', url, body };
    calls.push(call);
    const reply = answer(call) ?? {
      status: 404,
      body: { type: 'urn:minicrm:problem:not-found', title: 'Not found', status: 404, detail: 'no such route' },
    };
    const status = reply.status ?? 200;
    if (status === 204) return new Response(null, { status });
    const headers = { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' };
    return new Response(JSON.stringify(reply.body ?? null), { status, headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export function problem(status: number, detail: string, field?: string) {
  return { status, body: { type: 'urn:minicrm:problem:x', title: 'Problem', status, detail, field } };
}
