// Disk per message and SEARCH speed: N ~4 KB messages (half English, half Chinese) stored through Mailward's delivery path, the same
// messages as a Maildir (one file each), then UID SEARCH BODY / TEXT / SUBJECT over IMAP against `mailward serve`.
// Run `npm run build` first. Usage: node bench/search/search-bench.mjs [--messages 10000] [--keep]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { prepareMailward, startMailward } from '../imap/mailward-imap.mjs';

const args = process.argv.slice(2);
const COUNT = Number(args[args.indexOf('--messages') + 1] || 0) || 10_000;
const KEEP = args.includes('--keep');
const PORT = 14300 + Math.floor(Math.random() * 500);
const USER = 'bench@example.com';
const PASSWORD = 'Correct-Horse-7-Staple';

const ENGLISH = (
  'the of and to in is that for it as was with be by on not this are or from at which but have an they you were there been one all we their has ' +
  'would when if so no what out up into do can more will about said time only could new them some these then two first may any like now such make ' +
  'over even most after also made many before must through back years much where your way well down should because each just those people how ' +
  'little good very world still own see work long here get both between life being under never day same another know while last might great old ' +
  'year off come since against go came right used take three quarterly report budget invoice meeting schedule harbor kettle violet quartz meadow ' +
  'lantern river stone window garden contract shipment delivery customer account password server storage backup release migration database'
).split(' ');
const CHINESE = (
  '我们今天讨论的是关于邮件服务器的设计问题中文搜索必须正确处理每一个字符而不是词语分割因为用户可能输入任何子串系统应该返回所有包含该子串的邮件' +
  '这是一个非常重要的需求数据库索引存储空间性能测试结果显示会议时间安排预算报告发票合同客户账户密码备份发布迁移季度上海北京广州深圳春夏秋冬山水'
).split('');

function random(seed) {
  let n = seed;
  return () => (n = (n * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function encodedWord(text) {
  return `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

/** Message i: English (even) or Chinese (odd, UTF-8 in base64), about 4 KB on disk either way. */
function buildMessage(i) {
  const rnd = random(i + 1);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const date = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString().replace('GMT', '+0000');
  const chinese = i % 2 === 1;
  let subject;
  let body;
  let encoding;
  if (chinese) {
    subject = encodedWord(`${Array.from({ length: 8 }, () => pick(CHINESE)).join('')} ${i}`);
    let text = '';
    while (Buffer.byteLength(text) < 2600) text += Array.from({ length: 30 }, () => pick(CHINESE)).join('') + '。\n';
    if (i % 1000 === 1) text += '独一无二的暗号\n';
    if (i % 20 === 1) text += '第三季度预算报告\n';
    body = Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n');
    encoding = 'base64';
  } else {
    subject = `Report ${i} about ${pick(ENGLISH)} ${pick(ENGLISH)}`;
    const lines = [];
    let size = 0;
    while (size < 3500) {
      const line = Array.from({ length: 11 }, () => pick(ENGLISH)).join(' ');
      lines.push(line);
      size += line.length + 2;
    }
    if (i % 1000 === 0) lines.push('the secret word is xylophonist');
    body = lines.join('\r\n');
    encoding = '7bit';
  }
  return Buffer.from(
    `Return-Path: <sender${i % 97}@example.net>\r\nFrom: Sender ${i % 97} <sender${i % 97}@example.net>\r\nTo: Bench <${USER}>\r\nCc: team@example.net\r\n` +
      `Subject: ${subject}\r\nDate: ${date}\r\nMessage-ID: <search-bench-${i}@example.net>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}\r\n`,
  );
}

/** KiB of a tree: apparent size (bytes in files) and real blocks allocated (du -k). */
function du(dir) {
  const kib = (extra) => Number(execFileSync('du', ['-sk', ...extra, dir], { encoding: 'utf8' }).split('\t')[0]);
  return { apparent: kib(['--apparent-size']), blocks: kib([]) };
}

function writeMaildir(dir, messages) {
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  messages.forEach((raw, i) => fs.writeFileSync(path.join(dir, 'cur', `1764547200.M${i}P1.bench,S=${raw.length}:2,S`), raw));
}

/** A minimal IMAP client: one command at a time, collecting its untagged lines. */
async function connect(port) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  let waiter = null;
  const lines = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let lf;
    while ((lf = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, lf + 1);
      buffer = buffer.slice(lf + 1);
      lines.push(line);
      if (waiter && waiter.done(line)) {
        const w = waiter;
        waiter = null;
        w.resolve(lines.splice(0));
      }
    }
  });
  const until = (done) => new Promise((resolve) => (waiter = { done, resolve }));
  await until((line) => line.startsWith('* OK'));
  let tag = 0;
  return {
    command(text) {
      const t = `s${++tag}`;
      const reply = until((line) => line.startsWith(`${t} `));
      socket.write(`${t} ${text}\r\n`);
      return reply.then((got) => {
        if (!got[got.length - 1].startsWith(`${t} OK`)) throw new Error(`${text}: ${got[got.length - 1].trim()}`);
        return got;
      });
    },
    close: () => socket.destroy(),
  };
}

const SEARCHES = [
  ['BODY, English, rare (10 hits)', 'UID SEARCH BODY xylophonist'],
  ['BODY, English, common', 'UID SEARCH BODY "quarterly report"'],
  ['BODY, English, no match', 'UID SEARCH BODY zzqqxx'],
  ['BODY, English, 2 chars', 'UID SEARCH BODY "qz"'],
  ['BODY, Chinese, rare (10 hits)', 'UID SEARCH CHARSET UTF-8 BODY {21+}\r\n独一无二的暗号'],
  ['BODY, Chinese, common', 'UID SEARCH CHARSET UTF-8 BODY {12+}\r\n预算报告'],
  ['BODY, Chinese, 2 chars', 'UID SEARCH CHARSET UTF-8 BODY {6+}\r\n暗号'],
  ['TEXT, English, rare', 'UID SEARCH TEXT xylophonist'],
  ['TEXT, Chinese, rare', 'UID SEARCH CHARSET UTF-8 TEXT {21+}\r\n独一无二的暗号'],
  ['SUBJECT, English', 'UID SEARCH SUBJECT "report 99"'],
  ['SUBJECT, Chinese', 'UID SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n上海'],
];

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-search-bench-'));
  const dataDir = path.join(root, 'data');
  const maildir = path.join(root, 'Maildir');
  try {
    const messages = Array.from({ length: COUNT }, (_, i) => buildMessage(i));
    const rawKiB = messages.reduce((sum, m) => sum + m.length, 0) / 1024;
    await prepareMailward({ dataDir, address: USER, password: PASSWORD, messages });
    // Everything in the database file itself, nothing left in the WAL.
    const db = new Database(path.join(dataDir, 'mailward.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    writeMaildir(maildir, messages);
    const data = du(dataDir);
    const mail = du(maildir);
    const per = (kib) => (kib / COUNT).toFixed(2);
    console.log(`${COUNT} messages, average ${(rawKiB / COUNT).toFixed(2)} KiB each`);
    console.log('disk per message (KiB)        apparent   blocks');
    console.log(`  Mailward data dir            ${per(data.apparent).padStart(8)} ${per(data.blocks).padStart(8)}`);
    console.log(`  Maildir (one file each)      ${per(mail.apparent).padStart(8)} ${per(mail.blocks).padStart(8)}`);
    console.log(`  ratio                        ${(data.apparent / mail.apparent).toFixed(2).padStart(8)} ${(data.blocks / mail.blocks).toFixed(2).padStart(8)}`);
    for (const entry of fs.readdirSync(dataDir)) console.log(`    ${entry.padEnd(26)} ${per(du(path.join(dataDir, entry)).apparent).padStart(8)} ${per(du(path.join(dataDir, entry)).blocks).padStart(8)}`);

    const server = await startMailward({ dataDir, imapPort: PORT });
    try {
      const client = await connect(PORT);
      await client.command(`LOGIN ${USER} ${PASSWORD}`);
      await client.command('SELECT INBOX');
      console.log('UID SEARCH (ms, median of 5; hits)');
      for (const [name, command] of SEARCHES) {
        const times = [];
        let hits = 0;
        for (let run = 0; run < 5; run++) {
          const started = performance.now();
          const lines = await client.command(command);
          times.push(performance.now() - started);
          const found = lines.find((l) => l.startsWith('* SEARCH'));
          hits = found ? found.trim().split(' ').length - 2 : 0;
        }
        times.sort((a, b) => a - b);
        console.log(`  ${name.padEnd(32)} ${times[2].toFixed(1).padStart(9)} ${String(hits).padStart(6)}`);
      }
      client.close();
    } finally {
      await server.stop();
    }
  } finally {
    if (KEEP) console.log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
