// The mailbox model's naming rules in the form IMAP's LIST patterns take them (the protocol leaves both to the server).
import { HIERARCHY_DELIMITER, MAX_MAILBOX_NAME_BYTES } from '../../mailbox/index.js';
import type { MailboxNaming } from '../../proto/imap/commands/list-pattern.js';

export const MAILBOX_NAMING: MailboxNaming = { delimiter: HIERARCHY_DELIMITER, maxNameBytes: MAX_MAILBOX_NAME_BYTES };
