import { Loader, Stack, Table, Text, TextInput } from '@mantine/core';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { CardLink } from '../../components/RecordLink.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useUrlSearch } from '../../app/use-url-search.js';
import { t } from '../../i18n/index.js';
import { navigate } from '../../router/router.js';
import { ListTable } from '../../components/ListTable.js';

/** Card Search by serial (any case, or part of it). */
export function CardSearchPage() {
  const { q, debounced, results, items } = useUrlSearch('serial', 'cards', api.searchCards);
  return (
    <Stack>
      <PageTitle title={t('cardSearch.title')} />
      <TextInput
        label={t('cardSearch.label')}
        description={t('cardSearch.description')}
        value={q}
        onChange={(event) => {
          const value = event.currentTarget.value;
          navigate(value ? `/cards?serial=${encodeURIComponent(value)}` : '/cards', { replace: true });
        }}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        size="md"
        rightSection={results.isFetching ? <Loader size="xs" /> : null}
        classNames={{ input: 'mono' }}
      />
      <ErrorAlert error={results.error} />
      {results.data && debounced && items.length === 0 && (
        <Text role="status">{t('cardSearch.none', { q: debounced })}</Text>
      )}
      {items.length > 0 && (
        <ListTable
          label={t('cardSearch.results')}
          striped
          highlightOnHover
          columns={[t('col.serial'), t('col.user'), t('col.state'), t('col.type'), t('col.profile')]}
        >
          {items.map((card) => (
            <Table.Tr key={card.id}>
              <Table.Td>
                <CardLink card={card} fw={600} />
              </Table.Td>
              <Table.Td>
                {card.user.displayName} ({card.user.username})
              </Table.Td>
              <Table.Td>
                <StateBadge state={card.state} />
              </Table.Td>
              <Table.Td>{card.type}</Table.Td>
              <Table.Td>{card.profile.name}</Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
    </Stack>
  );
}
