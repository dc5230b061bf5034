// "Move to" with a list of the other folders, for the reading pane and the bulk actions alike.
import type { ReactElement } from 'react';
import type { MailFolder } from '../../../contract/index.js';
import { folderLabel } from './mail-format.js';

export interface FolderSelectProps {
  label: string;
  /** Every folder; the one the messages are in is left out. */
  folders: MailFolder[];
  current: string;
  value: string;
  onChange(value: string): void;
}

export function FolderSelect({ label, folders, current, value, onChange }: FolderSelectProps): ReactElement {
  return (
    <label className="inline-field">
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="" />
        {folders
          .filter((f) => f.name !== current)
          .map((f) => (
            <option key={f.name} value={f.name}>
              {folderLabel(f.name)}
            </option>
          ))}
      </select>
    </label>
  );
}
