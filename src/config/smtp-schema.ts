// The [smtp] table: message and recipient limits, who may hold how many connections, how long a client may keep one waiting, and who the MX trusts.
import { z } from 'zod';
import { leaf, networkList } from './config-leaf.js';

const seconds = (min: number, max: number, fallback: number) => leaf(z.int().min(min).max(max).default(fallback), `an integer from ${min} to ${max}`);

export const SMTP_SCHEMA = z
  .object({
    // Default 26214400 (25 MiB). Advertised with SIZE (RFC 1870); a larger message is refused
    // with 552 5.3.4 and never stored. Bounded so one client cannot fill memory or disk.
    max_message_bytes: leaf(z.int().min(1024).max(1024 * 1024 * 1024).default(25 * 1024 * 1024), 'an integer from 1024 to 1073741824'),
    // Default 100 (RFC 5321 §4.5.3.1.8 asks servers to accept at least 100). Caps how many
    // mailboxes one message can reach, which bounds a spammer's fan-out per message.
    max_recipients: leaf(z.int().min(1).max(10_000).default(100), 'an integer from 1 to 10000'),
    // Default 1000. Simultaneous SMTP connections per listener; more are refused with 421 4.3.2.
    // Exempt clients (below) may go a tenth past it (at least 10 more), so they are never starved.
    max_clients: leaf(z.int().min(1).max(100_000).default(1000), 'an integer from 1 to 100000'),
    // Default 20. Connections one client address may hold on one SMTP listener; more get 421 4.7.0
    // at once. Without it one host could take every max_clients slot and lock everyone else out.
    max_connections_per_ip: leaf(z.int().min(1).max(100_000).default(20), 'an integer from 1 to 100000'),
    // Default 100. Connections all addresses of one IPv4 /24 or IPv6 /64 may hold together on one
    // listener: whoever controls a network has all its addresses, so a per-address cap alone is
    // no cap for them. Ten such networks at most fill the default max_clients.
    max_connections_per_network: leaf(z.int().min(1).max(100_000).default(100), 'an integer from 1 to 100000'),
    // Default [] (none). Addresses and networks the two caps above do not apply to, such as a
    // content filter on this host handing mail back or a proxy that does not pass the client's
    // address on. smtp.trusted_relays are exempt as well.
    connection_limit_exempt: networkList(),
    // Default 300 (RFC 5321 §4.5.3.2.7: at least 5 minutes). How long the server waits for the next
    // command, counted from its last reply: bytes that trickle in without ending a command do not
    // extend it. Answered with 421 4.4.2 and the connection closed.
    command_timeout_seconds: seconds(1, 3600, 300),
    // Default 30. The wait for the next command instead while a listener holds 80% of max_clients
    // or more (never longer than command_timeout_seconds): under pressure an idle connection gives
    // its slot to a client that has mail to send.
    command_timeout_under_load_seconds: seconds(1, 3600, 30),
    // Default 180 (the 3-minute data block time of RFC 5321 §4.5.3.2.5). The longest pause in the
    // middle of a message, and the head start of the minimum rate below.
    data_timeout_seconds: seconds(1, 3600, 180),
    // Default 1024. A message must arrive at this many bytes per second on average, with a head
    // start of data_timeout_seconds: t seconds after DATA at least rate × (t − data_timeout) bytes,
    // or 421 4.4.2 and the connection closed. A client dripping a byte a minute can hold no slot for
    // hours. 0 leaves only the pause limit.
    min_data_rate_bytes_per_second: leaf(z.int().min(0).max(1024 * 1024 * 1024).default(1024), 'an integer from 0 to 1073741824'),
    // Default 600. The longest a connection may go without progress (a message accepted, a
    // successful AUTH, or the start of DATA), however busy it keeps us with other commands
    // (NOOP, RSET, HELO, refused recipients).
    progress_timeout_seconds: seconds(1, 86_400, 600),
    // Default false: AUTH is neither offered nor accepted before STARTTLS, so a password never
    // crosses the network in clear text. Turn on only for a loopback-only test setup.
    allow_plaintext_auth: leaf(z.boolean().default(false), 'true or false'),
    // Default true: inbound mail on the MX is checked with SPF, DKIM, DMARC and ARC, an
    // Authentication-Results header is added, and DMARC p=reject is honoured (policy
    // smtp.dmarc_enforce). Turning it off drops all of that; only for closed test setups
    // without DNS.
    verify_senders: leaf(z.boolean().default(true), 'true or false'),
    // Default [] (none). Addresses and networks (CIDR) of relays trusted to hand the MX mail
    // that claims one of our own domains (MAIL FROM or From:) without a DKIM signature of that
    // domain: a backup MX or a scanner in front of Mailward. Anyone else making that claim
    // unsigned is refused with 550 5.7.1, since such mail would otherwise look to the
    // recipient like mail from a colleague. List only hosts you run: a relay listed here can
    // hand in mail in the name of every local account. They are exempt from the connection caps.
    trusted_relays: networkList(),
  })
  .strict()
  .prefault({});
