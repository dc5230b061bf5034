// A route the webmail does not have.
import type { ReactElement } from 'react';
import { Link } from '../components/link.js';
import { useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';

export function NotFoundPage(): ReactElement {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t('common.notFound.title')}</h1>
      <p>
        <Link to={ROUTES.mail}>{t('common.notFound.toInbox')}</Link>
      </p>
    </section>
  );
}
