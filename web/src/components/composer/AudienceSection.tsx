// Who gets the campaign: a saved segment or rules of its own, and beside them the live audience.

import { Grid, SegmentedControl } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { RuleGroup } from '../../api/types';
import { AudiencePanel } from '../rules/AudiencePanel';
import type { CatalogueField, FieldCatalogue } from '../rules/catalogue';
import { describePath, type RuleProblem } from '../rules/errors';
import type { useAudiencePreview } from '../rules/hooks';
import { AudienceRules } from './AudienceRules';
import type { Draft, Edit, ErrorOf } from './draft';
import type { SegmentChoice } from './hooks';
import { Section } from './Section';
import { SegmentPicker } from './SegmentPicker';

export interface AudienceSectionProps {
  draft: Draft;
  edit: Edit;
  errorOf: ErrorOf;
  /** The browser's own check of the rules. */
  rulesCheck: string | undefined;
  choice: SegmentChoice;
  catalogue: UseQueryResult<FieldCatalogue>;
  fields: CatalogueField[];
  labelOf: (field: string) => string;
  /** The rules being counted: the segment's or the draft's; null before a segment is chosen. */
  audienceRules: RuleGroup | null;
  preview: ReturnType<typeof useAudiencePreview>;
  rulesProblems: RuleProblem[];
}

export function AudienceSection(props: AudienceSectionProps) {
  const { draft, edit, preview } = props;
  return (
    <Section title="Audience">
      <SegmentedControl
        aria-label="Audience"
        value={draft.mode}
        onChange={(mode) => edit({ mode }, 'segment_id', 'rules')}
        data={[
          { value: 'segment', label: 'Saved segment' },
          { value: 'rules', label: 'Rules' },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          {draft.mode === 'segment' ? (
            <SegmentPicker
              choice={props.choice}
              segmentId={draft.segmentId}
              onChange={(segmentId) => edit({ segmentId }, 'segment_id')}
              errorOf={props.errorOf}
            />
          ) : (
            <AudienceRules
              catalogue={props.catalogue}
              fields={props.fields}
              rules={draft.rules}
              onSentence={(rules) => edit({ rules })}
              onChange={(rules) => edit({ rules }, 'rules')}
              problems={props.rulesProblems}
              check={props.rulesCheck}
            />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <AudiencePanel
            title="Who gets it"
            sampleSize={5}
            data={preview.data}
            error={preview.error}
            pending={preview.pending}
            empty={props.audienceRules === null || preview.empty}
            retry={preview.refetch}
            unfinished={draft.mode === 'rules' ? preview.unfinished.map((p) => describePath(draft.rules, p, props.labelOf)) : []}
          />
        </Grid.Col>
      </Grid>
    </Section>
  );
}
