// A new set of backup codes, shown once, with a download as a text file.
import { useEffect, useRef } from 'react';
import type { ReactElement } from 'react';
import type { BackupCodeSet } from '../../contract/index.js';
import { useTranslation } from '../i18n/index.js';

/**
 * The file is made in the browser from the answer (a Blob URL): the codes are not stored in a form
 * the server could hand out again, so there is no download URL to fetch them from.
 */
function download(set: BackupCodeSet): void {
  const url = URL.createObjectURL(new Blob([set.text], { type: 'text/plain;charset=utf-8' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = 'mailward-backup-codes.txt';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The click has started the download; the URL need not outlive it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BackupCodes({ set }: { set: BackupCodeSet }): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  const { t } = useTranslation();
  // Screen readers and keyboards land on the codes, which will not be shown again.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="backup-codes" aria-labelledby="backup-codes-title">
      <h2 id="backup-codes-title" tabIndex={-1} ref={heading}>
        {t('security.backupCodes.title')}
      </h2>
      <p>{t('security.backupCodes.intro')}</p>
      <ol className="codes" aria-label={t('security.backupCodes.list')}>
        {set.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => download(set)}>
        {t('security.backupCodes.download')}
      </button>
    </section>
  );
}
