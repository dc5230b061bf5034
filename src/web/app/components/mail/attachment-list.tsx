// A message's attachments in the reading pane: images preview in the page, PDF opens in a new tab (both served inline and sandboxed), everything else downloads.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { MailMessage } from '../../../contract/index.js';
import { useTranslation } from '../../i18n/index.js';
import { formatSize } from './mail-format.js';

/** The types the attachment route serves inline (the same list as the server's). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const PDF = 'application/pdf';

export function AttachmentList({ base, uid, attachments }: { base: string; uid: number; attachments: MailMessage['attachments'] }): ReactElement | null {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<number | undefined>(undefined);
  if (attachments.length === 0) return null;
  const shown = attachments.find((a) => a.index === preview);
  return (
    <section className="attachments" aria-label={t('mail.reader.attachments')}>
      <h3>{t('mail.reader.attachments')}</h3>
      <ul>
        {attachments.map((a) => {
          const url = `${base}/${uid}/attachments/${a.index}`;
          const type = a.contentType.toLowerCase();
          return (
            <li key={a.index}>
              <a href={url} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span className="size">{t('mail.reader.attachmentSize', { size: formatSize(a.size) })}</span>{' '}
              {IMAGE_TYPES.has(type) ? (
                <button type="button" className="link-button" aria-label={t('mail.reader.previewOf', { name: a.filename })} onClick={() => setPreview(a.index)}>
                  {t('mail.reader.preview')}
                </button>
              ) : null}
              {type === PDF ? (
                <a href={`${url}?inline=true`} target="_blank" rel="noopener noreferrer" aria-label={t('mail.reader.openPdfOf', { name: a.filename })}>
                  {t('mail.reader.openPdf')}
                </a>
              ) : null}
            </li>
          );
        })}
      </ul>
      {shown ? (
        <figure className="attachment-preview">
          <img src={`${base}/${uid}/attachments/${shown.index}?inline=true`} alt={shown.filename} />
          <figcaption>
            {shown.filename}{' '}
            <button type="button" className="link-button" onClick={() => setPreview(undefined)}>
              {t('mail.reader.closePreview')}
            </button>
          </figcaption>
        </figure>
      ) : null}
    </section>
  );
}
