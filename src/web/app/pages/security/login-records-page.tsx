// Login records: earlier sign-ins (all, successful, failed), newest first, a page at a time, with a warning when failures show up.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { APIError, describeError, request } from '../../api.js';
import type { LoginRecord, LoginRecordPage } from '../../api-types.js';
import { ErrorMessage } from '../../components/form.js';
import { Link } from '../../components/link.js';
import { locationLabel } from '../../components/mail-clients.js';
import { SettingsLayout } from '../../components/settings-layout.js';
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
  const [records, setRecords] = useState<LoginRecord[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Answers for a tab the user has already left are dropped. */
  const generation = useRef(0);
  const { t } = useTranslation();

  const load = useCallback(async (which: Filter, after: string | undefined): Promise<void> => {
    const mine = generation.current;
    setLoading(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({ result: which, limit: String(PAGE_SIZE) });
      if (after !== undefined) query.set('cursor', after);
      const page = await request<LoginRecordPage>('GET', `/api/v1/security/login-records?${query.toString()}`);
      if (mine !== generation.current) return;
      setRecords((before) => (after === undefined ? page.records : [...before, ...page.records]));
      setCursor(page.nextCursor);
    } catch (caught) {
      if (mine !== generation.current) return;
      if (caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED', 'OTP_REQUIRED'].includes(caught.code)) return;
      setError(describeError(caught));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    generation.current++;
    setRecords([]);
    setCursor(undefined);
    void load(filter, undefined);
  }, [filter, load]);

  const failures = records.filter((r) => r.result !== 'success');
  const failedIPs = new Set(failures.map((r) => r.ip));

  return (
    <SettingsLayout title={t('common.pages.loginRecords')}>
      <p>{t('security.loginRecords.intro')}</p>
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
            onClick={() => setFilter(tab.filter)}
          >
            {t(tab.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="login-records-panel" aria-labelledby={`tab-${filter}`}>
        <ErrorMessage>{error}</ErrorMessage>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('security.loginRecords.time')}</th>
              <th scope="col">{t('security.loginRecords.ip')}</th>
              <th scope="col">{t('security.loginRecords.location')}</th>
              <th scope="col">{t('security.loginRecords.protocol')}</th>
              <th scope="col">{t('security.loginRecords.client')}</th>
              <th scope="col">{t('security.loginRecords.result')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((record) => (
              <tr key={record.id} className={record.result === 'success' ? undefined : 'failed'}>
                <td>{formatTime(record.time)}</td>
                <td>{record.ip}</td>
                <td>{locationLabel(record.location)}</td>
                <td>{protocolLabel(record.protocol)}</td>
                <td>{record.client}</td>
                <td>{resultLabel(record.result, record.reason)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && records.length === 0 && !error ? <p>{t('security.loginRecords.empty')}</p> : null}
        {loading ? <p role="status">{t('common.loading')}</p> : null}
        {cursor !== undefined && !loading ? (
          <button type="button" onClick={() => void load(filter, cursor)}>
            {t('security.loginRecords.loadMore')}
          </button>
        ) : null}
      </div>
    </SettingsLayout>
  );
}
