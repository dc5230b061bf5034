// Passkeys: the list (name, created, last used), adding one with this device's authenticator, renaming and deleting.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import type { Passkey, PasskeyCeremony } from '../../api-types';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime } from '../../format';
import type { CreationOptionsJSON } from '../../webauthn';
import { createPasskey, inBrowser, passkeysSupported } from '../../webauthn';

function AddPasskey({ onAdded }: { onAdded(passkey: Passkey): void }): ReactElement {
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const ceremony = await request<PasskeyCeremony<CreationOptionsJSON>>('POST', '/api/v1/security/passkeys/registration-options', { password });
      setPassword('');
      const response = await inBrowser(() => createPasskey(ceremony.options));
      const added = await request<Passkey>('POST', '/api/v1/security/passkeys', { flowId: ceremony.flowId, name: name.trim() || 'Passkey', response });
      setName('');
      onAdded(added);
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="add-passkey-title">
      <h2 id="add-passkey-title">Add a passkey</h2>
      <p className="hint">Your device (fingerprint, face, PIN or security key) will ask you to confirm.</p>
      <TextField label="Passkey name" value={name} onChange={setName} autoComplete="off" maxLength={200} hint="For example, the device it lives on: “Laptop”, “Phone”." />
      <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        Add passkey
      </button>
    </form>
  );
}

function PasskeyRow({ passkey, onChanged }: { passkey: Passkey; onChanged(message: string): Promise<void> }): ReactElement {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(passkey.name);
  const [password, setPassword] = useState('');
  const action = useAction();

  function rename(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('PATCH', `/api/v1/security/passkeys/${passkey.id}`, { name: name.trim() });
      setMode('view');
      await onChanged(`The passkey is now called ${name.trim()}.`);
    });
  }
  function remove(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', `/api/v1/security/passkeys/${passkey.id}/delete`, { password });
      setPassword('');
      await onChanged(`The passkey ${passkey.name} was deleted.`);
    });
  }

  return (
    <tr>
      <td>{passkey.name}</td>
      <td>{formatTime(passkey.createdAt)}</td>
      <td>{passkey.lastUsedAt === null ? 'Never' : formatTime(passkey.lastUsedAt)}</td>
      <td>
        {mode === 'view' ? (
          <div className="actions">
            <button type="button" aria-label={`Rename ${passkey.name}`} onClick={() => setMode('rename')}>
              Rename
            </button>
            <button type="button" aria-label={`Delete ${passkey.name}`} onClick={() => setMode('delete')}>
              Delete
            </button>
          </div>
        ) : null}
        {mode === 'rename' ? (
          <form onSubmit={rename} aria-label={`Rename ${passkey.name}`}>
            <TextField label="New name" value={name} onChange={setName} autoComplete="off" required maxLength={200} autoFocus />
            <div className="actions">
              <button type="submit" disabled={action.busy}>
                Save
              </button>
              <button type="button" className="secondary" onClick={() => setMode('view')}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {mode === 'delete' ? (
          <form onSubmit={remove} aria-label={`Delete ${passkey.name}`}>
            <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} autoFocus />
            <div className="actions">
              <button type="submit" disabled={action.busy} className="danger">
                Delete passkey
              </button>
              <button type="button" className="secondary" onClick={() => setMode('view')}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

export function PasskeysPage(): ReactElement {
  const loaded = useLoad<{ passkeys: Passkey[] }>('/api/v1/security/passkeys');
  const [message, setMessage] = useState<string | undefined>(undefined);
  const passkeys = loaded.data?.passkeys;
  return (
    <SettingsLayout title="Passkeys">
      <p>
        A passkey signs you in with your device's fingerprint, face or PIN instead of your password, and can stand in for the code from your phone. It cannot be phished:
        it works only on this site.
      </p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <SuccessMessage>{message}</SuccessMessage>
      {passkeys ? (
        passkeys.length === 0 ? (
          <p>You have no passkeys yet.</p>
        ) : (
          <table>
            <caption>Your passkeys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {passkeys.map((passkey) => (
                <PasskeyRow
                  key={`${passkey.id}:${passkey.name}`}
                  passkey={passkey}
                  onChanged={async (text) => {
                    setMessage(text);
                    await loaded.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        )
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
      {passkeysSupported() ? (
        <AddPasskey
          onAdded={(passkey) => {
            setMessage(`The passkey ${passkey.name} was added.`);
            void loaded.reload();
          }}
        />
      ) : (
        <p className="message warning">This browser cannot add passkeys here: passkeys need a recent browser and the webmail's HTTPS address.</p>
      )}
    </SettingsLayout>
  );
}
