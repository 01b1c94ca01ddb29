// Data the rule builder needs: the field catalogue, and the live audience of a rule tree (debounced,
// stale requests cancelled).

import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { RuleGroup, Schemas } from '../../api/types';
import type { FieldCatalogue } from './catalogue';
import { countConditions, unfinishedPaths } from './convert';

export function useFieldCatalogue() {
  return useQuery({
    queryKey: ['segment-fields'],
    queryFn: () => api.get<FieldCatalogue>('/api/v1/segments/fields'),
    staleTime: 5 * 60_000,
  });
}

/** `POST /api/v1/segments/preview`: how many customers the rules select, and a few of them. */
export type AudiencePreview = Schemas['Preview'];

export const PREVIEW_DELAY_MS = 400;

/**
 * The audience of `rules` right now: POST /segments/preview once the rules have been still for
 * `delay` ms. A request for rules that changed since is aborted (the query loses its observer and its
 * fetch signal fires), and the last count stays on screen while the next one loads. An empty tree is
 * not sent (it selects nobody yet), nor one with a rule still being filled in: the count stays that of
 * the last complete rules, and `unfinished` says which rules to finish.
 */
export function useAudiencePreview(rules: RuleGroup | null, { delay = PREVIEW_DELAY_MS, enabled = true } = {}) {
  const key = rules ? JSON.stringify(rules) : '';
  const empty = rules === null || countConditions(rules) === 0;
  const unfinished = useMemo(() => (rules ? unfinishedPaths(rules) : []), [rules]);
  const complete = !empty && unfinished.length === 0;
  // The last complete rules: what is counted while a rule is being filled in.
  const [held, setHeld] = useState(complete ? key : '');
  if (complete && held !== key) setHeld(key);
  if (empty && held !== '') setHeld('');
  const [settledKey] = useDebouncedValue(held, delay);
  const settled = useMemo(() => (settledKey ? (JSON.parse(settledKey) as RuleGroup) : null), [settledKey]);
  const ready = enabled && settled !== null;
  const query = useQuery({
    queryKey: ['segment-preview', settledKey],
    queryFn: ({ signal }) => api.post<AudiencePreview>('/api/v1/segments/preview', { rules: settled }, { signal }),
    enabled: ready,
    placeholderData: keepPreviousData,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 1,
    staleTime: 30_000,
  });
  const shown = !empty && ready;
  return {
    /** The audience of the rules as they were last settled (null before the first answer). */
    data: shown ? (query.data ?? null) : null,
    error: shown ? query.error : null,
    /** True while the rules are settling or the count is on its way. */
    pending: !empty && enabled && (held !== settledKey || query.isFetching),
    /** The rules the data (or error) is for. */
    rules: settled,
    empty,
    /** Conditions still being filled in (paths from the root); the count is for the rules before them. */
    unfinished,
    refetch: () => void query.refetch(),
  };
}
