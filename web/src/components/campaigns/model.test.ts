import { stats } from './fixtures';
import {
  campaignStatusColor,
  timelinePoints,
  bucketLabel,
  funnel,
  isActive,
  messageStatusColor,
  pollWhileActive,
  reasonLabel,
  sentTotal,
} from './model';

describe('status colours', () => {
  it('gives each campaign status its own colour', () => {
    expect(campaignStatusColor('scheduled')).toBe('blue');
    expect(campaignStatusColor('running')).toBe('yellow');
    expect(campaignStatusColor('completed')).toBe('teal');
    expect(campaignStatusColor('cancelled')).toBe('gray');
    expect(campaignStatusColor('failed')).toBe('red');
    expect(campaignStatusColor('something new')).toBe('gray');
  });
  it('colours message statuses', () => {
    expect(messageStatusColor('delivered')).toBe('teal');
    expect(messageStatusColor('failed')).toBe('red');
    expect(messageStatusColor('queued')).toBe('gray');
  });
});

describe('polling', () => {
  it('treats scheduled and running as active', () => {
    expect(isActive('scheduled')).toBe(true);
    expect(isActive('running')).toBe(true);
    expect(isActive('completed')).toBe(false);
    expect(isActive('cancelled')).toBe(false);
  });
  it('polls every 2 s only while a campaign is moving', () => {
    expect(pollWhileActive([{ status: 'completed' }, { status: 'running' }])).toBe(2000);
    expect(pollWhileActive([{ status: 'completed' }, { status: 'failed' }])).toBe(false);
    expect(pollWhileActive([])).toBe(false);
  });
});

describe('funnel', () => {
  it('counts sent as sent + delivered + failed', () => {
    expect(sentTotal({ sent: 5, delivered: 80, failed: 15 })).toBe(100);
    const f = funnel(stats({ audience: 200, queued: 50, sent: 10, delivered: 120, failed: 20, delivery_rate: 120 / 140 }));
    expect(f.audience).toBe(200);
    expect(f.sent).toBe(150);
    expect(f.pending).toBe(60);
    expect(f.steps.map((s) => [s.key, s.value])).toEqual([
      ['audience', 200],
      ['sent', 150],
      ['delivered', 120],
      ['failed', 20],
    ]);
    expect(f.steps[1]?.ofAudience).toBeCloseTo(0.75);
    expect(f.rate).toBeCloseTo(0.857, 3);
  });
  it('copes with an audience not yet fixed', () => {
    const f = funnel(stats({ audience: null, delivered: 0, failed: 0, delivery_rate: null }));
    expect(f.audience).toBe(0);
    expect(f.steps[1]?.ofAudience).toBeNull();
    expect(f.rate).toBeNull();
  });
  it('never shows an audience smaller than what was queued', () => {
    expect(funnel(stats({ audience: 10, queued: 5, delivered: 10, failed: 0 })).audience).toBe(15);
  });
});

describe('delivery timeline', () => {
  it("labels the server's running totals in the viewer's zone", () => {
    const points = timelinePoints({
      start: '2026-11-20T10:00:00Z',
      bucket_seconds: 60,
      points: [
        { at: '2026-11-20T10:01:00Z', sent: 5, delivered: 2, failed: 0 },
        { at: '2026-11-20T10:02:00Z', sent: 9, delivered: 7, failed: 1 },
      ],
    });
    expect(points).toHaveLength(2);
    expect(points[1]).toMatchObject({ at: Date.parse('2026-11-20T10:02:00Z'), sent: 9, delivered: 7, failed: 1 });
    expect(points[0]?.label).toBe(bucketLabel(Date.parse('2026-11-20T10:01:00Z'), 60_000));
  });

  it('is empty before anything is sent', () => {
    expect(timelinePoints({ start: null, bucket_seconds: null, points: [] })).toEqual([]);
  });
});

describe('reason labels', () => {
  it('reads vendor codes as words', () => {
    expect(reasonLabel('carrier_rejected')).toBe('Carrier rejected');
    expect(reasonLabel('dnd_registry')).toBe('DND registry');
    expect(reasonLabel('no phone number')).toBe('No phone number');
    expect(reasonLabel(null)).toBe('Unknown');
  });
});
