// Passkeys: the list (name, created, last used), adding one with this device's authenticator, renaming and deleting.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { CredentialJSON, Passkey } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ConfirmedForm } from '../../components/confirmed-form.js';
import { DataTable } from '../../components/data-table.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';
import { createPasskey, inBrowser, passkeysSupported } from '../../webauthn.js';

function AddPasskey({ onAdded }: { onAdded(passkey: Passkey): void }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'add-passkey-title', text: t('security.passkeys.addTitle') }}
      intro={<p className="hint">{t('security.passkeys.addHint')}</p>}
      fields={[{ name: 'name', label: t('security.passkeys.nameLabel'), autoComplete: 'off', maxLength: 200, required: false, hint: t('security.passkeys.nameHint') }, 'password']}
      submit={t('security.passkeys.add')}
      onSubmit={async ({ name, password }, clear) => {
        const ceremony = await call('POST /api/v1/security/passkeys/registration-options', { body: { password } });
        clear('password');
        const response = (await inBrowser(() => createPasskey(ceremony.options))) as CredentialJSON;
        onAdded(await call('POST /api/v1/security/passkeys', { body: { flowId: ceremony.flowId, name: name.trim() || t('security.passkeys.defaultName'), response } }));
      }}
    />
  );
}

function PasskeyRow({ passkey, onChanged }: { passkey: Passkey; onChanged(message: string): Promise<void> }): ReactElement {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const { t } = useTranslation();
  const params = { id: passkey.id };
  const renameLabel = t('security.passkeys.renameNamed', { name: passkey.name });
  const deleteLabel = t('security.passkeys.deleteNamed', { name: passkey.name });

  return (
    <tr>
      <td>{passkey.name}</td>
      <td>{formatTime(passkey.createdAt)}</td>
      <td>{passkey.lastUsedAt === null ? t('security.common.never') : formatTime(passkey.lastUsedAt)}</td>
      <td>
        {mode === 'view' ? (
          <div className="actions">
            <button type="button" aria-label={renameLabel} onClick={() => setMode('rename')}>
              {t('security.passkeys.rename')}
            </button>
            <button type="button" aria-label={deleteLabel} onClick={() => setMode('delete')}>
              {t('security.passkeys.delete')}
            </button>
          </div>
        ) : null}
        {mode === 'rename' ? (
          <ConfirmedForm
            label={renameLabel}
            fields={[{ name: 'name', label: t('security.passkeys.newName'), initial: passkey.name, autoComplete: 'off', maxLength: 200 }]}
            autoFocus="name"
            submit={t('security.passkeys.save')}
            onCancel={() => setMode('view')}
            onSubmit={async ({ name }) => {
              await call('PATCH /api/v1/security/passkeys/:id', { params, body: { name: name.trim() } });
              setMode('view');
              await onChanged(t('security.passkeys.renamed', { name: name.trim() }));
            }}
          />
        ) : null}
        {mode === 'delete' ? (
          <ConfirmedForm
            label={deleteLabel}
            fields={['password']}
            autoFocus="password"
            submit={t('security.passkeys.deletePasskey')}
            danger
            onCancel={() => setMode('view')}
            onSubmit={async ({ password }, clear) => {
              await call('POST /api/v1/security/passkeys/:id/delete', { params, body: { password } });
              clear('password');
              await onChanged(t('security.passkeys.deleted', { name: passkey.name }));
            }}
          />
        ) : null}
      </td>
    </tr>
  );
}

export function PasskeysPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/passkeys');
  const [message, setMessage] = useState<string | undefined>(undefined);
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.passkeys')} intro={t('security.passkeys.intro')}>
      <LoadedContent state={loaded} value={loaded.data?.passkeys} notice={message}>
        {(passkeys) =>
          passkeys.length === 0 ? (
            <p>{t('security.passkeys.none')}</p>
          ) : (
            <DataTable
              caption={t('security.passkeys.caption')}
              columns={[t('security.common.name'), t('security.common.created'), t('security.common.lastUsed'), t('security.common.action')]}
              rows={passkeys.map((passkey) => (
                <PasskeyRow
                  key={`${passkey.id}:${passkey.name}`}
                  passkey={passkey}
                  onChanged={async (text) => {
                    setMessage(text);
                    await loaded.reload();
                  }}
                />
              ))}
            />
          )
        }
      </LoadedContent>
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
