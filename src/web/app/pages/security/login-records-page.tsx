// Login records: earlier sign-ins (all, successful, failed), newest first, a page at a time, with a warning when failures show up.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { LoginRecord } from '../../../contract/index.js';
import { call } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorMessage, useAction } from '../../components/form.js';
import { Link } from '../../components/link.js';
import { locationLabel } from '../../components/mail-clients.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime, protocolLabel, resultLabel } from '../../format.js';
import { Trans, useTranslation } from '../../i18n/index.js';
import { ROUTES } from '../../routes.js';

type Filter = 'all' | 'success' | 'failure';

const TABS: ReadonlyArray<{ filter: Filter; label: `security.loginRecords.${Filter}` }> = [
  { filter: 'all', label: 'security.loginRecords.all' },
  { filter: 'success', label: 'security.loginRecords.success' },
  { filter: 'failure', label: 'security.loginRecords.failure' },
];

const PAGE_SIZE = 25;

export function LoginRecordsPage(): ReactElement {
  const [filter, setFilter] = useState<Filter>('all');
  const first = useAPI('GET /api/v1/security/login-records', { query: { result: filter, limit: PAGE_SIZE } });
  /** The pages after the first, for the filter they were read under (another tab starts again). */
  const [more, setMore] = useState<{ filter: Filter; records: LoginRecord[]; cursor: string | undefined } | undefined>(undefined);
  const next = useAction();
  const shown = more?.filter === filter ? more : undefined;
  const records = [...(first.data?.records ?? []), ...(shown?.records ?? [])];
  const cursor = shown ? shown.cursor : first.data?.nextCursor;
  const loading = first.loading || next.busy;
  const error = first.error ?? next.error;
  const { t } = useTranslation();

  function choose(which: Filter): void {
    setFilter(which);
    setMore(undefined);
    next.clear();
  }

  function loadMore(after: string): void {
    const which = filter;
    void next.run(async () => {
      const page = await call('GET /api/v1/security/login-records', { query: { result: which, limit: PAGE_SIZE, cursor: after } });
      setMore((before) => ({ filter: which, records: [...(before?.filter === which ? before.records : []), ...page.records], cursor: page.nextCursor }));
    });
  }

  const failures = records.filter((r) => r.result !== 'success');
  const failedIPs = new Set(failures.map((r) => r.ip));

  return (
    <SettingsLayout title={t('common.pages.loginRecords')} intro={t('security.loginRecords.intro')}>
      {failures.length > 0 ? (
        <div className="message warning" role="note">
          <p>
            {t('security.loginRecords.warning', {
              failures: t('security.loginRecords.failedSignIns', { count: failures.length }),
              addresses: t('security.loginRecords.ipAddresses', { count: failedIPs.size }),
            })}
          </p>
          <p>
            <Trans
              i18nKey="security.loginRecords.advice"
              components={{ password: <Link to={ROUTES.password} />, twofactor: <Link to={ROUTES.twoFactor} /> }}
            />
          </p>
        </div>
      ) : null}
      <div role="tablist" aria-label={t('security.loginRecords.tabs')} className="tabs">
        {TABS.map((tab) => (
          <button
            key={tab.filter}
            type="button"
            role="tab"
            id={`tab-${tab.filter}`}
            aria-selected={filter === tab.filter}
            aria-controls="login-records-panel"
            onClick={() => choose(tab.filter)}
          >
            {t(tab.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="login-records-panel" aria-labelledby={`tab-${filter}`}>
        <ErrorMessage>{error}</ErrorMessage>
        <DataTable
          columns={[
            t('security.loginRecords.time'),
            t('security.loginRecords.ip'),
            t('security.loginRecords.location'),
            t('security.loginRecords.protocol'),
            t('security.loginRecords.client'),
            t('security.loginRecords.result'),
          ]}
          rows={records.map((record) => (
            <tr key={record.id} className={record.result === 'success' ? undefined : 'failed'}>
              <td>{formatTime(record.time)}</td>
              <td>{record.ip}</td>
              <td>{locationLabel(record.location)}</td>
              <td>{protocolLabel(record.protocol)}</td>
              <td>{record.client}</td>
              <td>{resultLabel(record.result, record.reason)}</td>
            </tr>
          ))}
        />
        {!loading && records.length === 0 && !error ? <p>{t('security.loginRecords.empty')}</p> : null}
        {loading ? <p role="status">{t('common.loading')}</p> : null}
        {cursor !== undefined && !loading ? (
          <button type="button" onClick={() => loadMore(cursor)}>
            {t('security.loginRecords.loadMore')}
          </button>
        ) : null}
      </div>
    </SettingsLayout>
  );
}
