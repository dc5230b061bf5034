// Alternate email: the verified address and one being verified, adding or changing it (password, then the mailed code), and removing it.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import type { AlternateEmailStatus } from '../../api-types';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime } from '../../format';

function AddAddress({ changing, onSent }: { changing: boolean; onSent(address: string): void }): ReactElement {
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const sent = await request<{ address: string; expiresAt: number }>('PUT', '/api/v1/security/alternate-email', { address: address.trim(), password });
      setPassword('');
      setAddress('');
      onSent(sent.address);
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="add-alternate-title">
      <h2 id="add-alternate-title">{changing ? 'Change the alternate email' : 'Add an alternate email'}</h2>
      <p className="hint">An address outside this account. It counts only once you prove it with the code or the link mailed to it.</p>
      <TextField label="Alternate email address" type="email" value={address} onChange={setAddress} autoComplete="email" required maxLength={320} />
      <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        Send code
      </button>
    </form>
  );
}

function VerifyCode({ address, expiresAt, onVerified }: { address: string; expiresAt: number | null; onVerified(status: AlternateEmailStatus): void }): ReactElement {
  const [code, setCode] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      onVerified(await request<AlternateEmailStatus>('POST', '/api/v1/security/alternate-email/verify', { code: code.replace(/\s+/g, '') }));
      setCode('');
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="verify-alternate-title">
      <h2 id="verify-alternate-title">Enter the code</h2>
      <p role="status" className="message notice">
        We sent a code to {address}. Enter it here, or open the link in that mail{expiresAt !== null ? ` (both work until ${formatTime(expiresAt)})` : ''}.
      </p>
      <TextField label="Code from the mail" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" required maxLength={32} autoFocus />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        Verify
      </button>
    </form>
  );
}

function Remove({ onRemoved }: { onRemoved(): Promise<void> }): ReactElement {
  const [password, setPassword] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', '/api/v1/security/alternate-email/remove', { password });
      setPassword('');
      await onRemoved();
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="remove-alternate-title">
      <h2 id="remove-alternate-title">Remove the alternate email</h2>
      <p className="hint">Without it, only your administrator can help when you forget your password.</p>
      <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy} className="danger">
        Remove
      </button>
    </form>
  );
}

export function AlternateEmailPage(): ReactElement {
  const loaded = useLoad<AlternateEmailStatus>('/api/v1/security/alternate-email');
  /** An address just sent a code (the status is read again too, for its expiry). */
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const status = loaded.data;
  const pending = status?.pending ?? (sentTo !== undefined ? { address: sentTo, expiresAt: null } : null);

  return (
    <SettingsLayout title="Alternate email">
      <p>A second address, outside this account, where a "Forgot password" link and security notices are sent.</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <SuccessMessage>{message}</SuccessMessage>
      {status ? (
        <>
          <p className="status-line">
            {status.address !== null ? (
              <>
                Verified alternate email: <strong>{status.address}</strong>
                {status.verifiedAt !== null ? ` (since ${formatTime(status.verifiedAt)})` : ''}
              </>
            ) : (
              <>No verified alternate email: if you forget your password, only your administrator can help.</>
            )}
          </p>
          {pending ? (
            <VerifyCode
              key={pending.address}
              address={pending.address}
              expiresAt={pending.expiresAt}
              onVerified={(next) => {
                setSentTo(undefined);
                setMessage(`${next.address ?? pending.address} is verified: it is now your alternate email.`);
                void loaded.reload();
              }}
            />
          ) : null}
          <AddAddress
            changing={status.address !== null}
            onSent={(address) => {
              setMessage(undefined);
              setSentTo(address);
              void loaded.reload();
            }}
          />
          {status.address !== null ? (
            <Remove
              onRemoved={async () => {
                setMessage('The alternate email was removed.');
                await loaded.reload();
              }}
            />
          ) : null}
        </>
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </SettingsLayout>
  );
}
