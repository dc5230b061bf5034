// Personal Settings: the Mailbox Security menu on the left, the chosen page on the right.
import type { ReactElement, ReactNode } from 'react';
import { SECURITY_PAGES, pathOf } from '../routes';
import { useRoute } from '../router';
import { Link } from './link';

export function SettingsLayout({ title, children }: { title: string; children: ReactNode }): ReactElement {
  const path = pathOf(useRoute());
  return (
    <div className="settings">
      <nav className="side-menu" aria-label="Personal Settings">
        <p className="menu-title">Personal Settings</p>
        <p className="menu-section" id="mailbox-security-menu">
          Mailbox Security
        </p>
        <ul aria-labelledby="mailbox-security-menu">
          {SECURITY_PAGES.map((page) => (
            <li key={page.path}>
              <Link to={page.path} aria-current={path === page.path ? 'page' : undefined}>
                {page.title}
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
