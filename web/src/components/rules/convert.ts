// Our rules JSON (the API's) ⇄ react-querybuilder's RuleGroupType. The two are nearly the same shape;
// what differs is the operator names (the API's snake_case against react-querybuilder's camelCase and
// `null`/`notNull`) and the bookkeeping react-querybuilder adds (`id`, `path`, `valueSource`, …), which
// never reaches the API. Values pass through untouched, so a round trip either way is exact.

import type { RuleGroupType, RuleType } from 'react-querybuilder';
import type { RuleCondition, RuleGroup } from '../../api/types';
import { fitValue, type FieldKind } from './catalogue';

/** API operator → react-querybuilder operator. Operators not listed keep their name both ways. */
export const TO_RQB_OPERATOR: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  between: 'between',
  not_between: 'notBetween',
  in: 'in',
  not_in: 'notIn',
  contains: 'contains',
  not_contains: 'doesNotContain',
  begins_with: 'beginsWith',
  ends_with: 'endsWith',
  is_null: 'null',
  is_not_null: 'notNull',
  within_last_days: 'withinLastDays',
  older_than_days: 'olderThanDays',
};

const FROM_RQB_OPERATOR: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TO_RQB_OPERATOR).map(([api, rqb]) => [rqb, api]),
);

export function toRqbOperator(operator: string): string {
  return TO_RQB_OPERATOR[operator] ?? operator;
}

export function fromRqbOperator(operator: string): string {
  return FROM_RQB_OPERATOR[operator] ?? operator;
}

export function isGroup(rule: RuleCondition | RuleGroup): rule is RuleGroup {
  return 'rules' in rule && Array.isArray(rule.rules);
}

function isRqbGroup(rule: RuleType | RuleGroupType | string): rule is RuleGroupType {
  return typeof rule === 'object' && 'rules' in rule && Array.isArray(rule.rules);
}

/** A deep copy of a JSON value, so that neither side shares arrays or objects with the other. */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  }
  return value;
}

/** API rules → react-querybuilder's query (without ids: the builder adds its own). Keys keep their order. */
export function toRqb(group: RuleGroup): RuleGroupType {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(group)) {
    if (key === 'combinator') out.combinator = group.combinator;
    else if (key === 'not' && group.not !== undefined) out.not = group.not;
    else if (key === 'rules') out.rules = group.rules.map((rule) => (isGroup(rule) ? toRqb(rule) : toRqbRule(rule)));
  }
  out.combinator ??= 'and';
  out.rules ??= [];
  return out as unknown as RuleGroupType;
}

function toRqbRule(rule: RuleCondition): RuleType {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rule)) {
    if (key === 'field') out.field = rule.field;
    else if (key === 'operator') out.operator = toRqbOperator(rule.operator);
    // A condition without a value (is_null may leave it out) stays without one.
    else if (key === 'value') out.value = copy(rule.value);
  }
  return out as unknown as RuleType;
}

/** react-querybuilder's query → API rules: its own keys (`id`, `path`, `valueSource`, …) dropped, operators renamed. */
export function fromRqb(group: RuleGroupType): RuleGroup {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(group)) {
    if (key === 'combinator') out.combinator = group.combinator.toLowerCase() === 'or' ? 'or' : 'and';
    else if (key === 'not' && group.not !== undefined) out.not = group.not;
    else if (key === 'rules') {
      out.rules = group.rules
        .filter((rule): rule is RuleType | RuleGroupType => typeof rule !== 'string')
        .map((rule) => (isRqbGroup(rule) ? fromRqb(rule) : fromRqbRule(rule)));
    }
  }
  out.combinator ??= 'and';
  out.rules ??= [];
  return out as unknown as RuleGroup;
}

function fromRqbRule(rule: RuleType): RuleCondition {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rule)) {
    if (key === 'field') out.field = rule.field;
    else if (key === 'operator') out.operator = fromRqbOperator(rule.operator);
    else if (key === 'value' && rule.value !== undefined) out.value = copy(rule.value as unknown);
  }
  return out as unknown as RuleCondition;
}

/** How many conditions a rule tree holds, at any depth. */
export function countConditions(group: RuleGroup): number {
  return group.rules.reduce((n, rule) => n + (isGroup(rule) ? countConditions(rule) : 1), 0);
}

/** An empty root group: where a new segment starts. */
export function emptyRules(): RuleGroup {
  return { combinator: 'and', rules: [] };
}

/**
 * The query with every rule's value reshaped for its operator (see `fitValue`): react-querybuilder keeps
 * a value when only the operator changes, so `>` 5000 turned into `between` would send 5000 where a
 * pair is due. Returns the same query when nothing needed fixing.
 */
export function fitQuery(query: RuleGroupType, kindOfField: (field: string) => FieldKind): RuleGroupType {
  let changed = false;
  const rules = query.rules.map((rule) => {
    if (typeof rule === 'string') return rule;
    if (isRqbGroup(rule)) {
      const fitted = fitQuery(rule, kindOfField);
      if (fitted !== rule) changed = true;
      return fitted;
    }
    const value = fitValue(kindOfField(rule.field), fromRqbOperator(rule.operator), rule.value);
    if (value === rule.value) return rule;
    changed = true;
    return { ...rule, value };
  });
  return changed ? { ...query, rules } : query;
}

function blank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0 || value.some(blank);
  if (typeof value === 'object') {
    const w = value as { days?: unknown; value?: unknown };
    return blank(w.days) || blank(w.value);
  }
  return false;
}

/**
 * Conditions still being filled in (an empty value, one end of a `between`, a window without days):
 * paths of indices from the root. Counting such rules would only report what is missing.
 */
export function unfinishedPaths(group: RuleGroup, base: number[] = []): number[][] {
  return group.rules.flatMap((rule, i) => {
    const path = [...base, i];
    if (isGroup(rule)) return rule.rules.length === 0 ? [path] : unfinishedPaths(rule, path);
    if (rule.operator === 'is_null' || rule.operator === 'is_not_null') return [];
    return blank(rule.value) ? [path] : [];
  });
}
