// Composing a campaign: the audience (a saved segment or rules), the channel and message with tokens,
// AI variants and a live preview for a customer of the audience, when to send (now, at a time, or at a
// recommended slot), then launch. `?segment=<id>` preselects a segment. The parts are in
// components/composer/; this page holds the draft and what its parts share.

import { Alert, Anchor, Group, Stack, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { AudienceSection } from '../components/composer/AudienceSection';
import { CampaignSection } from '../components/composer/CampaignSection';
import { campaignBody, draftProblems, newDraft, sendTimeAudience, type Edit } from '../components/composer/draft';
import { useLaunch, useSegmentChoice } from '../components/composer/hooks';
import { LaunchBar } from '../components/composer/LaunchBar';
import { MessageSection } from '../components/composer/MessageSection';
import { Section } from '../components/composer/Section';
import { SendTime } from '../components/composer/SendTime';
import { isRulesError } from '../components/rules/AudiencePanel';
import { fieldLabeller } from '../components/rules/catalogue';
import { reasonFor, ruleProblems } from '../components/rules/errors';
import { useAudiencePreview, useFieldCatalogue } from '../components/rules/hooks';

export function CampaignComposer() {
  const { can } = useSession();
  if (!can('write')) {
    return (
      <Stack>
        <Title order={1} size="h2">
          New campaign
        </Title>
        <Alert color="gray" icon={<IconLock size={18} />} title="Read-only">
          Your role can read campaigns but not launch them. Ask an admin for the marketer role.{' '}
          <Anchor component={Link} to="/campaigns">
            See the campaigns
          </Anchor>
        </Alert>
      </Stack>
    );
  }
  return <Composer />;
}

function Composer() {
  const [params] = useSearchParams();
  const [draft, setDraft] = useState(() => newDraft(params.get('segment')));
  // The browser's own checks, by field, until the field is edited.
  const [checks, setChecks] = useState<Record<string, string>>({});
  const edit: Edit = (patch, ...clears) => {
    setDraft((d) => ({ ...d, ...patch }));
    for (const field of clears) {
      if (checks[field]) setChecks(({ [field]: _, ...rest }) => rest);
    }
  };

  const choice = useSegmentChoice(draft.segmentId);
  const catalogue = useFieldCatalogue();
  const fields = useMemo(() => catalogue.data?.fields ?? [], [catalogue.data]);
  const labelOf = useMemo(() => fieldLabeller(fields), [fields]);
  const audienceRules = draft.mode === 'segment' ? (choice.segment?.rules ?? null) : draft.rules;
  const preview = useAudiencePreview(audienceRules);

  const launch = useLaunch(draft.when);
  const refused = launch.error instanceof ApiError ? launch.error : null;
  const errorOf = (field: string): string | undefined => checks[field] ?? reasonFor(refused, field);
  const rulesProblems =
    draft.mode !== 'rules'
      ? []
      : [
          ...(preview.rules && isRulesError(preview.error) ? ruleProblems(preview.error, preview.rules, labelOf) : []),
          ...(refused ? ruleProblems(refused, draft.rules, labelOf) : []),
        ];

  const submit = () => {
    const found = draftProblems(draft);
    setChecks(found);
    if (Object.keys(found).length === 0) launch.mutate(campaignBody(draft));
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          New campaign
        </Title>
      </Group>
      <CampaignSection draft={draft} edit={edit} errorOf={errorOf} />
      <AudienceSection
        draft={draft}
        edit={edit}
        errorOf={errorOf}
        rulesCheck={checks.rules}
        choice={choice}
        catalogue={catalogue}
        fields={fields}
        labelOf={labelOf}
        audienceRules={audienceRules}
        preview={preview}
        rulesProblems={rulesProblems}
      />
      <MessageSection draft={draft} edit={edit} errorOf={errorOf} sample={preview.data?.sample[0] ?? null} audienceRules={audienceRules} />
      <Section title="When">
        <SendTime
          audience={sendTimeAudience(draft)}
          value={draft.when}
          onChange={(when) => edit({ when }, 'send_at')}
          error={errorOf('send_at')}
        />
      </Section>
      <LaunchBar
        error={launch.error}
        checked={Object.keys(checks).length > 0}
        later={draft.when.mode !== 'now'}
        pending={launch.isPending}
        onLaunch={submit}
      />
    </Stack>
  );
}
