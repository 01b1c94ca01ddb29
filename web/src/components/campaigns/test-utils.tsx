// Test helpers for the dashboard, campaign and settings pages: render a page inside the app's
// providers with a signed-in person, and answer fetch from a table of routes.

import { vi } from 'vitest';

export { ADMIN as admin, VIEWER as viewer, renderPage } from '../../test-utils';

export interface Call {
  method: string;
  url: URL;
  body: unknown;
}

export type Reply = { status?: number; body?: unknown } | undefined;

/** Stubs fetch: each request goes to `answer`; undefined means 404. Returns the calls made. */
export function mockFetch(answer: (call: Call) => Reply): Call[] {
  const calls: Call[] = [];
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input, 'http://localhost');
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method: init?.method ?? 'GET', url, body };
    calls.push(call);
    const reply = answer(call) ?? {
      status: 404,
      body: { type: 'urn:minicrm:problem:not-found', title: 'Not found', status: 404, detail: 'no such route' },
    };
    const status = reply.status ?? 200;
    if (status === 204) return Promise.resolve(new Response(null, { status }));
    const headers = { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' };
    return Promise.resolve(new Response(JSON.stringify(reply.body ?? null), { status, headers }));
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export function problem(status: number, detail: string, field?: string) {
  return { status, body: { type: 'urn:minicrm:problem:x', title: 'Problem', status, detail, field } };
}
