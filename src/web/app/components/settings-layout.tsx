// Personal Settings: the Settings and Mailbox Security menus on the left, the chosen page on the right.
import type { ReactElement, ReactNode } from 'react';
import type { PageLink } from '../routes.js';
import { useTranslation } from '../i18n/index.js';
import { SECURITY_PAGES, SETTINGS_PAGES, pathOf } from '../routes.js';
import { useRoute } from '../router.js';
import { Link } from './link.js';

export interface SettingsLayoutProps {
  title: string;
  /** What the page is for, in a paragraph under its title. */
  intro?: ReactNode;
  children: ReactNode;
}

export function SettingsLayout({ title, intro, children }: SettingsLayoutProps): ReactElement {
  const path = pathOf(useRoute());
  const { t } = useTranslation();
  return (
    <div className="settings">
      <nav className="side-menu" aria-label={t('common.menu.personalSettings')}>
        <p className="menu-title">{t('common.menu.personalSettings')}</p>
        <MenuSection id="settings-menu" title={t('common.menu.settings')} pages={SETTINGS_PAGES} path={path} />
        <MenuSection id="mailbox-security-menu" title={t('common.menu.mailboxSecurity')} pages={SECURITY_PAGES} path={path} />
      </nav>
      <section className="settings-page" aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        {intro !== undefined ? <p>{intro}</p> : null}
        {children}
      </section>
    </div>
  );
}

function MenuSection({ id, title, pages, path }: { id: string; title: string; pages: ReadonlyArray<PageLink>; path: string }): ReactElement {
  const { t } = useTranslation();
  return (
    <>
      <p className="menu-section" id={id}>
        {title}
      </p>
      <ul aria-labelledby={id}>
        {pages.map((page) => (
          <li key={page.path}>
            <Link to={page.path} aria-current={path === page.path ? 'page' : undefined}>
              {t(`common.pages.${page.page}`)}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
