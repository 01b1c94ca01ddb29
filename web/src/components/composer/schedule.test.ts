import { intensities } from './Heatmap';
import { dayIndex, sendAtOf, SEND_NOW } from './schedule';

describe('sendAtOf', () => {
  it('leaves send_at out to send now', () => {
    expect(sendAtOf(SEND_NOW)).toBeUndefined();
  });

  it('sends a chosen local time as RFC 3339 with the viewer’s offset', () => {
    const sent = sendAtOf({ mode: 'at', at: '2026-12-01 09:30:00', slot: null });
    expect(sent).toMatch(/^2026-12-01T09:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(sent!).getTime()).toBe(new Date(2026, 11, 1, 9, 30).getTime());
  });

  it('uses a recommended slot’s own time', () => {
    expect(sendAtOf({ mode: 'recommended', at: null, slot: '2026-11-29T21:00:00+05:30' })).toBe('2026-11-29T21:00:00+05:30');
  });

  it('is null while the choice is incomplete', () => {
    expect(sendAtOf({ mode: 'at', at: null, slot: null })).toBeNull();
    expect(sendAtOf({ mode: 'at', at: 'nonsense', slot: null })).toBeNull();
    expect(sendAtOf({ mode: 'recommended', at: '2026-12-01 09:30:00', slot: null })).toBeNull();
  });
});

describe('the send-time heatmap', () => {
  it('reads days Monday first', () => {
    expect(dayIndex('monday')).toBe(0);
    expect(dayIndex('Sunday')).toBe(6);
    expect(dayIndex('someday')).toBe(-1);
  });

  it('shades cells by their share of the busiest hour', () => {
    expect(intensities([[0, 5, 10]])).toEqual([[0, 0.5, 1]]);
    expect(intensities([[0, 0]])).toEqual([[0, 0]]);
  });
});
