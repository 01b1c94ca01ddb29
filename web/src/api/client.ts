// The one way the UI talks to minicrm: same-origin fetch with the session cookie, the session's CSRF
// token on every unsafe request, and errors read from application/problem+json.

import type { Schemas } from './types';

/** An application/problem+json answer (RFC 9457), as the OpenAPI document gives it. */
export type Problem = Schemas['Problem'];

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problem?.detail ?? fallback);
    this.status = status;
    this.problem = problem;
  }

  /** The reason given for one field, if the server named it. */
  fieldError(field: string): string | undefined {
    const listed = this.problem?.errors?.find((e) => e.field === field || e.pointer === `/${field}`)?.reason;
    if (listed) return listed;
    return this.problem?.field === field ? this.problem.detail : undefined;
  }
}

let csrfToken: string | null = null;

/** Set from GET /api/v1/me once signed in. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown, init?: RequestInit): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof Blob || typeof body === 'string') {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    ...init,
    headers: { ...headers, ...(init?.headers as Record<string, string> | undefined) },
    body: payload,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const problem = isProblem(json) ? json : null;
    throw new ApiError(response.status, problem, `${response.status} ${response.statusText}`);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'detail' in value && 'status' in value;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown, init?: RequestInit) => request<T>('POST', path, body ?? {}, init),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** The session's CSRF token, for requests made outside `request` (an upload with progress). */
export function csrf(): string | null {
  return csrfToken;
}
