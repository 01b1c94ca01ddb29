// The audience described by rules for this campaign alone: a sentence that fills the builder, the
// builder over the field catalogue, and what is wrong with the rules, next to them.

import { Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { RuleGroup } from '../../api/types';
import type { CatalogueField, FieldCatalogue } from '../rules/catalogue';
import type { RuleProblem } from '../rules/errors';
import { PlainLanguageBox } from '../rules/PlainLanguageBox';
import { RuleBuilder } from '../rules/RuleBuilder';
import { RuleProblems } from '../rules/RuleProblems';
import { ErrorState, Loading } from '../States';

export interface AudienceRulesProps {
  catalogue: UseQueryResult<FieldCatalogue>;
  fields: CatalogueField[];
  rules: RuleGroup;
  /** Rules from the plain-language box. */
  onSentence: (rules: RuleGroup) => void;
  /** Rules edited in the builder. */
  onChange: (rules: RuleGroup) => void;
  problems: RuleProblem[];
  /** The browser's own check of the rules (none yet, some unfinished). */
  check: string | undefined;
}

export function AudienceRules({ catalogue, fields, rules, onSentence, onChange, problems, check }: AudienceRulesProps) {
  if (catalogue.isLoading) return <Loading label="Loading fields" />;
  if (catalogue.isError) return <ErrorState error={catalogue.error} retry={() => void catalogue.refetch()} />;
  return (
    <Stack gap="sm">
      <PlainLanguageBox onRules={onSentence} />
      <RuleBuilder fields={fields} rules={rules} onChange={onChange} problemPaths={problems.map((p) => p.path)} />
      <RuleProblems problems={problems} />
      {check && (
        <Text c="red" size="sm" role="alert">
          {check}
        </Text>
      )}
    </Stack>
  );
}
