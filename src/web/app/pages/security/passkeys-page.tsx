// Passkeys: the list (name, created, last used), adding one with this device's authenticator, renaming and deleting.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api.js';
import type { Passkey, PasskeyCeremony } from '../../api-types.js';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useLoad } from '../../components/use-load.js';
import { formatTime } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';
import type { CreationOptionsJSON } from '../../webauthn.js';
import { createPasskey, inBrowser, passkeysSupported } from '../../webauthn.js';

function AddPasskey({ onAdded }: { onAdded(passkey: Passkey): void }): ReactElement {
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const ceremony = await request<PasskeyCeremony<CreationOptionsJSON>>('POST', '/api/v1/security/passkeys/registration-options', { password });
      setPassword('');
      const response = await inBrowser(() => createPasskey(ceremony.options));
      const added = await request<Passkey>('POST', '/api/v1/security/passkeys', { flowId: ceremony.flowId, name: name.trim() || t('security.passkeys.defaultName'), response });
      setName('');
      onAdded(added);
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="add-passkey-title">
      <h2 id="add-passkey-title">{t('security.passkeys.addTitle')}</h2>
      <p className="hint">{t('security.passkeys.addHint')}</p>
      <TextField
        label={t('security.passkeys.nameLabel')}
        value={name}
        onChange={setName}
        autoComplete="off"
        maxLength={200}
        hint={t('security.passkeys.nameHint')}
      />
      <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.passkeys.add')}
      </button>
    </form>
  );
}

function PasskeyRow({ passkey, onChanged }: { passkey: Passkey; onChanged(message: string): Promise<void> }): ReactElement {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(passkey.name);
  const [password, setPassword] = useState('');
  const action = useAction();
  const { t } = useTranslation();

  function rename(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('PATCH', `/api/v1/security/passkeys/${passkey.id}`, { name: name.trim() });
      setMode('view');
      await onChanged(t('security.passkeys.renamed', { name: name.trim() }));
    });
  }
  function remove(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', `/api/v1/security/passkeys/${passkey.id}/delete`, { password });
      setPassword('');
      await onChanged(t('security.passkeys.deleted', { name: passkey.name }));
    });
  }

  return (
    <tr>
      <td>{passkey.name}</td>
      <td>{formatTime(passkey.createdAt)}</td>
      <td>{passkey.lastUsedAt === null ? t('security.common.never') : formatTime(passkey.lastUsedAt)}</td>
      <td>
        {mode === 'view' ? (
          <div className="actions">
            <button type="button" aria-label={t('security.passkeys.renameNamed', { name: passkey.name })} onClick={() => setMode('rename')}>
              {t('security.passkeys.rename')}
            </button>
            <button type="button" aria-label={t('security.passkeys.deleteNamed', { name: passkey.name })} onClick={() => setMode('delete')}>
              {t('security.passkeys.delete')}
            </button>
          </div>
        ) : null}
        {mode === 'rename' ? (
          <form onSubmit={rename} aria-label={t('security.passkeys.renameNamed', { name: passkey.name })}>
            <TextField label={t('security.passkeys.newName')} value={name} onChange={setName} autoComplete="off" required maxLength={200} autoFocus />
            <div className="actions">
              <button type="submit" disabled={action.busy}>
                {t('security.passkeys.save')}
              </button>
              <button type="button" className="secondary" onClick={() => setMode('view')}>
                {t('security.common.cancel')}
              </button>
            </div>
          </form>
        ) : null}
        {mode === 'delete' ? (
          <form onSubmit={remove} aria-label={t('security.passkeys.deleteNamed', { name: passkey.name })}>
            <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} autoFocus />
            <div className="actions">
              <button type="submit" disabled={action.busy} className="danger">
                {t('security.passkeys.deletePasskey')}
              </button>
              <button type="button" className="secondary" onClick={() => setMode('view')}>
                {t('security.common.cancel')}
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
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.passkeys')}>
      <p>{t('security.passkeys.intro')}</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <SuccessMessage>{message}</SuccessMessage>
      {passkeys ? (
        passkeys.length === 0 ? (
          <p>{t('security.passkeys.none')}</p>
        ) : (
          <table>
            <caption>{t('security.passkeys.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('security.common.name')}</th>
                <th scope="col">{t('security.common.created')}</th>
                <th scope="col">{t('security.common.lastUsed')}</th>
                <th scope="col">{t('security.common.action')}</th>
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
        <p role="status">{t('common.loading')}</p>
      ) : null}
      {passkeysSupported() ? (
        <AddPasskey
          onAdded={(passkey) => {
            setMessage(t('security.passkeys.added', { name: passkey.name }));
            void loaded.reload();
          }}
        />
      ) : (
        <p className="message warning">{t('security.passkeys.unsupported')}</p>
      )}
    </SettingsLayout>
  );
}
