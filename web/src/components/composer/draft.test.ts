import { campaignBody, draftProblems, newDraft, sendTimeAudience, type Draft } from './draft';

const CONDITION = { field: 'city', operator: '=' as const, value: 'Pune' };

const ready = (over: Partial<Draft> = {}): Draft => ({ ...newDraft('seg-1'), name: ' Diwali ', message: 'Hi', ...over });

describe('a campaign draft', () => {
  it('says what is missing, field by field', () => {
    expect(draftProblems(newDraft(null))).toEqual({
      name: 'Give the campaign a name.',
      segment_id: 'Choose a segment.',
      message: 'Write the message.',
    });
    expect(draftProblems(ready({ mode: 'rules' })).rules).toBe('Add at least one rule.');
    const unfinished = { combinator: 'and', rules: [{ field: 'city', operator: '=' as const }] };
    expect(draftProblems(ready({ mode: 'rules', rules: unfinished })).rules).toBe('Finish the rules being filled in.');
    expect(draftProblems(ready({ channel: 'email' })).subject).toBe('An e-mail needs a subject.');
    expect(draftProblems(ready({ when: { mode: 'recommended', at: null, slot: null } })).send_at).toBe('Pick one of the recommended slots.');
    expect(draftProblems(ready())).toEqual({});
  });

  it('becomes the body the API takes', () => {
    expect(campaignBody(ready({ objective: ' festive sale ' }))).toEqual({
      name: 'Diwali',
      segment_id: 'seg-1',
      channel: 'sms',
      message: 'Hi',
      objective: 'festive sale',
    });
    const rules = { combinator: 'and', rules: [CONDITION] };
    const when = { mode: 'recommended' as const, at: null, slot: '2026-11-29T21:00:00+05:30' };
    expect(campaignBody(ready({ mode: 'rules', rules, channel: 'email', subject: ' Sale ', when }))).toEqual({
      name: 'Diwali',
      rules,
      channel: 'email',
      subject: 'Sale',
      message: 'Hi',
      send_at: '2026-11-29T21:00:00+05:30',
    });
  });

  it('asks for a send time for a segment, or for rules once they are complete', () => {
    expect(sendTimeAudience(ready())).toEqual({ segment_id: 'seg-1' });
    expect(sendTimeAudience(ready({ segmentId: null }))).toBeNull();
    expect(sendTimeAudience(ready({ mode: 'rules' }))).toBeNull();
    expect(sendTimeAudience(ready({ mode: 'rules', rules: { combinator: 'and', rules: [CONDITION] } }))).toEqual({
      rules: { combinator: 'and', rules: [CONDITION] },
    });
  });
});
