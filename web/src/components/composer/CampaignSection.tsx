// The campaign's name and objective (the objective tags it and guides the AI variants).

import { Autocomplete, Grid, TextInput } from '@mantine/core';
import type { Draft, Edit, ErrorOf } from './draft';
import { Section } from './Section';
import { OBJECTIVES } from './Variants';

export function CampaignSection({ draft, edit, errorOf }: { draft: Draft; edit: Edit; errorOf: ErrorOf }) {
  return (
    <Section title="Campaign">
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={draft.name}
            onChange={(e) => edit({ name: e.currentTarget.value }, 'name')}
            error={errorOf('name')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <Autocomplete
            label="Objective"
            description="Tags the campaign and guides the AI variants"
            placeholder="win-back, festive sale…"
            data={OBJECTIVES}
            value={draft.objective}
            onChange={(objective) => edit({ objective })}
            maxLength={200}
            error={errorOf('objective')}
          />
        </Grid.Col>
      </Grid>
    </Section>
  );
}
