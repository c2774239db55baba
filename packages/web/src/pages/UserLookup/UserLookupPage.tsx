import { Stack, Table, Text, TextInput, Loader } from '@mantine/core';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { UserLink } from '../../components/RecordLink.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useUrlSearch } from '../../app/use-url-search.js';
import { t } from '../../i18n/index.js';
import { navigate } from '../../router/router.js';
import { ListTable } from '../../components/ListTable.js';

/** User Lookup: search as you type by username, name, email or card serial. */
export function UserLookupPage() {
  const { q, debounced, results, items } = useUrlSearch('q', 'users', api.searchUsers);

  return (
    <Stack>
      <PageTitle title={t('lookup.title')} />
      <TextInput
        label={t('lookup.label')}
        description={t('lookup.description')}
        placeholder={t('lookup.placeholder')}
        value={q}
        onChange={(event) => {
          const value = event.currentTarget.value;
          // The query lives in the URL, so Back from User Information returns to these results.
          navigate(value ? `/?q=${encodeURIComponent(value)}` : '/', { replace: true });
        }}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        size="md"
        rightSection={results.isFetching ? <Loader size="xs" /> : null}
      />
      <ErrorAlert error={results.error} />
      {debounced.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('lookup.prompt')}
        </Text>
      ) : results.data && items.length === 0 ? (
        <Text role="status">{t('lookup.none', { q: debounced })}</Text>
      ) : (
        items.length > 0 && (
          <>
            <Text size="sm" c="dimmed" role="status">
              {results.data?.totalCapped
                ? t('lookup.totalCapped', { count: results.data.total.toLocaleString('en') })
                : t('lookup.total', { count: results.data?.total ?? items.length })}
            </Text>
            <ListTable
              label={t('lookup.results')}
              striped
              highlightOnHover
              columns={[t('col.username'), t('col.name'), t('col.email'), t('col.state'), t('col.cards')]}
            >
              {items.map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    <UserLink id={user.id} fw={600}>
                      {user.username}
                    </UserLink>
                  </Table.Td>
                  <Table.Td>{user.displayName}</Table.Td>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td>
                    <StateBadge state={user.state} />
                  </Table.Td>
                  <Table.Td>{user.cardCount}</Table.Td>
                </Table.Tr>
              ))}
            </ListTable>
            {results.data && results.data.total > items.length && (
              <Text size="sm" c="dimmed">
                {t(results.data.totalCapped ? 'lookup.moreCapped' : 'lookup.more', {
                  shown: items.length,
                  total: results.data.total.toLocaleString('en'),
                })}
              </Text>
            )}
          </>
        )
      )}
    </Stack>
  );
}
