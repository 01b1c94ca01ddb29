// Test helpers (imported by *.test.tsx only): a fetch stub that answers by method and path with any
// status, and a render with the app's providers and a probe that shows where the router went.

import type { ReactElement } from 'react';
import type { Me } from '../../api/types';
import { renderPage } from '../../test-utils';

export interface Call {
  method: string;
  url: string;
  body: unknown;
  signal: AbortSignal | null;
}

const REPLY = Symbol('reply');

export interface Reply {
  [REPLY]: true;
  status?: number;
  body?: unknown;
  /** Resolve only when this promise does (to hold a request in flight). */
  wait?: Promise<void>;
}

/** Returns a `Reply` or a plain body. */
type Handler = (call: Call) => unknown;

/**
 * Stubs fetch. `routes` maps `"METHOD /path"` (the path without its query, or a prefix ending in `*`)
 * to a handler; a handler returns a `reply(…)`/`problem(…)` or a plain body (status 200). Unmatched
 * requests are 404s.
 */
export function fakeApi(routes: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = input.split('?')[0] ?? input;
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method, url: input, body, signal: init?.signal ?? null };
    calls.push(call);
    const key = Object.keys(routes)
      .filter((k) => {
        const [m, p = ''] = k.split(' ');
        if (m !== method) return false;
        return p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p;
      })
      .sort((a, b) => b.length - a.length)[0];
    const handler = key ? routes[key] : undefined;
    if (!handler) {
      return new Response(JSON.stringify({ type: 'x', title: 'Not found', status: 404, detail: `no fake for ${method} ${path}` }), {
        status: 404,
      });
    }
    const out = handler(call);
    const reply: Omit<Reply, typeof REPLY> = typeof out === 'object' && out !== null && REPLY in out ? (out as Reply) : { body: out };
    if (reply.wait) {
      await new Promise<void>((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        void reply.wait?.then(resolve);
      });
    }
    const status = reply.status ?? 200;
    if (status === 204) return new Response(null, { status });
    return new Response(JSON.stringify(reply.body ?? null), {
      status,
      headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  });
  return calls;
}

/** A reply with a status other than 200, or one held until `wait` resolves. */
export function reply(status: number, body?: unknown, wait?: Promise<void>): Reply {
  return { [REPLY]: true, status, body, wait };
}

/** A 4xx problem reply. */
export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Reply {
  return reply(status, { type: 'urn:minicrm:problem:x', title: 'Problem', status, detail, ...extra });
}

/** Renders `ui` at the URL `route`, matched by the pattern `path` (the shared helper's names swapped). */
export function renderAt(ui: ReactElement, { path, route, me }: { path: string; route: string; me: Me }) {
  return renderPage(ui, { path: route, route: path, me });
}
