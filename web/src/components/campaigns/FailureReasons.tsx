// Why messages failed, most frequent first.

import { BarsList } from '@mantine/charts';
import { number, percent } from '../../lib/format';
import { Empty } from '../States';
import { reasonLabel } from './model';
import type { ReasonCount } from './types';

export function FailureReasons({ reasons, outcomes }: { reasons: ReasonCount[]; outcomes: number }) {
  const total = reasons.reduce((sum, r) => sum + r.count, 0);
  if (outcomes === 0 && total === 0) return <Empty title="No outcomes yet">Failures show here as receipts arrive.</Empty>;
  if (total === 0) return <Empty title="No failures">Every message with an outcome was delivered.</Empty>;
  const data = [...reasons]
    .sort((a, b) => b.count - a.count)
    .map((r) => ({ name: reasonLabel(r.reason), value: r.count, color: 'red.2', textColor: 'red.9' }));
  return (
    <BarsList
      data={data}
      barsLabel="Reason"
      minBarSize={140}
      valueLabel="Failures"
      valueFormatter={(v) => `${number(v)} (${percent(v / total)})`}
    />
  );
}
