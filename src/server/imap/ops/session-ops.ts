// The commands about the connection itself: greeting-state, login, selection and IDLE.
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATE } from './authenticate.js';
import { CAPABILITY } from './capability.js';
import { CLOSE } from './close.js';
import { ENABLE } from './enable.js';
import { ID } from './id.js';
import { IDLE } from './idle.js';
import { LOGIN } from './login.js';
import { LOGOUT } from './logout.js';
import { CHECK, NOOP } from './noop.js';
import { EXAMINE, SELECT } from './select.js';
import { STARTTLS } from './starttls.js';
import { UNSELECT } from './unselect.js';

export const SESSION_OPS: Record<string, IMAPOp> = {
  CAPABILITY,
  NOOP,
  CHECK,
  LOGOUT,
  STARTTLS,
  LOGIN,
  AUTHENTICATE,
  ID,
  ENABLE,
  SELECT,
  EXAMINE,
  CLOSE,
  UNSELECT,
  IDLE,
};
