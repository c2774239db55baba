import {
  Alert,
  Button,
  Code,
  FileInput,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  downloadInventory,
  fetchImportProgress,
  uploadImport,
  type ImportAnswer,
} from '../../api/import-api.js';
import { PageTitle } from '../../components/PageTitle.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t } from '../../i18n/index.js';
import { ListTable } from '../../components/ListTable.js';

/**
 * Bulk import of users and cards from CSV or JSON (docs/import.md): dry run, line report, import (with the
 * upload's progress, then the server's), and inventory export.
 */
export default function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [answer, setAnswer] = useState<(ImportAnswer & { dryRun: boolean }) | null>(null);
  const upload = useMutation({
    mutationFn: async (dryRun: boolean) => {
      if (!file) throw new Error('no file');
      setAnswer(null);
      setProgress({ sent: 0, total: file.size });
      const result = await uploadImport(file, {
        dryRun,
        onProgress: (sent, total) => {
          setProgress({ sent, total });
        },
      });
      setAnswer({ ...result, dryRun });
    },
  });
  const exportInventory = useMutation({ mutationFn: downloadInventory });
  const sent = progress !== null && progress.sent >= progress.total;
  // Once the file is sent, the server works on it: ask how far it is, every second, until it answers.
  const server = useQuery({
    queryKey: ['import-progress'],
    queryFn: fetchImportProgress,
    enabled: upload.isPending && sent,
    refetchInterval: 1000,
    gcTime: 0,
  });
  const serverProgress = upload.isPending && sent ? server.data : null;
  const percent = serverProgress
    ? serverProgress.total > 0
      ? Math.round((serverProgress.done / serverProgress.total) * 100)
      : 100
    : progress && progress.total > 0
      ? Math.round((progress.sent / progress.total) * 100)
      : 0;
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  return (
    <Stack>
      <PageTitle title={t('import.title')} />
      <Text>{t('import.intro')}</Text>
      <Paper withBorder p="md">
        <Stack>
          <FileInput
            label={t('import.file')}
            description={t('import.fileHelp')}
            accept=".csv,.json,text/csv,application/json"
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              setAnswer(null);
              setProgress(null);
            }}
            clearable
            clearButtonProps={{ 'aria-label': t('import.clearFile') }}
          />
          <Group>
            <Button
              variant="light"
              disabled={!file}
              loading={upload.isPending && upload.variables}
              onClick={() => {
                upload.mutate(true);
              }}
            >
              {t('import.dryRun')}
            </Button>
            <Button
              disabled={!file || (answer?.dryRun === true && answer.kind === 'refused')}
              loading={upload.isPending && !upload.variables}
              onClick={() => {
                upload.mutate(false);
              }}
            >
              {t('import.import')}
            </Button>
          </Group>
          {progress && upload.isPending && (
            <Stack gap={4}>
              <Progress value={percent} aria-label={t('import.progressLabel')} />
              <Text size="sm" role="status">
                {!sent
                  ? t('import.sending', { sent: megabytes(progress.sent), total: megabytes(progress.total) })
                  : serverProgress
                    ? t(`import.phase.${serverProgress.phase}`, {
                        done: serverProgress.done.toLocaleString(),
                        total: serverProgress.total.toLocaleString(),
                        seconds: Math.round(serverProgress.elapsedSeconds),
                      })
                    : t('import.checking')}
              </Text>
            </Stack>
          )}
        </Stack>
      </Paper>
      <ErrorAlert error={upload.error} />
      {answer?.kind === 'done' && (
        <Alert color="green" title={answer.dryRun ? t('import.dryRunGood') : t('import.done')} role="status">
          {answer.dryRun
            ? t('import.wouldImport', {
                users: answer.result.wouldImport.users,
                cards: answer.result.wouldImport.cards,
              })
            : t('import.imported', {
                users: answer.result.imported.users,
                cards: answer.result.imported.cards,
              })}
          {answer.result.warnings.map((warning) => (
            <Text key={`${String(warning.line)}-${String(warning.item)}`} size="sm">
              {warning.item === undefined
                ? t('import.line', { line: warning.line })
                : t('import.itemAt', { item: warning.item, line: warning.line })}
              : {warning.message}
            </Text>
          ))}
        </Alert>
      )}
      {answer?.kind === 'refused' && (
        <Stack>
          <Alert color="red" title={t('import.refused')} role="alert">
            {answer.message}
          </Alert>
          <ListTable
            label={t('import.report')}
            striped
            columns={[t('import.colLine'), t('import.colColumn'), t('import.colProblem')]}
          >
            {answer.lines.slice(0, 1000).map((entry, index) => (
              <Table.Tr key={`${String(entry.line)}-${String(index)}`}>
                <Table.Td>
                  {entry.item === undefined
                    ? entry.line
                    : t('import.itemAt', { item: entry.item, line: entry.line })}
                </Table.Td>
                <Table.Td>{entry.column ? <Code>{entry.column}</Code> : ''}</Table.Td>
                <Table.Td>{entry.message}</Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
          {answer.lines.length > 1000 && (
            <Text size="sm">{t('import.more', { count: answer.lines.length - 1000 })}</Text>
          )}
        </Stack>
      )}
      <Paper withBorder p="md">
        <Stack align="flex-start">
          <Title order={2} size="h3">
            {t('import.exportTitle')}
          </Title>
          <Text>{t('import.exportHelp')}</Text>
          <Button
            variant="default"
            loading={exportInventory.isPending}
            onClick={() => {
              exportInventory.mutate();
            }}
          >
            {t('import.export')}
          </Button>
          <ErrorAlert error={exportInventory.error} />
        </Stack>
      </Paper>
    </Stack>
  );
}
