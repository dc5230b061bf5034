// Mail services: open or close SMTP, POP3 and IMAP4 for the account, so unused doors cannot be used to guess or steal the password.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import type { MailServices, Protocol } from '../../api-types';
import { ErrorMessage, SuccessMessage, useAction } from '../../components/form';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';

const SERVICES: ReadonlyArray<{ key: Protocol; label: string; use: string }> = [
  { key: 'smtp', label: 'SMTP', use: 'sending mail from a mail client' },
  { key: 'pop3', label: 'POP3', use: 'downloading mail to a mail client' },
  { key: 'imap', label: 'IMAP4', use: 'reading mail in a mail client, kept on the server' },
];

export function MailServicesPage(): ReactElement {
  const loaded = useLoad<MailServices>('/api/v1/security/services');
  const [choice, setChoice] = useState<MailServices | undefined>(undefined);
  const [done, setDone] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (loaded.data) setChoice(loaded.data);
  }, [loaded.data]);

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!choice) return;
    setDone(false);
    void action.run(async () => {
      setChoice(await request<MailServices>('PUT', '/api/v1/security/services', choice));
      setDone(true);
    });
  }

  return (
    <SettingsLayout title="Mail services">
      <p>
        Close the services you do not use. A closed service refuses every sign-in, even with the right password, and its open connections end at once.
        The webmail is not affected.
      </p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {choice ? (
        <form onSubmit={submit} aria-label="Mail services">
          {SERVICES.map((service) => (
            <fieldset key={service.key} className="service">
              <legend>
                {service.label} <span className="hint">({service.use})</span>
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
                  {open ? 'Open' : 'Closed'}
                </label>
              ))}
            </fieldset>
          ))}
          <ErrorMessage>{action.error}</ErrorMessage>
          <SuccessMessage>{done ? 'Your mail services have been saved.' : undefined}</SuccessMessage>
          <button type="submit" disabled={action.busy}>
            OK
          </button>
        </form>
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </SettingsLayout>
  );
}
