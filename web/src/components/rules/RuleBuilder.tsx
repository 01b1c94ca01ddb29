// The segment rule builder: react-querybuilder with Mantine's controls over the field catalogue, nested
// AND/OR groups with a NOT switch, and value editors that know our field types. It speaks our rules
// JSON outside (`rules`, `onChange`) and react-querybuilder's query inside.

import { ActionIcon, Tooltip } from '@mantine/core';
import { MantineActionElement, MantineValueSelector, QueryBuilderMantine } from '@react-querybuilder/mantine';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import {
  prepareRuleGroup,
  QueryBuilder,
  type ActionProps,
  type FullOperator,
  type OptionGroup,
  type RuleGroupType,
  type Translations,
  type VersatileSelectorProps,
} from 'react-querybuilder';
import 'react-querybuilder/dist/query-builder-layout.css';
import type { RuleGroup } from '../../api/types';
import { defaultValue, kindOf, operatorLabel, type ApiOperator, type CatalogueField, type FieldKind } from './catalogue';
import { fitQuery, fromRqb, fromRqbOperator, toRqb, toRqbOperator } from './convert';
import { idsAtPaths } from './errors';
import './RuleBuilder.css';
import { isBuilderField, RuleValueEditor, type BuilderField } from './RuleValueEditor';

/** "Field, rule 2.1": which control of which rule, for screen readers and tests. */
function controlLabel(title: string | undefined, path: number[], testID: string | undefined): string {
  const where = path.map((i) => i + 1).join('.');
  if (!where) return title ?? '';
  return `${title ?? ''}, ${testID === 'combinators' ? 'group' : 'rule'} ${where}`;
}

function LabelledSelector({ operator: _operator, ...props }: VersatileSelectorProps) {
  return (
    <MantineValueSelector
      {...props}
      aria-label={controlLabel(props.title, props.path, props.testID)}
      allowDeselect={false}
      searchable={props.testID === 'fields'}
      size="sm"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function AddAction(props: ActionProps) {
  return <MantineActionElement {...props} aria-label={props.title} variant="light" size="compact-sm" leftSection={<IconPlus size={14} aria-hidden />} />;
}

function RemoveAction(props: ActionProps) {
  const { title, disabled, className, testID } = props;
  return (
    <Tooltip label={title} withinPortal>
      <ActionIcon
        variant="subtle"
        color="red"
        aria-label={title}
        onClick={(e) => props.handleOnClick(e)}
        disabled={disabled}
        className={className}
        data-testid={testID}
      >
        <IconTrash size={16} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}

const TRANSLATIONS: Partial<Translations> = {
  fields: { title: 'Field', placeholderLabel: 'Choose a field', placeholderName: '~', placeholderGroupLabel: 'Fields' },
  operators: { title: 'Operator', placeholderLabel: 'Choose', placeholderName: '~', placeholderGroupLabel: 'Operators' },
  value: { title: 'Value' },
  combinators: { title: 'Match' },
  addRule: { label: 'Rule', title: 'Add a rule to this group' },
  addGroup: { label: 'Group', title: 'Add a nested group' },
  removeRule: { label: 'Remove', title: 'Remove this rule' },
  removeGroup: { label: 'Remove', title: 'Remove this group' },
  notToggle: { label: 'Not', title: 'Negate this group: match customers it does not select' },
};

const CONTROLS = {
  valueEditor: RuleValueEditor,
  valueSelector: LabelledSelector,
  fieldSelector: LabelledSelector,
  operatorSelector: LabelledSelector,
  combinatorSelector: LabelledSelector,
  addRuleAction: AddAction,
  addGroupAction: AddAction,
  removeRuleAction: RemoveAction,
  removeGroupAction: RemoveAction,
};

const COMBINATORS = [
  { name: 'and', value: 'and', label: 'All of (AND)' },
  { name: 'or', value: 'or', label: 'Any of (OR)' },
];

/** The operator a new rule on a field starts with. */
function firstOperator(field: CatalogueField): string {
  const kind = kindOf(field.type);
  const preferred: Record<FieldKind, ApiOperator> = {
    text: '=',
    count: '>=',
    money: '>=',
    date: 'within_last_days',
    count_in_window: '>=',
    money_in_window: '>=',
  };
  const want = preferred[kind];
  return field.operators.includes(want) ? want : (field.operators[0] ?? '=');
}

function operatorsFor(spec: CatalogueField): FullOperator[] {
  const kind = kindOf(spec.type);
  const ops = spec.operators.length ? spec.operators : ['=', '!=', 'contains', 'in', 'is_null', 'is_not_null'];
  return ops.map((op) => ({
    name: toRqbOperator(op),
    value: toRqbOperator(op),
    label: operatorLabel(kind, op),
    ...(op === 'is_null' || op === 'is_not_null' ? { arity: 'unary' as const } : {}),
  }));
}

function builderField(spec: CatalogueField): BuilderField {
  return { name: spec.name, value: spec.name, label: spec.label, kind: kindOf(spec.type), spec };
}

/** Fields a rule names that the catalogue does not list (a custom attribute nobody in the sample has). */
function namedFields(group: RuleGroup, into: Set<string>): Set<string> {
  for (const rule of group.rules) {
    if ('rules' in rule) namedFields(rule, into);
    else into.add(rule.field);
  }
  return into;
}

export interface RuleBuilderProps {
  fields: CatalogueField[];
  rules: RuleGroup;
  onChange: (rules: RuleGroup) => void;
  disabled?: boolean;
  /** Rules to mark as wrong: paths of indices from the root. */
  problemPaths?: number[][];
}

export function RuleBuilder({ fields, rules, onChange, disabled = false, problemPaths = [] }: RuleBuilderProps) {
  const [query, setQuery] = useState<RuleGroupType>(() => prepareRuleGroup(toRqb(rules)));
  const [seen, setSeen] = useState<RuleGroup>(rules);
  // Rules replaced from outside (the plain-language box, a loaded segment): start the builder again.
  if (rules !== seen) {
    setSeen(rules);
    setQuery(prepareRuleGroup(toRqb(rules)));
  }

  const { options, byName } = useMemo(() => {
    const listed = fields.map(builderField);
    const known = new Set(listed.map((f) => f.name));
    const extra = [...namedFields(rules, new Set())]
      .filter((name) => !known.has(name))
      .map((name) =>
        builderField({ name, label: name.replace(/^attributes\./, ''), type: 'text', operators: [], custom: true }),
      );
    const standard = listed.filter((f) => !f.spec.custom);
    const custom = [...listed.filter((f) => f.spec.custom), ...extra];
    const grouped: OptionGroup<BuilderField>[] = [{ label: 'Customer and orders', options: standard }];
    if (custom.length) grouped.push({ label: 'Custom attributes', options: custom });
    return {
      options: custom.length ? grouped : standard,
      byName: new Map([...listed, ...extra].map((f) => [f.name, f])),
    };
  }, [fields, rules]);

  const kindOfField = (name: string): FieldKind => byName.get(name)?.kind ?? 'text';
  const problemKey = JSON.stringify(problemPaths);
  const problemIds = useMemo(() => idsAtPaths(query, JSON.parse(problemKey) as number[][]), [query, problemKey]);

  const change = (next: RuleGroupType) => {
    const fitted = fitQuery(next, kindOfField);
    setQuery(fitted);
    const out = fromRqb(fitted);
    setSeen(out);
    onChange(out);
  };

  const getOperators = useCallback(
    (_field: string, { fieldData }: { fieldData: unknown }) => (isBuilderField(fieldData) ? operatorsFor(fieldData.spec) : null),
    [],
  );
  const getDefaultOperator = useCallback(
    (field: string) => {
      const spec = byName.get(field)?.spec;
      return toRqbOperator(spec ? firstOperator(spec) : '=');
    },
    [byName],
  );
  const getDefaultValue = useCallback(
    (rule: { operator: string }, { fieldData }: { fieldData: unknown }) =>
      defaultValue(isBuilderField(fieldData) ? fieldData.kind : 'text', fromRqbOperator(rule.operator)),
    [],
  );
  const ruleClass = useCallback((rule: { id?: string }) => (rule.id && problemIds.has(rule.id) ? 'mcrm-rule-problem' : ''), [problemIds]);

  return (
    <div className="mcrm-rules">
      <QueryBuilderMantine controlElements={CONTROLS}>
        <QueryBuilder
          fields={options}
          query={query}
          onQueryChange={change}
          combinators={COMBINATORS}
          translations={TRANSLATIONS}
          getOperators={getOperators}
          getDefaultOperator={getDefaultOperator}
          getDefaultValue={getDefaultValue}
          getRuleClassname={ruleClass}
          getRuleGroupClassname={ruleClass}
          showNotToggle
          listsAsArrays
          resetOnFieldChange
          addRuleToNewGroups
          disabled={disabled}
          controlClassnames={{ queryBuilder: 'queryBuilder-branches' }}
        />
      </QueryBuilderMantine>
    </div>
  );
}
