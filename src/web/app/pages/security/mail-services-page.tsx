// Mail services: open or close SMTP, POP3 and IMAP4 for the account, so unused doors cannot be used to guess or steal the password.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import type { MailServices, Protocol } from '../../../contract/index.js';
import { call } from '../../api.js';
import { FormEnd, useSaveForm } from '../../components/form.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { protocolLabel } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';

/** The services in the order users know them, each with what it is for. */
const SERVICES: ReadonlyArray<{ key: Protocol; use: `security.services.uses.${Protocol}` }> = [
  { key: 'smtp', use: 'security.services.uses.smtp' },
  { key: 'pop3', use: 'security.services.uses.pop3' },
  { key: 'imap', use: 'security.services.uses.imap' },
];

export function MailServicesPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/services');
  const [choice, setChoice] = useState<MailServices | undefined>(undefined);
  const { t } = useTranslation();
  const form = useSaveForm(async () => {
    if (choice) setChoice(await call('PUT /api/v1/security/services', { body: choice }));
  });

  useEffect(() => {
    if (loaded.data) setChoice(loaded.data);
  }, [loaded.data]);

  return (
    <SettingsLayout title={t('common.pages.services')} intro={t('security.services.intro')}>
      <LoadedContent state={loaded} value={choice}>
        {(services) => (
          <form onSubmit={form.submit} aria-label={t('common.pages.services')}>
            {SERVICES.map((service) => (
              <fieldset key={service.key} className="service">
                <legend>
                  {protocolLabel(service.key)} <span className="hint">{t('security.common.inParens', { text: t(service.use) })}</span>
                </legend>
                {([true, false] as const).map((open) => (
                  <label key={String(open)} className="radio">
                    <input
                      type="radio"
                      name={service.key}
                      checked={services[service.key] === open}
                      onChange={() => {
                        form.edited();
                        setChoice({ ...services, [service.key]: open });
                      }}
                    />
                    {open ? t('security.services.open') : t('security.services.closed')}
                  </label>
                ))}
              </fieldset>
            ))}
            <FormEnd action={form.action} success={form.saved ? t('security.services.saved') : undefined} submit={t('security.services.ok')} />
          </form>
        )}
      </LoadedContent>
    </SettingsLayout>
  );
}
