// Personal security code: set or change it with the account password; where the administrator turns the mechanism on, it guards password changes and forwarding.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form';
import { SettingsLayout } from '../../components/settings-layout';

export function SecurityCodePage(): ReactElement {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setDone(false);
    // Checked here too, so a typo is caught before the password is spent on the throttle.
    setMismatch(code !== confirm);
    if (code !== confirm) return;
    void action.run(async () => {
      await request('PUT', '/api/v1/security/security-code', { password, code });
      setPassword('');
      setCode('');
      setConfirm('');
      setDone(true);
    });
  }

  return (
    <SettingsLayout title="Personal security code">
      <p>
        A second secret, apart from your password. Where your administrator turns the mechanism on, it is asked before your password can be changed or
        your mail forwarded, so a stolen password alone cannot take your account.
      </p>
      <form onSubmit={submit} aria-label="Set personal security code">
        <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
        <TextField
          label="New security code"
          type="password"
          value={code}
          onChange={setCode}
          autoComplete="off"
          required
          maxLength={64}
          hint="6 to 64 characters, different from your password."
        />
        <TextField label="Confirm security code" type="password" value={confirm} onChange={setConfirm} autoComplete="off" required maxLength={64} />
        <ErrorMessage>{mismatch ? 'The security codes do not match.' : action.error}</ErrorMessage>
        <SuccessMessage>{done ? 'Your personal security code has been saved.' : undefined}</SuccessMessage>
        <button type="submit" disabled={action.busy}>
          Save security code
        </button>
      </form>
    </SettingsLayout>
  );
}
