import { defaultValue, fitValue, kindOf, operatorLabel, valueShape } from './catalogue';

describe('valueShape', () => {
  it('follows the server: windows, relative days, between, lists, scalars', () => {
    expect(valueShape('text', 'is_null')).toBe('none');
    expect(valueShape('date', 'is_not_null')).toBe('none');
    expect(valueShape('count_in_window', '>=')).toBe('window');
    expect(valueShape('money_in_window', 'between')).toBe('window');
    expect(valueShape('date', 'within_last_days')).toBe('days');
    expect(valueShape('date', 'older_than_days')).toBe('days');
    expect(valueShape('date', 'between')).toBe('pair');
    expect(valueShape('money', 'not_between')).toBe('pair');
    expect(valueShape('text', 'in')).toBe('list');
    expect(valueShape('count', 'not_in')).toBe('list');
    expect(valueShape('date', '<')).toBe('date');
    expect(valueShape('count', '=')).toBe('number');
    expect(valueShape('money', '>')).toBe('money');
    expect(valueShape('text', 'contains')).toBe('text');
  });

  it('treats an unknown type as text', () => {
    expect(kindOf('set')).toBe('text');
    expect(kindOf(undefined)).toBe('text');
    expect(kindOf('money_in_window')).toBe('money_in_window');
  });
});

describe('defaultValue', () => {
  it('gives each shape an empty value of the right form', () => {
    expect(defaultValue('money', 'between')).toEqual(['', '']);
    expect(defaultValue('text', 'in')).toEqual([]);
    expect(defaultValue('date', 'older_than_days')).toBe(30);
    expect(defaultValue('count_in_window', '>=')).toEqual({ days: 90, value: '' });
    expect(defaultValue('money_in_window', 'between')).toEqual({ days: 90, value: ['', ''] });
    expect(defaultValue('text', 'is_null')).toBeNull();
    expect(defaultValue('text', '=')).toBe('');
  });
});

describe('fitValue', () => {
  it('returns a value that already fits as the same object', () => {
    const list = ['Mumbai'];
    const window = { days: 30, value: [1, 2] };
    expect(fitValue('text', 'in', list)).toBe(list);
    expect(fitValue('money_in_window', 'between', window)).toBe(window);
    expect(fitValue('money', '>', 5000)).toBe(5000);
    expect(fitValue('money', 'between', '1000,2000')).toBe('1000,2000');
  });

  it('keeps what makes sense when the operator changes', () => {
    expect(fitValue('money', 'between', 5000)).toEqual([5000, '']);
    expect(fitValue('money', '>', [5000, 9000])).toBe(5000);
    expect(fitValue('text', 'in', 'Pune')).toBe('Pune');
    expect(fitValue('text', 'in', '')).toEqual([]);
    expect(fitValue('count', 'in', 3)).toEqual([3]);
    expect(fitValue('text', '=', ['Pune', 'Delhi'])).toBe('Pune');
    expect(fitValue('count_in_window', 'between', { days: 60, value: 2 })).toEqual({ days: 60, value: [2, ''] });
    expect(fitValue('count_in_window', '>', 2)).toEqual({ days: 90, value: 2 });
  });

  it('does not read a date as a number of days or the other way round', () => {
    expect(fitValue('date', 'within_last_days', '2025-01-01')).toBe(30);
    expect(fitValue('date', 'within_last_days', 45)).toBe(45);
    expect(fitValue('date', '<', 45)).toBe('');
    expect(fitValue('date', '<', ['2025-01-01', '2025-02-01'])).toBe('2025-01-01');
  });

  it('fills a value that was empty for is_null', () => {
    expect(fitValue('text', '=', null)).toBe('');
    expect(fitValue('money', 'between', null)).toEqual(['', '']);
  });
});

describe('operatorLabel', () => {
  it('reads naturally for dates and numbers', () => {
    expect(operatorLabel('date', '<')).toBe('before');
    expect(operatorLabel('money', '<')).toBe('less than');
    expect(operatorLabel('date', 'older_than_days')).toBe('over N days ago');
    expect(operatorLabel('text', 'in')).toBe('is one of');
  });
});
