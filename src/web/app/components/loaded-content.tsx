// What a page shows of data it reads: the error line, then the data once it is there, or a loading line while it comes.
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { ErrorMessage, SuccessMessage } from './form.js';

export interface LoadedContentProps<T> {
  /** The read as useAPI gives it: its error, and whether it is still loading. */
  state: { error: string | undefined; loading: boolean };
  /** What to show: the data read, or the copy of it that the page edits. */
  value: T | undefined;
  /** A success line under the error line: what the last change did. */
  notice?: ReactNode;
  children(value: T): ReactNode;
}

export function LoadedContent<T>({ state, value, notice, children }: LoadedContentProps<T>): ReactElement {
  const { t } = useTranslation();
  return (
    <>
      <ErrorMessage>{state.error}</ErrorMessage>
      <SuccessMessage>{notice}</SuccessMessage>
      {value !== undefined ? children(value) : state.loading ? <p role="status">{t('common.loading')}</p> : null}
    </>
  );
}
