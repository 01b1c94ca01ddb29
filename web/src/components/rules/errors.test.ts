import type { RuleGroupType } from 'react-querybuilder';
import { ApiError } from '../../api/client';
import type { RuleGroup } from '../../api/types';
import { describePath, idsAtPaths, parseRulePointer, ruleProblems } from './errors';

const RULES: RuleGroup = {
  combinator: 'and',
  rules: [
    { field: 'total_spend', operator: '>', value: 'lots' },
    { combinator: 'or', rules: [{ field: 'city', operator: 'in', value: [] }] },
  ],
};
const LABELS: Record<string, string> = { total_spend: 'Total spend', city: 'City' };
const labelOf = (f: string) => LABELS[f] ?? f;

describe('parseRulePointer', () => {
  it('reads the pointers of the preview and of campaign fields', () => {
    expect(parseRulePointer('/rules/rules/0/value')).toEqual({ path: [0], part: 'value' });
    expect(parseRulePointer('/rules/rules/1/rules/0/value')).toEqual({ path: [1, 0], part: 'value' });
    expect(parseRulePointer('rules/rules/1/rules')).toEqual({ path: [1], part: 'rules' });
    expect(parseRulePointer('/rules')).toEqual({ path: [], part: null });
    expect(parseRulePointer('/message')).toBeNull();
  });
});

describe('describePath', () => {
  it('names rules by position and field', () => {
    expect(describePath(RULES, [0], labelOf)).toBe('Rule 1 (Total spend)');
    expect(describePath(RULES, [1], labelOf)).toBe('Group 2');
    expect(describePath(RULES, [1, 0], labelOf)).toBe('Rule 2.1 (City)');
    expect(describePath(RULES, [], labelOf)).toBe('The rules');
    expect(describePath(RULES, [7], labelOf)).toBe('Rule 8');
  });
});

describe('ruleProblems', () => {
  it('turns a 422 into located problems', () => {
    const error = new ApiError(
      422,
      {
        type: 'urn:minicrm:problem:invalid-rules',
        title: 'Invalid segment rules',
        status: 422,
        detail: 'x',
        errors: [
          { pointer: '/rules/rules/0/value', reason: 'must be an amount such as 5000 or 1499.50' },
          { pointer: '/rules/rules/1/rules/0/value', reason: 'in takes 1 to 500 values' },
        ],
      },
      '422',
    );
    expect(ruleProblems(error, RULES, labelOf)).toEqual([
      { path: [0], part: 'value', where: 'Rule 1 (Total spend)', reason: 'must be an amount such as 5000 or 1499.50' },
      { path: [1, 0], part: 'value', where: 'Rule 2.1 (City)', reason: 'in takes 1 to 500 values' },
    ]);
  });

  it('ignores errors that are not about rules', () => {
    expect(ruleProblems(new Error('offline'), RULES, labelOf)).toEqual([]);
    const other = new ApiError(422, { type: 't', title: 't', status: 422, detail: 'd', errors: [{ field: 'message', pointer: '/message', reason: 'x' }] }, '422');
    expect(ruleProblems(other, RULES, labelOf)).toEqual([]);
  });
});

describe('idsAtPaths', () => {
  it('finds the builder ids of rules by path', () => {
    const query: RuleGroupType = {
      id: 'root',
      combinator: 'and',
      rules: [
        { id: 'a', field: 'x', operator: '=', value: 1 },
        { id: 'g', combinator: 'or', rules: [{ id: 'b', field: 'y', operator: '=', value: 2 }] },
      ],
    };
    expect([...idsAtPaths(query, [[0], [1, 0], [5]])]).toEqual(['a', 'b']);
    expect([...idsAtPaths(query, [[]])]).toEqual(['root']);
  });
});
