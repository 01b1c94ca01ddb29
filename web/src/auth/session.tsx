// Who is signed in. The session lives in an HttpOnly cookie the UI cannot read; GET /api/v1/me says
// whether there is one, who it is, and the CSRF token every change must carry.

import { createContext, useContext, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { Me, Schemas } from '../api/types';

/** A person signed in: what `me` is unless the caller is an API key. */
export type Person = Extract<Me, { kind: 'user' }>;

interface Session {
  me: Me;
  /** `me` when it is a person (with an e-mail, a role and a session), null for an API key. */
  person: Person | null;
  can: (scope: Schemas['Scope']) => boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function useMe() {
  return useQuery<Me | null>({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        const me = await api.get<Me>('/api/v1/me');
        setCsrfToken(me.kind === 'user' ? me.csrf_token : null);
        return me;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const client = useQueryClient();
  const session: Session = {
    me,
    person: me.kind === 'user' ? me : null,
    can: (scope) => me.scopes.includes('admin') || me.scopes.includes(scope),
    signOut: async () => {
      await api.post('/auth/logout');
      setCsrfToken(null);
      client.clear();
      window.location.assign('/');
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
