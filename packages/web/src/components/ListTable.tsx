import { Table, type TableProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A page's table of records: named for screen readers (and the tests, which find tables by name), a header
 * row of column titles, then the rows the page renders. Every list of the portals is one, so they all read
 * the same way and a page only says what differs: its columns and its rows.
 */
export function ListTable({
  label,
  columns,
  children,
  ...props
}: Omit<TableProps, 'children'> & { label: string; columns: readonly string[]; children: ReactNode }) {
  return (
    <Table aria-label={label} {...props}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column, index) => (
            <Table.Th key={index}>{column}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  );
}
