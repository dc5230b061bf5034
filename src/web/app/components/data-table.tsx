// The tables of the security pages: a caption, a header row of column names, the rows, and a line for an empty list.
import type { ReactElement, ReactNode } from 'react';

export interface DataTableProps {
  caption?: string;
  columns: readonly string[];
  /** Said in a row of its own when there are no rows; nothing when absent (the list is still loading). */
  empty?: string;
  rows: readonly ReactNode[];
}

export function DataTable({ caption, columns, empty, rows }: DataTableProps): ReactElement {
  return (
    <table>
      {caption !== undefined ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : (
          rows
        )}
      </tbody>
    </table>
  );
}
