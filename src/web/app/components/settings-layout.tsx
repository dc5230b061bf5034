// Personal Settings: the Mailbox Security menu on the left, the chosen page on the right.
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { SECURITY_PAGES, SETTINGS_PAGES, pathOf } from '../routes';
import { useRoute } from '../router';
import { Link } from './link';

export function SettingsLayout({ title, children }: { title: string; children: ReactNode }): ReactElement {
  const path = pathOf(useRoute());
  const { t } = useTranslation();
  return (
    <div className="settings">
      <nav className="side-menu" aria-label={t('common.menu.personalSettings')}>
        <p className="menu-title">{t('common.menu.personalSettings')}</p>
        <p className="menu-section" id="settings-menu">
          {t('common.menu.settings')}
        </p>
        <ul aria-labelledby="settings-menu">
          {SETTINGS_PAGES.map((page) => (
            <li key={page.path}>
              <Link to={page.path} aria-current={path === page.path ? 'page' : undefined}>
                {t(`common.pages.${page.page}`)}
              </Link>
            </li>
          ))}
        </ul>
        <p className="menu-section" id="mailbox-security-menu">
          {t('common.menu.mailboxSecurity')}
        </p>
        <ul aria-labelledby="mailbox-security-menu">
          {SECURITY_PAGES.map((page) => (
            <li key={page.path}>
              <Link to={page.path} aria-current={path === page.path ? 'page' : undefined}>
                {t(`common.pages.${page.page}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="settings-page" aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        {children}
      </section>
    </div>
  );
}
