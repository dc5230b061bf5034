// /api/v1/security/notifications and /alerts: the in-app security notifications and the switches for the alerts that may be turned off.
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { nextCursor } from './fields.js';

export const securityNotification = z.strictObject({
  id: z.number(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  createdAt: z.number(),
  readAt: z.number().nullable(),
  /** What the words were made from, so a page can tell them again in the reader's language. */
  details: z.record(z.string(), z.unknown()),
});

export const alertPreference = z.strictObject({
  kind: z.string(),
  enabled: z.boolean(),
  /** Critical alerts are always on. */
  critical: z.boolean(),
});

const alerts = z.strictObject({ alerts: z.array(alertPreference) });
const tag = 'security';

export const NOTIFICATION_API = {
  list: endpoint('GET /api/v1/security/notifications', {
    summary: 'Security notifications, newest first, with the unread count',
    tag,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional(), unread: z.enum(['true', 'false']).optional() }).strict(),
    response: z.strictObject({ notifications: z.array(securityNotification), nextCursor, unread: z.number() }),
  }),
  markRead: endpoint('POST /api/v1/security/notifications/read', {
    summary: 'Mark notifications read (all of them when no ids are given)',
    tag,
    body: z.object({ ids: z.array(z.number().int().positive()).max(500).optional() }).strict(),
    response: z.strictObject({ marked: z.number() }),
  }),
  alerts: endpoint('GET /api/v1/security/alerts', {
    summary: 'Which security alerts are on; the critical ones cannot be switched off',
    tag,
    response: alerts,
  }),
  setAlert: endpoint('PUT /api/v1/security/alerts/:kind', {
    summary: 'Switch a non-critical alert on or off',
    tag,
    params: z.object({ kind: z.string().min(1).max(64) }).strict(),
    body: z.object({ enabled: z.boolean() }).strict(),
    response: alerts,
  }),
};
