// A segment: name, description and rules, built with the rule builder or from a sentence, with the live
// audience beside them. /segments/new creates one; /segments/:id changes one.

import { Alert, Anchor, Badge, Breadcrumbs, Button, Grid, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconLock, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { RuleGroup, Schemas, Segment } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorState, Loading } from '../components/States';
import { AudiencePanel, isRulesError } from '../components/rules/AudiencePanel';
import { fieldLabeller, type CatalogueField } from '../components/rules/catalogue';
import { countConditions, emptyRules } from '../components/rules/convert';
import { describePath, reasonFor, ruleProblems, type RuleProblem } from '../components/rules/errors';
import { useAudiencePreview, useFieldCatalogue } from '../components/rules/hooks';
import { PlainLanguageBox } from '../components/rules/PlainLanguageBox';
import { RuleBuilder } from '../components/rules/RuleBuilder';
import { RuleProblems } from '../components/rules/RuleProblems';
import { dateTime, number } from '../lib/format';

export function SegmentEditor() {
  const { id } = useParams();
  const segment = useQuery({
    queryKey: ['segment', id],
    queryFn: () => api.get<Segment>(`/api/v1/segments/${encodeURIComponent(id ?? '')}`),
    enabled: !!id,
  });
  const catalogue = useFieldCatalogue();
  if ((id && segment.isLoading) || catalogue.isLoading) return <Loading label="Opening the segment" />;
  if (id && segment.isError) return <ErrorState error={segment.error} retry={() => void segment.refetch()} />;
  if (catalogue.isError) return <ErrorState error={catalogue.error} retry={() => void catalogue.refetch()} />;
  return <SegmentForm key={id ?? 'new'} segment={id ? (segment.data ?? null) : null} fields={catalogue.data?.fields ?? []} />;
}

function SegmentForm({ segment, fields }: { segment: Segment | null; fields: CatalogueField[] }) {
  const { can } = useSession();
  const writable = can('write');
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [rules, setRules] = useState<RuleGroup>(segment?.rules ?? emptyRules());
  const [nameError, setNameError] = useState<string | null>(null);
  const [rulesNote, setRulesNote] = useState<string | null>(null);
  const preview = useAudiencePreview(rules);
  const labelOf = useMemo(() => fieldLabeller(fields), [fields]);

  const save = useMutation({
    mutationFn: (body: Schemas['SegmentIn']) =>
      segment
        ? api.put<Segment>(`/api/v1/segments/${encodeURIComponent(segment.id)}`, body)
        : api.post<Segment>('/api/v1/segments', body),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['segments'] });
      client.setQueryData(['segment', saved.id], saved);
      notifications.show({ color: 'green', title: 'Segment saved', message: `${saved.name}: ${number(saved.last_count)} customers` });
      void navigate('/segments');
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setNameError(error.message);
      else setNameError(reasonFor(error, 'name') ?? null);
    },
  });

  const problems: RuleProblem[] = [
    ...(preview.rules && isRulesError(preview.error) ? ruleProblems(preview.error, preview.rules, labelOf) : []),
    ...(save.error ? ruleProblems(save.error, rules, labelOf) : []),
  ];
  // A duplicate or bad name shows on the name field and a rules problem beside the rules; anything else here.
  const placed =
    save.error instanceof ApiError &&
    (save.error.status === 409 ||
      !!reasonFor(save.error, 'name') ||
      !!reasonFor(save.error, 'description') ||
      isRulesError(save.error));
  const saveError = placed ? null : save.error;

  const submit = () => {
    const trimmed = name.trim();
    setRulesNote(null);
    if (!trimmed) {
      setNameError('Give the segment a name.');
      return;
    }
    if (countConditions(rules) === 0) {
      setRulesNote('Add at least one rule.');
      return;
    }
    save.mutate({ name: trimmed, description: description.trim() || null, rules });
  };

  const title = segment ? segment.name : 'New segment';
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/segments">
          Segments
        </Anchor>
        <Text>{segment ? 'Edit' : 'New'}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            {title}
          </Title>
          {segment && (
            <Text size="sm" c="dimmed">
              Created by {segment.created_by} · last counted {number(segment.last_count)} on {dateTime(segment.last_count_at)}
            </Text>
          )}
        </div>
        {segment && writable && (
          <Button
            component={Link}
            to={`/campaigns/new?segment=${encodeURIComponent(segment.id)}`}
            variant="light"
            leftSection={<IconSend size={16} aria-hidden />}
          >
            Use in a campaign
          </Button>
        )}
      </Group>
      {!writable && (
        <Alert color="gray" icon={<IconLock size={18} />} title="Read-only">
          Your role can look at segments but not change them.
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            <Paper withBorder p="sm">
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  required
                  maxLength={100}
                  value={name}
                  onChange={(e) => {
                    setName(e.currentTarget.value);
                    setNameError(null);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') submit();
                  }}
                  error={nameError}
                  disabled={!writable}
                />
                <Textarea
                  label="Description"
                  autosize
                  minRows={2}
                  maxLength={1000}
                  value={description}
                  onChange={(e) => setDescription(e.currentTarget.value)}
                  error={reasonFor(save.error, 'description')}
                  disabled={!writable}
                />
              </Stack>
            </Paper>
            {writable && <PlainLanguageBox onRules={setRules} />}
            <Paper withBorder p="sm">
              <Stack gap="sm">
                <Group justify="space-between" align="center">
                  <Title order={2} size="h4">
                    Rules
                  </Title>
                  {preview.data && (
                    <Badge variant="light" size="lg" hiddenFrom="lg" style={{ textTransform: 'none' }}>
                      {number(preview.data.count)} match
                    </Badge>
                  )}
                </Group>
                <RuleBuilder
                  fields={fields}
                  rules={rules}
                  onChange={(next) => {
                    setRules(next);
                    setRulesNote(null);
                  }}
                  disabled={!writable}
                  problemPaths={problems.map((p) => p.path)}
                />
                <RuleProblems problems={problems} />
                {rulesNote && (
                  <Text c="red" size="sm" role="alert">
                    {rulesNote}
                  </Text>
                )}
              </Stack>
            </Paper>
            {saveError && <ErrorState error={saveError} />}
            {writable && (
              <Group justify="flex-end">
                <Button component={Link} to="/segments" variant="default">
                  Cancel
                </Button>
                <Button onClick={submit} loading={save.isPending} leftSection={<IconDeviceFloppy size={16} aria-hidden />}>
                  {segment ? 'Save changes' : 'Save segment'}
                </Button>
              </Group>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <div style={{ position: 'sticky', top: 72 }}>
            <AudiencePanel
              data={preview.data}
              error={preview.error}
              pending={preview.pending}
              empty={preview.empty}
              retry={preview.refetch}
              unfinished={preview.unfinished.map((path) => describePath(rules, path, labelOf))}
            />
          </div>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
