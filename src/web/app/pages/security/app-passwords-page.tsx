// App passwords: generated secrets for mail clients, each limited to some of SMTP, IMAP4 and POP3, shown once and revocable.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import type { AppPassword, CreatedAppPassword, MailClient, Protocol } from '../../api-types';
import { ErrorMessage, TextField, useAction } from '../../components/form';
import { MailClients } from '../../components/mail-clients';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime, protocolLabel } from '../../format';

const PROTOCOLS: readonly Protocol[] = ['smtp', 'imap', 'pop3'];

function CreateAppPassword({ onCreated }: { onCreated(): Promise<void> }): ReactElement {
  const [name, setName] = useState('');
  const [protocols, setProtocols] = useState<Protocol[]>(['smtp', 'imap']);
  const [created, setCreated] = useState<CreatedAppPassword | undefined>(undefined);
  const [noProtocol, setNoProtocol] = useState(false);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setNoProtocol(protocols.length === 0);
    if (protocols.length === 0) return;
    void action.run(async () => {
      setCreated(await request<CreatedAppPassword>('POST', '/api/v1/security/app-passwords', { name: name.trim(), protocols }));
      setName('');
      await onCreated();
    });
  }

  function toggle(protocol: Protocol, on: boolean): void {
    setProtocols((before) => PROTOCOLS.filter((p) => (p === protocol ? on : before.includes(p))));
  }

  return (
    <form onSubmit={submit} aria-labelledby="create-app-password-title">
      <h2 id="create-app-password-title">Create an app password</h2>
      <TextField label="Name" value={name} onChange={setName} required maxLength={100} hint='Which client it is for, e.g. "Thunderbird on my laptop".' />
      <fieldset>
        <legend>Services it may use</legend>
        {PROTOCOLS.map((protocol) => (
          <label key={protocol} className="checkbox-label">
            <input type="checkbox" checked={protocols.includes(protocol)} onChange={(event) => toggle(protocol, event.target.checked)} />
            {protocolLabel(protocol)}
          </label>
        ))}
      </fieldset>
      <ErrorMessage>{noProtocol ? 'Choose at least one service.' : action.error}</ErrorMessage>
      {created ? (
        <div className="message success secret" role="status">
          <p>
            App password for {created.appPassword.name}: <code>{created.secret}</code>
          </p>
          <p>Enter it in the mail client instead of your password. It is shown only now.</p>
        </div>
      ) : null}
      <button type="submit" disabled={action.busy}>
        Create
      </button>
    </form>
  );
}

function AppPasswordRow({ appPassword, onRevoked }: { appPassword: AppPassword; onRevoked(): Promise<void> }): ReactElement {
  const action = useAction();
  return (
    <tr>
      <td>{appPassword.name}</td>
      <td>{appPassword.protocols.map(protocolLabel).join(', ')}</td>
      <td>{formatTime(appPassword.createdAt)}</td>
      <td>{appPassword.lastUsedAt === null ? 'Never' : `${formatTime(appPassword.lastUsedAt)}${appPassword.lastUsedIp ? ` from ${appPassword.lastUsedIp}` : ''}`}</td>
      <td>
        <button
          type="button"
          disabled={action.busy}
          aria-label={`Revoke ${appPassword.name}`}
          onClick={() =>
            void action.run(async () => {
              await request('DELETE', `/api/v1/security/app-passwords/${appPassword.id}`);
              await onRevoked();
            })
          }
        >
          Revoke
        </button>
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

export function AppPasswordsPage(): ReactElement {
  const list = useLoad<{ appPasswords: AppPassword[] }>('/api/v1/security/app-passwords');
  const clients = useLoad<{ clients: MailClient[] }>('/api/v1/security/mail-clients');
  return (
    <SettingsLayout title="App passwords">
      <p>
        Mail clients (SMTP, IMAP4, POP3) cannot ask for a two-factor code. Give each its own app password instead of your password: it works only for
        the services you choose, and revoking it signs that client out without changing your password.
      </p>
      <ErrorMessage>{list.error}</ErrorMessage>
      <table>
        <caption>Your app passwords</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Services</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {list.data && list.data.appPasswords.length === 0 ? (
            <tr>
              <td colSpan={5}>No app passwords yet.</td>
            </tr>
          ) : (
            list.data?.appPasswords.map((p) => <AppPasswordRow key={p.id} appPassword={p} onRevoked={list.reload} />)
          )}
        </tbody>
      </table>
      <CreateAppPassword onCreated={list.reload} />
      <section aria-labelledby="seen-clients-title">
        <h2 id="seen-clients-title">Mail clients that use your password</h2>
        <ErrorMessage>{clients.error}</ErrorMessage>
        {clients.data ? <MailClients clients={clients.data.clients} onCreated={() => void list.reload()} /> : null}
      </section>
    </SettingsLayout>
  );
}
