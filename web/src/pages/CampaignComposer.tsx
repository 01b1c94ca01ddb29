// Composing a campaign: the audience (a saved segment or rules), the channel and message with tokens,
// AI variants and a live preview for a customer of the audience, when to send (now, at a time, or at a
// recommended slot), then launch. `?segment=<id>` preselects a segment.

import {
  Alert,
  Anchor,
  Autocomplete,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconLock, IconRocket } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { Campaign, Page, RuleGroup, Segment } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorState, Loading } from '../components/States';
import { MessageEditor, useTemplateVariables, type Channel } from '../components/composer/MessageEditor';
import { MessagePreview } from '../components/composer/MessagePreview';
import { SEND_NOW, sendAtOf, type When } from '../components/composer/schedule';
import { SendTime, type SendTimeAudience } from '../components/composer/SendTime';
import { customerVariables, exampleVariables, renderTemplate } from '../components/composer/template';
import { OBJECTIVES, Variants } from '../components/composer/Variants';
import { AudiencePanel, isRulesError } from '../components/rules/AudiencePanel';
import { fieldLabeller } from '../components/rules/catalogue';
import { countConditions, emptyRules, unfinishedPaths } from '../components/rules/convert';
import { describePath, reasonFor, ruleProblems } from '../components/rules/errors';
import { useAudiencePreview, useFieldCatalogue } from '../components/rules/hooks';
import { PlainLanguageBox } from '../components/rules/PlainLanguageBox';
import { RuleBuilder } from '../components/rules/RuleBuilder';
import { RuleProblems } from '../components/rules/RuleProblems';
import { dateTime, number } from '../lib/format';

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

type AudienceMode = 'segment' | 'rules';

/** The fields a launch problem can be shown on. */
const PLACED = ['name', 'segment_id', 'channel', 'subject', 'message', 'objective', 'send_at'];

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function Composer() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const preselected = params.get('segment');

  const [name, setName] = useState('');
  const [objective, setObjective] = useState('');
  const [tone, setTone] = useState('');
  const [mode, setMode] = useState<AudienceMode>('segment');
  const [segmentId, setSegmentId] = useState<string | null>(preselected);
  const [rules, setRules] = useState<RuleGroup>(emptyRules());
  const [channel, setChannel] = useState<Channel>('sms');
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [when, setWhen] = useState<When>(SEND_NOW);
  const [checks, setChecks] = useState<Record<string, string>>({});

  const segments = useQuery({
    queryKey: ['segments', 'all'],
    queryFn: () => api.get<Page<Segment>>('/api/v1/segments?limit=500'),
  });
  const listed = segments.data?.items ?? [];
  const missing = segmentId !== null && segments.isSuccess && !listed.some((s) => s.id === segmentId);
  const single = useQuery({
    queryKey: ['segment', segmentId],
    queryFn: () => api.get<Segment>(`/api/v1/segments/${encodeURIComponent(segmentId ?? '')}`),
    enabled: missing,
  });
  const allSegments = single.data && missing ? [single.data, ...listed] : listed;
  const segment = allSegments.find((s) => s.id === segmentId) ?? null;

  const catalogue = useFieldCatalogue();
  const fields = catalogue.data?.fields ?? [];
  const labelOf = useMemo(() => fieldLabeller(fields), [fields]);
  const variables = useTemplateVariables();

  const audienceRules: RuleGroup | null = mode === 'segment' ? (segment?.rules ?? null) : rules;
  const preview = useAudiencePreview(audienceRules);
  const sample = preview.data?.sample[0] ?? null;
  const vars = sample ? customerVariables(sample) : exampleVariables(variables.data?.variables ?? []);
  const body = renderTemplate(message, vars);
  const renderedSubject = channel === 'email' ? renderTemplate(subject, vars) : null;

  const rulesReady = countConditions(rules) > 0 && unfinishedPaths(rules).length === 0;
  const sendTimeAudience: SendTimeAudience =
    mode === 'segment' ? (segmentId ? { segment_id: segmentId } : null) : rulesReady ? { rules } : null;

  const launch = useMutation({
    mutationFn: (campaign: Record<string, unknown>) => api.post<Campaign>('/api/v1/campaigns', campaign),
    onSuccess: (campaign) => {
      void client.invalidateQueries({ queryKey: ['campaigns'] });
      notifications.show({
        color: 'green',
        title: campaign.status === 'scheduled' && when.mode !== 'now' ? 'Campaign scheduled' : 'Campaign launched',
        message: `${campaign.name}${campaign.stats.audience !== null ? ` to ${number(campaign.stats.audience)} customers` : ''}`,
      });
      navigate(`/campaigns/${encodeURIComponent(campaign.id)}`);
    },
  });
  const serverError = launch.error instanceof ApiError ? launch.error : null;
  const errorOf = (field: string): string | undefined => checks[field] ?? reasonFor(serverError, field);
  const rulesProblems = [
    ...(mode === 'rules' && preview.rules && isRulesError(preview.error) ? ruleProblems(preview.error, preview.rules, labelOf) : []),
    ...(mode === 'rules' && serverError ? ruleProblems(serverError, rules, labelOf) : []),
  ];
  const unplaced = (serverError?.problem?.errors ?? []).filter(
    (e) => !PLACED.includes(e.field ?? '') && !(e.field ?? e.pointer ?? '').replace(/^\//, '').startsWith('rules'),
  );
  const generalError = launch.error && !(serverError?.status === 422) ? launch.error : null;

  const clear = (field: string) => {
    if (checks[field]) setChecks(({ [field]: _, ...rest }) => rest);
  };

  const submit = () => {
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Give the campaign a name.';
    if (mode === 'segment' && !segmentId) found.segment_id = 'Choose a segment.';
    if (mode === 'rules' && countConditions(rules) === 0) found.rules = 'Add at least one rule.';
    if (mode === 'rules' && countConditions(rules) > 0 && !rulesReady) found.rules = 'Finish the rules being filled in.';
    if (!message.trim()) found.message = 'Write the message.';
    if (channel === 'email' && !subject.trim()) found.subject = 'An e-mail needs a subject.';
    const sendAt = sendAtOf(when);
    if (sendAt === null) found.send_at = when.mode === 'at' ? 'Pick a date and time.' : 'Pick one of the recommended slots.';
    setChecks(found);
    if (Object.keys(found).length > 0) return;
    launch.mutate({
      name: name.trim(),
      ...(mode === 'segment' ? { segment_id: segmentId } : { rules }),
      channel,
      ...(channel === 'email' ? { subject: subject.trim() } : {}),
      message,
      ...(objective.trim() ? { objective: objective.trim() } : {}),
      ...(sendAt ? { send_at: sendAt } : {}),
    });
  };

  const anyProblem = Object.keys(checks).length > 0 || !!serverError;

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          New campaign
        </Title>
      </Group>

      <Section title="Campaign">
        <Grid gap="sm">
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="Name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                clear('name');
              }}
              error={errorOf('name')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Autocomplete
              label="Objective"
              description="Tags the campaign and guides the AI variants"
              placeholder="win-back, festive sale…"
              data={OBJECTIVES}
              value={objective}
              onChange={setObjective}
              maxLength={200}
              error={errorOf('objective')}
            />
          </Grid.Col>
        </Grid>
      </Section>

      <Section title="Audience">
        <SegmentedControl
          aria-label="Audience"
          value={mode}
          onChange={(m) => {
            setMode(m as AudienceMode);
            clear('segment_id');
            clear('rules');
          }}
          data={[
            { value: 'segment', label: 'Saved segment' },
            { value: 'rules', label: 'Rules' },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            {mode === 'segment' ? (
              segments.isLoading ? (
                <Loading label="Loading segments" />
              ) : segments.isError ? (
                <ErrorState error={segments.error} retry={() => void segments.refetch()} />
              ) : (
                <Stack gap="xs">
                  <Select
                    label="Segment"
                    placeholder={allSegments.length ? 'Choose a saved segment' : 'No segments saved yet'}
                    data={allSegments.map((s) => ({ value: s.id, label: s.name }))}
                    value={segmentId}
                    onChange={(id) => {
                      setSegmentId(id);
                      clear('segment_id');
                    }}
                    searchable
                    nothingFoundMessage="No segment by that name"
                    error={errorOf('segment_id') ?? (single.isError ? 'That segment could not be found.' : undefined)}
                  />
                  {segment ? (
                    <>
                      {segment.description && (
                        <Text size="sm" c="dimmed">
                          {segment.description}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        Last counted {number(segment.last_count)} on {dateTime(segment.last_count_at)} ·{' '}
                        <Anchor component={Link} to={`/segments/${encodeURIComponent(segment.id)}`} size="xs">
                          Open the segment
                        </Anchor>
                      </Text>
                    </>
                  ) : (
                    allSegments.length === 0 && (
                      <Text size="sm" c="dimmed">
                        No saved segments yet:{' '}
                        <Anchor component={Link} to="/segments/new">
                          build one
                        </Anchor>{' '}
                        or use rules for this campaign.
                      </Text>
                    )
                  )}
                </Stack>
              )
            ) : catalogue.isLoading ? (
              <Loading label="Loading fields" />
            ) : catalogue.isError ? (
              <ErrorState error={catalogue.error} retry={() => void catalogue.refetch()} />
            ) : (
              <Stack gap="sm">
                <PlainLanguageBox onRules={setRules} />
                <RuleBuilder
                  fields={fields}
                  rules={rules}
                  onChange={(next) => {
                    setRules(next);
                    clear('rules');
                  }}
                  problemPaths={rulesProblems.map((p) => p.path)}
                />
                <RuleProblems problems={rulesProblems} />
                {checks.rules && (
                  <Text c="red" size="sm" role="alert">
                    {checks.rules}
                  </Text>
                )}
              </Stack>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <AudiencePanel
              title="Who gets it"
              sampleSize={5}
              data={preview.data}
              error={preview.error}
              pending={preview.pending}
              empty={audienceRules === null || preview.empty}
              retry={preview.refetch}
              unfinished={mode === 'rules' ? preview.unfinished.map((p) => describePath(rules, p, labelOf)) : []}
            />
          </Grid.Col>
        </Grid>
      </Section>

      <Section title="Message">
        <SegmentedControl
          aria-label="Channel"
          value={channel}
          onChange={(c) => setChannel(c as Channel)}
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
              channel={channel}
              message={message}
              onMessage={(m) => {
                setMessage(m);
                clear('message');
              }}
              subject={subject}
              onSubject={(s) => {
                setSubject(s);
                clear('subject');
              }}
              renderedLength={message ? body.text.length : null}
              messageError={errorOf('message')}
              subjectError={errorOf('subject')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <MessagePreview channel={channel} subject={renderedSubject} body={body} recipient={sample?.name ?? null} />
          </Grid.Col>
        </Grid>
        <Title order={3} size="h5" mt="xs">
          Let AI write it
        </Title>
        <Variants
          objective={objective}
          tone={tone}
          onTone={setTone}
          channel={channel}
          rules={audienceRules && countConditions(audienceRules) > 0 && unfinishedPaths(audienceRules).length === 0 ? audienceRules : null}
          onUse={(v) => {
            setMessage(v.message);
            clear('message');
            if (v.subject) {
              setSubject(v.subject);
              clear('subject');
            }
          }}
        />
      </Section>

      <Section title="When">
        <SendTime
          audience={sendTimeAudience}
          value={when}
          onChange={(w) => {
            setWhen(w);
            clear('send_at');
          }}
          error={errorOf('send_at')}
        />
      </Section>

      {generalError && <ErrorState error={generalError} />}
      {unplaced.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The campaign was refused">
          {unplaced.map((e, i) => (
            <Text size="sm" key={i}>
              {e.field ? `${e.field}: ` : ''}
              {e.reason}
            </Text>
          ))}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm" wrap="wrap">
        {anyProblem && (
          <Text size="sm" c="red" role="alert">
            Some fields need attention above.
          </Text>
        )}
        <Button size="md" leftSection={<IconRocket size={18} aria-hidden />} onClick={submit} loading={launch.isPending}>
          {when.mode === 'now' ? 'Launch campaign' : 'Schedule campaign'}
        </Button>
      </Group>
    </Stack>
  );
}
