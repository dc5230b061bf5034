// The op of every POP3 command, by verb: a fixed table, so dispatch never builds a name from client input.
import type { CommandOf, POP3Verb } from '../../proto/pop3/pop3-command.js';
import type { POP3Session } from './pop3-context.js';
import { auth } from './ops/auth.js';
import { capa } from './ops/capa.js';
import { dele } from './ops/dele.js';
import { list } from './ops/list.js';
import { noop } from './ops/noop.js';
import { pass } from './ops/pass.js';
import { quit } from './ops/quit.js';
import { retr } from './ops/retr.js';
import { rset } from './ops/rset.js';
import { stat } from './ops/stat.js';
import { stls } from './ops/stls.js';
import { top } from './ops/top.js';
import { uidl } from './ops/uidl.js';
import { user } from './ops/user.js';

/** Runs one command whose state the connection has checked; writes its reply through the session. */
export type POP3Op<V extends POP3Verb> = (session: POP3Session, command: CommandOf<V>) => Promise<void>;

export const POP3_OPS = {
  USER: user,
  PASS: pass,
  STAT: stat,
  LIST: list,
  RETR: retr,
  DELE: dele,
  NOOP: noop,
  RSET: rset,
  QUIT: quit,
  TOP: top,
  UIDL: uidl,
  CAPA: capa,
  STLS: stls,
  AUTH: auth,
} satisfies { [V in POP3Verb]: POP3Op<V> };
