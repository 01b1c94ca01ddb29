// What the campaign says: the channel, the message (and an e-mail's subject) with its tokens, the
// message as a customer of the audience would get it, and AI variants to start from.

import { Grid, SegmentedControl, Title } from '@mantine/core';
import type { Customer, RuleGroup } from '../../api/types';
import type { Draft, Edit, ErrorOf } from './draft';
import { rulesReady } from './draft';
import { MessageEditor, useTemplateVariables } from './MessageEditor';
import { MessagePreview } from './MessagePreview';
import { Section } from './Section';
import { customerVariables, exampleVariables, renderTemplate } from './template';
import { Variants } from './Variants';

export interface MessageSectionProps {
  draft: Draft;
  edit: Edit;
  errorOf: ErrorOf;
  /** A customer of the audience to preview the message for; the variables' examples when null. */
  sample: Customer | null;
  /** The audience's rules, for the AI variants to follow. */
  audienceRules: RuleGroup | null;
}

export function MessageSection({ draft, edit, errorOf, sample, audienceRules }: MessageSectionProps) {
  const variables = useTemplateVariables();
  const vars = sample ? customerVariables(sample) : exampleVariables(variables.data?.variables ?? []);
  const body = renderTemplate(draft.message, vars);
  const subject = draft.channel === 'email' ? renderTemplate(draft.subject, vars) : null;
  return (
    <Section title="Message">
      <SegmentedControl
        aria-label="Channel"
        value={draft.channel}
        onChange={(channel) => edit({ channel })}
        data={[
          { value: 'sms', label: 'SMS' },
          { value: 'email', label: 'E-mail' },
          { value: 'whatsapp', label: 'WhatsApp' },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <MessageEditor
            channel={draft.channel}
            message={draft.message}
            onMessage={(message) => edit({ message }, 'message')}
            subject={draft.subject}
            onSubject={(s) => edit({ subject: s }, 'subject')}
            renderedLength={draft.message ? body.text.length : null}
            messageError={errorOf('message')}
            subjectError={errorOf('subject')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <MessagePreview channel={draft.channel} subject={subject} body={body} recipient={sample?.name ?? null} />
        </Grid.Col>
      </Grid>
      <Title order={3} size="h5" mt="xs">
        Let AI write it
      </Title>
      <Variants
        objective={draft.objective}
        tone={draft.tone}
        onTone={(tone) => edit({ tone })}
        channel={draft.channel}
        rules={audienceRules && rulesReady(audienceRules) ? audienceRules : null}
        onUse={(v) => (v.subject ? edit({ message: v.message, subject: v.subject }, 'message', 'subject') : edit({ message: v.message }, 'message'))}
      />
    </Section>
  );
}
