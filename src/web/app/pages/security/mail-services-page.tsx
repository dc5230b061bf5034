// Mail services: open or close SMTP, POP3 and IMAP4 for the account, so unused doors cannot be used to guess or steal the password.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { MailServices, Protocol } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ErrorMessage, SuccessMessage, useAction } from '../../components/form.js';
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
  const [done, setDone] = useState(false);
  const action = useAction();
  const { t } = useTranslation();

  useEffect(() => {
    if (loaded.data) setChoice(loaded.data);
  }, [loaded.data]);

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!choice) return;
    setDone(false);
    void action.run(async () => {
      setChoice(await call('PUT /api/v1/security/services', { body: choice }));
      setDone(true);
    });
  }

  return (
    <SettingsLayout title={t('common.pages.services')}>
      <p>{t('security.services.intro')}</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {choice ? (
        <form onSubmit={submit} aria-label={t('common.pages.services')}>
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
                    checked={choice[service.key] === open}
                    onChange={() => {
                      setDone(false);
                      setChoice({ ...choice, [service.key]: open });
                    }}
                  />
                  {open ? t('security.services.open') : t('security.services.closed')}
                </label>
              ))}
            </fieldset>
          ))}
          <ErrorMessage>{action.error}</ErrorMessage>
          <SuccessMessage>{done ? t('security.services.saved') : undefined}</SuccessMessage>
          <button type="submit" disabled={action.busy}>
            {t('security.services.ok')}
          </button>
        </form>
      ) : loaded.loading ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </SettingsLayout>
  );
}
