// Mail clients that signed in with the account password: with two-factor sign-in on, each needs an app password, created here with one click.
import { useState } from 'react';
import type { ReactElement } from 'react';
import { request } from '../api';
import type { CreatedAppPassword, MailClient } from '../api-types';
import { formatTime, protocolLabel } from '../format';
import { ErrorMessage, useAction } from './form';

function MailClientRow({ client, onCreated }: { client: MailClient; onCreated?: () => void }): ReactElement {
  const action = useAction();
  const [created, setCreated] = useState<CreatedAppPassword | undefined>(undefined);
  const name = client.client === '' ? 'Unnamed mail client' : client.client;
  return (
    <tr>
      <td>{name}</td>
      <td>{protocolLabel(client.protocol)}</td>
      <td>{formatTime(client.lastSeenAt)}</td>
      <td>
        {client.lastIp}
        {client.lastLocation ? ` (${client.lastLocation})` : ''}
      </td>
      <td>
        {created ? (
          <p className="secret">
            App password for {created.appPassword.name}: <code>{created.secret}</code>
            <br />
            Enter it in the mail client instead of your password. It is shown only once.
          </p>
        ) : (
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Create app password for ${client.suggestedName}`}
            onClick={() =>
              void action.run(async () => {
                setCreated(await request<CreatedAppPassword>('POST', '/api/v1/security/mail-clients/app-passwords', { protocol: client.protocol, client: client.client }));
                onCreated?.();
              })
            }
          >
            Create app password
          </button>
        )}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

export function MailClients({ clients, onCreated }: { clients: MailClient[]; onCreated?: () => void }): ReactElement {
  if (clients.length === 0) {
    return <p>No mail client signed in with your password in the last 30 days.</p>;
  }
  return (
    <table>
      <caption>Mail clients that need an app password</caption>
      <thead>
        <tr>
          <th scope="col">Mail client</th>
          <th scope="col">Service</th>
          <th scope="col">Last seen</th>
          <th scope="col">Last IP address</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {clients.map((client) => (
          <MailClientRow key={`${client.protocol}:${client.client}`} client={client} {...(onCreated ? { onCreated } : {})} />
        ))}
      </tbody>
    </table>
  );
}
