// Two-factor authentication: turn it on (password → QR code and key → code → backup codes and app passwords for mail clients), turn it off, make new backup codes.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api';
import type { BackupCodeSet, EnabledTwoFactor, Enrolment, TwoFactorStatus } from '../../api-types';
import { BackupCodes } from '../../components/backup-codes';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form';
import { MailClients } from '../../components/mail-clients';
import { useSession } from '../../components/session-context';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime } from '../../format';

/**
 * The QR code comes as SVG text; as a data: image it cannot run script and the page's CSP
 * (img-src 'self' data:) allows it, where inline SVG markup would need the HTML trusted.
 */
function svgDataURL(svg: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function Requirement({ status }: { status: TwoFactorStatus }): ReactElement | null {
  const { required, graceEndsAt, graceLoginsLeft, mustEnroll } = status.requirement;
  if (!required || status.enabled) return null;
  return (
    <div className={`message ${mustEnroll ? 'error' : 'warning'}`} role={mustEnroll ? 'alert' : 'note'}>
      <p>Your administrator requires two-factor authentication. {mustEnroll ? 'Turn it on to go on using your mailbox.' : 'Please turn it on soon.'}</p>
      {!mustEnroll && graceEndsAt !== null ? <p>It will be required from {formatTime(graceEndsAt)}.</p> : null}
      {!mustEnroll && graceLoginsLeft !== null ? <p>Sign-ins left before it is required: {graceLoginsLeft}.</p> : null}
    </div>
  );
}

function TurnOn({ onEnabled }: { onEnabled(result: EnabledTwoFactor): void }): ReactElement {
  const [password, setPassword] = useState('');
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const [code, setCode] = useState('');
  const action = useAction();

  function begin(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      setEnrolment(await request<Enrolment>('POST', '/api/v1/security/two-factor/totp', { password }));
      setPassword('');
      setCode('');
    });
  }

  function confirm(event: FormEvent): void {
    event.preventDefault();
    // The answer carries the CSRF token of the renewed session; request() keeps it.
    void action.run(async () => onEnabled(await request<EnabledTwoFactor>('POST', '/api/v1/security/two-factor/totp/confirm', { code: code.trim() })));
  }

  if (!enrolment) {
    return (
      <form onSubmit={begin} aria-labelledby="turn-on-title">
        <h2 id="turn-on-title">Turn on two-factor authentication</h2>
        <p>You will need an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).</p>
        <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
        <ErrorMessage>{action.error}</ErrorMessage>
        <button type="submit" disabled={action.busy}>
          Continue
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={confirm} aria-labelledby="scan-title">
      <h2 id="scan-title">Scan the QR code</h2>
      <p>Scan this code with your authenticator app, or type the key into it by hand. Then enter the 6-digit code the app shows.</p>
      <img className="qr" src={svgDataURL(enrolment.qrSVG)} alt={`QR code for ${enrolment.label}`} width={200} height={200} />
      <div className="field">
        <label htmlFor="totp-key">Key for manual entry</label>
        <input id="totp-key" type="text" readOnly value={enrolment.secret} spellCheck={false} onFocus={(event) => event.target.select()} />
        <p className="hint">
          Account {enrolment.label}, issuer {enrolment.issuer}; time-based, 6 digits, every 30 seconds. Confirm before {formatTime(enrolment.expiresAt)}.
        </p>
      </div>
      <TextField label="Code from the app" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" required maxLength={64} autoFocus />
      <ErrorMessage>{action.error}</ErrorMessage>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          Turn on
        </button>
        <button type="button" className="secondary" onClick={() => setEnrolment(undefined)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function NewBackupCodes({ onCreated }: { onCreated(set: BackupCodeSet): void }): ReactElement {
  const [password, setPassword] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      onCreated(await request<BackupCodeSet>('POST', '/api/v1/security/backup-codes', { password }));
      setPassword('');
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="new-codes-title">
      <h2 id="new-codes-title">New backup codes</h2>
      <p>Makes a new set of 10 codes; the old ones stop working.</p>
      <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        Make new backup codes
      </button>
    </form>
  );
}

function TurnOff({ onDisabled }: { onDisabled(): Promise<void> }): ReactElement {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', '/api/v1/security/two-factor/disable', { password, code: code.trim() });
      setPassword('');
      setCode('');
      await onDisabled();
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="turn-off-title">
      <h2 id="turn-off-title">Turn off two-factor authentication</h2>
      <p>Without it, your password alone opens your mailbox. Every trusted device is forgotten.</p>
      <TextField label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <TextField
        label="Verification code"
        value={code}
        onChange={setCode}
        autoComplete="one-time-code"
        required
        maxLength={64}
        hint="A code from your authenticator app, or a backup code."
      />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy} className="danger">
        Turn off
      </button>
    </form>
  );
}

export function TwoFactorPage(): ReactElement {
  const loaded = useLoad<TwoFactorStatus>('/api/v1/security/two-factor');
  const { refresh } = useSession();
  /** What turning on or a new set handed out: shown once, until the user leaves it. */
  const [enabled, setEnabled] = useState<EnabledTwoFactor | undefined>(undefined);
  const [newSet, setNewSet] = useState<BackupCodeSet | undefined>(undefined);
  const [turnedOff, setTurnedOff] = useState(false);
  const status = loaded.data;

  let body: ReactElement | null = null;
  if (enabled) {
    body = (
      <>
        <SuccessMessage>Two-factor authentication is on. Signing in from a new browser now needs a code from your app.</SuccessMessage>
        <BackupCodes set={enabled.backupCodes} />
        <section aria-labelledby="clients-title">
          <h2 id="clients-title">Mail clients</h2>
          <p>Mail clients cannot ask for a code: each needs an app password instead of your password from now on.</p>
          <MailClients clients={enabled.mailClients} />
        </section>
        <button type="button" onClick={() => setEnabled(undefined)}>
          Done
        </button>
      </>
    );
  } else if (status?.enabled) {
    body = (
      <>
        <p className="status-line">
          Status: <strong>On</strong>
          {status.enabledAt !== null ? ` since ${formatTime(status.enabledAt)}` : ''}.
        </p>
        <p>
          Backup codes left: {status.backupCodes.remaining} of {status.backupCodes.total}
          {status.backupCodes.createdAt !== null ? ` (made ${formatTime(status.backupCodes.createdAt)})` : ''}.
        </p>
        {status.backupCodes.remind ? (
          <div className="message warning" role="note">
            Few backup codes are left, or they are old: make a new set.
          </div>
        ) : null}
        {newSet ? (
          <>
            <BackupCodes set={newSet} />
            <button type="button" onClick={() => setNewSet(undefined)}>
              Done
            </button>
          </>
        ) : (
          <NewBackupCodes
            onCreated={(set) => {
              setNewSet(set);
              void loaded.reload();
            }}
          />
        )}
        <TurnOff
          onDisabled={async () => {
            setTurnedOff(true);
            await loaded.reload();
          }}
        />
      </>
    );
  } else if (status) {
    body = (
      <>
        <p className="status-line">
          Status: <strong>Off</strong>
        </p>
        <SuccessMessage>{turnedOff ? 'Two-factor authentication is off.' : undefined}</SuccessMessage>
        <Requirement status={status} />
        <TurnOn
          onEnabled={(result) => {
            setTurnedOff(false);
            setEnabled(result);
            void loaded.reload();
            // The session may have been waiting for this enrolment (auth.require_2fa).
            void refresh();
          }}
        />
      </>
    );
  }

  return (
    <SettingsLayout title="Two-factor authentication">
      <p>Even with a stolen password, nobody can sign in without the code from your phone or one of your backup codes.</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {body ?? (loaded.loading ? <p role="status">Loading…</p> : null)}
    </SettingsLayout>
  );
}
