import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { RuleGroup } from '../../api/types';
import { fakeApi, reply } from './fakeApi';
import { useAudiencePreview } from './hooks';

const spend = (value: unknown): RuleGroup => ({ combinator: 'and', rules: [{ field: 'total_spend', operator: '>', value }] });

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

const previews = (calls: ReturnType<typeof fakeApi>) => calls.filter((c) => c.url === '/api/v1/segments/preview');

describe('useAudiencePreview', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('counts the first rules at once, then waits for changes to settle and counts only the last of a burst', async () => {
    vi.useFakeTimers();
    const calls = fakeApi({
      'POST /api/v1/segments/preview': (call) => ({
        count: ((call.body as { rules: RuleGroup }).rules.rules[0] as { value: number }).value / 100,
        sample: [],
      }),
    });
    const { result, rerender } = renderHook(({ rules }) => useAudiencePreview(rules), { wrapper, initialProps: { rules: spend(1000) } });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(previews(calls)).toHaveLength(1);
    for (const v of [2000, 3000, 4000]) {
      rerender({ rules: spend(v) });
      await act(() => vi.advanceTimersByTimeAsync(300));
    }
    expect(previews(calls)).toHaveLength(1);
    expect(result.current.pending).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(100));
    // Let the answer and the query's batched notifications (timers too) come through.
    for (let i = 0; i < 5; i += 1) await act(() => vi.advanceTimersByTimeAsync(10));
    expect(result.current.data?.count).toBe(40);
    expect(previews(calls).map((c) => c.body)).toEqual([{ rules: spend(1000) }, { rules: spend(4000) }]);
    expect(result.current.pending).toBe(false);
  });

  it('aborts a request whose rules changed, and keeps the last count on screen meanwhile', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const calls = fakeApi({
      'POST /api/v1/segments/preview': (call) => {
        const value = ((call.body as { rules: RuleGroup }).rules.rules[0] as { value: number }).value;
        if (value === 2000) return reply(200, { count: 20, sample: [] }, held);
        return { count: value / 100, sample: [] };
      },
    });
    const { result, rerender } = renderHook(({ rules }) => useAudiencePreview(rules, { delay: 20 }), {
      wrapper,
      initialProps: { rules: spend(1000) },
    });
    await waitFor(() => expect(result.current.data?.count).toBe(10));

    rerender({ rules: spend(2000) });
    await waitFor(() => expect(previews(calls)).toHaveLength(2));
    expect(result.current.data?.count).toBe(10); // the previous count, while the next loads
    expect(result.current.pending).toBe(true);

    rerender({ rules: spend(3000) });
    await waitFor(() => expect(result.current.data?.count).toBe(30));
    expect(previews(calls)[1]?.signal?.aborted).toBe(true);
    release();
  });

  it('sends nothing for empty rules or a rule still being filled in', async () => {
    const calls = fakeApi({ 'POST /api/v1/segments/preview': () => ({ count: 5, sample: [] }) });
    const empty: RuleGroup = { combinator: 'and', rules: [] };
    const { result, rerender } = renderHook(({ rules }) => useAudiencePreview(rules, { delay: 10 }), {
      wrapper,
      initialProps: { rules: empty },
    });
    expect(result.current.empty).toBe(true);
    rerender({ rules: spend('') });
    await new Promise((r) => setTimeout(r, 50));
    expect(result.current.unfinished).toEqual([[0]]);
    expect(previews(calls)).toHaveLength(0);
    rerender({ rules: spend(500) });
    await waitFor(() => expect(result.current.data?.count).toBe(5));
    expect(previews(calls)).toHaveLength(1);
  });
});
