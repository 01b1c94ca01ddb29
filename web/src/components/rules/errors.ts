// Where a rules problem is: the API names it by a JSON pointer into the request body (`/rules/rules/0/value`
// for the value of the first condition of the root group). These helpers turn a pointer into words a
// marketer can act on, and into the builder's rule ids so that the offending rule can be marked.

import type { RuleGroupType } from 'react-querybuilder';
import { ApiError } from '../../api/client';
import type { RuleCondition, RuleGroup } from '../../api/types';
import { isGroup } from './convert';

export interface RuleProblem {
  /** Indices from the root group down to the node at fault ([] is the root). */
  path: number[];
  /** `value`, `field`, `operator`, `rules`, … when the pointer names a part of the node. */
  part: string | null;
  /** Where, in words: "Rule 2.1 (Total spend)". */
  where: string;
  reason: string;
}

/** Reads a pointer such as `/rules/rules/0/rules/1/value` (or `rules/rules/0` as a field name). */
export function parseRulePointer(pointer: string): { path: number[]; part: string | null } | null {
  const parts = pointer.replace(/^\/+/, '').split('/').filter((p) => p !== '');
  if (parts[0] !== 'rules') return null;
  const path: number[] = [];
  let i = 1;
  while (i + 1 < parts.length && parts[i] === 'rules' && /^\d+$/.test(parts[i + 1] ?? '')) {
    path.push(Number(parts[i + 1]));
    i += 2;
  }
  return { path, part: i < parts.length ? parts.slice(i).join('/') : null };
}

function nodeAt(rules: RuleGroup, path: number[]): RuleCondition | RuleGroup | undefined {
  let node: RuleCondition | RuleGroup | undefined = rules;
  for (const index of path) {
    if (!node || !isGroup(node)) return undefined;
    node = node.rules[index];
  }
  return node;
}

/** "Rule 2.1 (Total spend)", "Group 3", or "The rules" for the root. */
export function describePath(rules: RuleGroup, path: number[], labelOf: (field: string) => string): string {
  if (path.length === 0) return 'The rules';
  const node = nodeAt(rules, path);
  const number = path.map((i) => i + 1).join('.');
  if (node && isGroup(node)) return `Group ${number}`;
  if (node) return `Rule ${number} (${labelOf(node.field)})`;
  return `Rule ${number}`;
}

/** The rule problems of an API error (a 422 naming pointers under `rules`), in words. */
export function ruleProblems(error: unknown, rules: RuleGroup, labelOf: (field: string) => string): RuleProblem[] {
  if (!(error instanceof ApiError) || !error.problem) return [];
  const out: RuleProblem[] = [];
  for (const e of error.problem.errors ?? []) {
    const located = parseRulePointer(e.pointer ?? e.field ?? '');
    if (!located) continue;
    out.push({ ...located, where: describePath(rules, located.path, labelOf), reason: e.reason });
  }
  if (out.length === 0 && error.problem.field && error.problem.field.startsWith('rules')) {
    const located = parseRulePointer(error.problem.field);
    if (located) out.push({ ...located, where: describePath(rules, located.path, labelOf), reason: error.problem.detail });
  }
  return out;
}

/** The builder's ids of the rules and groups at these paths (the query mirrors the rules index for index). */
export function idsAtPaths(query: RuleGroupType, paths: number[][]): Set<string> {
  const ids = new Set<string>();
  for (const path of paths) {
    let node: RuleGroupType | RuleGroupType['rules'][number] | undefined = query;
    for (const index of path) {
      node = typeof node === 'object' && 'rules' in node ? node.rules[index] : undefined;
    }
    if (typeof node === 'object' && node?.id) ids.add(node.id);
  }
  return ids;
}

/**
 * What the API said about one field of a request: the reason in its `errors` list (without the field
 * name the summary `detail` puts in front), else the problem's own detail when it names that field.
 */
export function reasonFor(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || !error.problem) return undefined;
  const listed = error.problem.errors?.find((e) => e.field === field || e.pointer === `/${field}`);
  return listed?.reason ?? error.fieldError(field);
}
