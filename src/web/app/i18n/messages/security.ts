// Words of the Mailbox Security pages, put together from their areas (who gets in, the password, the second factor, notifications) in every language.
import * as access from './security-access.js';
import * as factors from './security-factors.js';
import * as notifications from './security-notifications.js';
import * as password from './security-password.js';

export const en = { ...access.en, ...password.en, ...factors.en, ...notifications.en };
export const zhTW = { ...access.zhTW, ...password.zhTW, ...factors.zhTW, ...notifications.zhTW };
export const zhCN = { ...access.zhCN, ...password.zhCN, ...factors.zhCN, ...notifications.zhCN };
