// Problems with the rules, next to the builder: where (in words) and what.

import { Alert, List, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { RuleProblem } from './errors';

export function RuleProblems({ problems }: { problems: RuleProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="These rules cannot be used yet" role="alert">
      <List size="sm" spacing={2}>
        {problems.map((p, i) => (
          <List.Item key={`${p.path.join('.')}-${i}`}>
            <Text span fw={600} size="sm">
              {p.where}
              {p.part && p.part !== 'value' ? ` — ${p.part}` : ''}:
            </Text>{' '}
            {p.reason}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
