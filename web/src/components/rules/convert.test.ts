import type { RuleGroupType } from 'react-querybuilder';
import type { RuleGroup } from '../../api/types';
import { OPERATORS } from './catalogue';
import { kindOf } from './catalogue';
import { countConditions, fitQuery, fromRqb, fromRqbOperator, toRqb, toRqbOperator, TO_RQB_OPERATOR, unfinishedPaths } from './convert';
import { FIELDS } from './fixtures';

// The README's example, every operator, windows, lists, nesting and NOT.
const README: RuleGroup = {
  combinator: 'and',
  rules: [
    { field: 'total_spend', operator: '>', value: 5000 },
    {
      combinator: 'or',
      rules: [
        { field: 'city', operator: 'in', value: ['Mumbai', 'Pune'] },
        { field: 'orders_in_last_days', operator: '>=', value: { days: 90, value: 2 } },
      ],
    },
  ],
};

const EVERYTHING: RuleGroup = {
  combinator: 'or',
  not: true,
  rules: [
    { field: 'name', operator: '=', value: 'Asha' },
    { field: 'name', operator: '!=', value: 'Ravi' },
    { field: 'order_count', operator: '<', value: 3 },
    { field: 'order_count', operator: '<=', value: '3' },
    { field: 'avg_order_value', operator: '>', value: 1499.5 },
    { field: 'total_spend', operator: '>=', value: '1499.50' },
    { field: 'total_spend', operator: 'between', value: [2000, 5000] },
    { field: 'total_spend', operator: 'not_between', value: '2000,5000' },
    { field: 'order_count', operator: 'in', value: [1, 2, 3] },
    { field: 'city', operator: 'not_in', value: ['Delhi'] },
    { field: 'email', operator: 'contains', value: 'gmail' },
    { field: 'email', operator: 'not_contains', value: 'yahoo' },
    { field: 'phone', operator: 'begins_with', value: '+9198' },
    { field: 'email', operator: 'ends_with', value: '.in' },
    { field: 'email', operator: 'is_null', value: null },
    { field: 'phone', operator: 'is_not_null' },
    { field: 'last_order_at', operator: 'within_last_days', value: 30 },
    { field: 'last_order_at', operator: 'older_than_days', value: 180 },
    { field: 'created_at', operator: 'between', value: ['2025-01-01', '2025-03-31T18:30:00Z'] },
    { field: 'spend_in_last_days', operator: 'between', value: { days: 30, value: [1000, 5000] } },
    { field: 'attributes.tier', operator: '=', value: 'gold' },
    {
      combinator: 'and',
      not: false,
      rules: [
        { field: 'bought_category', operator: 'in', value: 'Shoes, Bags' },
        { combinator: 'or', rules: [{ field: 'bought_sku', operator: '=', value: 'SKU-1' }] },
      ],
    },
  ],
};

describe('operator names', () => {
  it('maps every API operator to react-querybuilder and back', () => {
    for (const op of OPERATORS) {
      expect(TO_RQB_OPERATOR[op], op).toBeDefined();
      expect(fromRqbOperator(toRqbOperator(op))).toBe(op);
    }
    expect(toRqbOperator('is_null')).toBe('null');
    expect(toRqbOperator('not_contains')).toBe('doesNotContain');
    expect(toRqbOperator('begins_with')).toBe('beginsWith');
    expect(toRqbOperator('within_last_days')).toBe('withinLastDays');
    expect(fromRqbOperator('notNull')).toBe('is_not_null');
  });

  it('keeps an operator it does not know as it is', () => {
    expect(toRqbOperator('someday')).toBe('someday');
    expect(fromRqbOperator('someday')).toBe('someday');
  });

  it('never maps two API operators onto one', () => {
    const targets = Object.values(TO_RQB_OPERATOR);
    expect(new Set(targets).size).toBe(targets.length);
  });
});

describe('toRqb / fromRqb', () => {
  it('speaks react-querybuilder operator names', () => {
    const q = toRqb(EVERYTHING);
    const ops = q.rules.flatMap((r) => ('operator' in r ? [r.operator] : []));
    expect(ops).toContain('notBetween');
    expect(ops).toContain('null');
    expect(ops).toContain('olderThanDays');
    expect(q.not).toBe(true);
  });

  it.each([
    ['the README example', README],
    ['every operator and nesting', EVERYTHING],
    ['an empty group', { combinator: 'and', rules: [] } satisfies RuleGroup],
  ])('round-trips %s exactly', (_name, rules) => {
    const back = fromRqb(toRqb(rules));
    expect(back).toStrictEqual(rules);
    expect(JSON.stringify(back)).toBe(JSON.stringify(rules));
  });

  it('shares no arrays or objects with its input', () => {
    const q = toRqb(README);
    const inner = q.rules[1] as RuleGroupType;
    (inner.rules[0] as { value: string[] }).value.push('Delhi');
    expect((README.rules[1] as RuleGroup).rules[0]).toEqual({ field: 'city', operator: 'in', value: ['Mumbai', 'Pune'] });
  });

  it('drops what only react-querybuilder keeps, and round-trips its queries exactly otherwise', () => {
    const rqb: RuleGroupType = {
      id: 'g0',
      combinator: 'and',
      not: false,
      rules: [
        { id: 'r1', field: 'total_spend', operator: 'between', valueSource: 'value', value: [1000, 2000] },
        {
          id: 'g1',
          path: [1],
          combinator: 'or',
          rules: [
            { id: 'r2', field: 'email', operator: 'null', valueSource: 'value', value: '' },
            { id: 'r3', field: 'orders_in_last_days', operator: '>', value: { days: 30, value: 1 } },
          ],
        },
      ],
    };
    const ours = fromRqb(rqb);
    expect(ours).toStrictEqual({
      combinator: 'and',
      not: false,
      rules: [
        { field: 'total_spend', operator: 'between', value: [1000, 2000] },
        {
          combinator: 'or',
          rules: [
            { field: 'email', operator: 'is_null', value: '' },
            { field: 'orders_in_last_days', operator: '>', value: { days: 30, value: 1 } },
          ],
        },
      ],
    });
    const strip = (g: RuleGroupType) => JSON.parse(JSON.stringify(g, (k, v: unknown) => (['id', 'path', 'valueSource'].includes(k) ? undefined : v))) as RuleGroupType;
    expect(toRqb(ours)).toStrictEqual(strip(rqb));
  });

  it('counts conditions at every depth', () => {
    expect(countConditions(README)).toBe(3);
    expect(countConditions({ combinator: 'and', rules: [] })).toBe(0);
    expect(countConditions(EVERYTHING)).toBe(23);
  });
});

describe('fitQuery', () => {
  const kinds = new Map(FIELDS.map((f) => [f.name, kindOf(f.type)]));
  const kindOfField = (name: string) => kinds.get(name) ?? 'text';

  it('reshapes values whose operator changed, and nothing else', () => {
    const untouched = { id: 'c', field: 'city', operator: 'in', value: ['Pune'] };
    const query: RuleGroupType = {
      id: 'root',
      combinator: 'and',
      rules: [
        { id: 'a', field: 'total_spend', operator: 'between', value: 5000 },
        { id: 'g', combinator: 'or', rules: [{ id: 'b', field: 'orders_in_last_days', operator: '>', value: 2 }, untouched] },
      ],
    };
    const fitted = fitQuery(query, kindOfField);
    expect(fromRqb(fitted)).toEqual({
      combinator: 'and',
      rules: [
        { field: 'total_spend', operator: 'between', value: [5000, ''] },
        {
          combinator: 'or',
          rules: [
            { field: 'orders_in_last_days', operator: '>', value: { days: 90, value: 2 } },
            { field: 'city', operator: 'in', value: ['Pune'] },
          ],
        },
      ],
    });
    expect((fitted.rules[1] as RuleGroupType).rules[1]).toBe(untouched);
  });

  it('returns the same query when every value fits', () => {
    const query = toRqb(README);
    expect(fitQuery(query, kindOfField)).toBe(query);
  });
});

describe('unfinishedPaths', () => {
  it('finds empty values, half-filled pairs and windows, and empty groups', () => {
    const rules: RuleGroup = {
      combinator: 'and',
      rules: [
        { field: 'name', operator: '=', value: '  ' },
        { field: 'total_spend', operator: 'between', value: [100, ''] },
        { field: 'email', operator: 'is_null', value: null },
        { field: 'orders_in_last_days', operator: '>', value: { days: '', value: 2 } },
        { combinator: 'or', rules: [] },
        { combinator: 'or', rules: [{ field: 'city', operator: 'in', value: [] }, { field: 'order_count', operator: '>', value: 0 }] },
      ],
    };
    expect(unfinishedPaths(rules)).toEqual([[0], [1], [3], [4], [5, 0]]);
    expect(unfinishedPaths(README)).toEqual([]);
  });
});
