// Staff console accounts from the terminal (the first admin is made here; admins make the others
// in the console):
//   npm run user -- add --name lan --display "Nguyễn Thị Lan" --role admin [--telegram ID] [--zalo ID]
//   npm run user -- list | password --name lan | disable --name lan | enable --name lan
// The password is asked twice without echo on a terminal, or read as one line from standard input
// (--password-stdin, for scripts): never from the command line, where it would stay in the history.
import 'dotenv/config';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfigOrReport } from '../config.js';
import { Store } from '../db/store.js';
import { hashPassword, passwordProblem } from '../server/console/auth.js';
import { consoleTexts } from '../texts/console.js';

const t = consoleTexts.cli;

/** One line from stdin; on a terminal the typed characters are not shown. */
async function readSecret(prompt: string, stdinLines: AsyncIterator<string> | undefined): Promise<string> {
  if (stdinLines) return ((await stdinLines.next()).value as string | undefined)?.replace(/\r$/, '') ?? '';
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(prompt, resolve));
    muted = true;
    const value = await answer;
    process.stdout.write('\n');
    return value;
  } finally {
    rl.close();
  }
}

async function askPassword(fromStdin: boolean): Promise<string | undefined> {
  const lines = fromStdin || !process.stdin.isTTY ? readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]() : undefined;
  const password = await readSecret(t.passwordPrompt, lines);
  const problem = passwordProblem(password);
  if (problem) {
    console.error(consoleTexts.errors.password[problem]);
    return undefined;
  }
  if (!lines && (await readSecret(t.passwordAgain, undefined)) !== password) {
    console.error(t.passwordsDiffer);
    return undefined;
  }
  return password;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        name: { type: 'string' },
        display: { type: 'string' },
        role: { type: 'string', default: 'staff' },
        telegram: { type: 'string' },
        zalo: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
  } catch {
    console.error(t.usage);
    return 1;
  }
  const [command] = args.positionals;
  const { name, role } = args.values;
  const config = loadConfigOrReport();
  if (!config) return 1;
  const store = Store.open(config.paths.database);
  const { users, sessions } = store.console;
  try {
    if (command === 'list') {
      const all = users.list();
      if (!all.length) console.log(t.none);
      for (const u of all) console.log(`${u.name}\t${u.role}\t${u.displayName}${u.disabled ? '\t(khóa)' : ''}`);
      return 0;
    }
    if (!name || !['add', 'password', 'disable', 'enable'].includes(command ?? '')) {
      console.error(t.usage);
      return 1;
    }
    if (command === 'add') {
      if ((role !== 'staff' && role !== 'admin') || !/^[\p{L}\p{N}._-]{2,64}$/u.test(name)) {
        console.error(consoleTexts.errors.invalidAccount);
        return 1;
      }
      if (users.exists(name)) {
        console.error(consoleTexts.errors.accountExists(name));
        return 1;
      }
      const password = await askPassword(args.values['password-stdin']);
      if (!password) return 1;
      users.add({
        name,
        displayName: args.values.display?.trim() || name,
        role,
        passwordHash: await hashPassword(password),
        telegramId: args.values.telegram,
        zaloId: args.values.zalo,
      });
      console.log(t.added(name, role));
      return 0;
    }
    const user = users.forSignIn(name);
    if (!user) {
      console.error(t.noSuchUser(name));
      return 1;
    }
    if (command === 'password') {
      const password = await askPassword(args.values['password-stdin']);
      if (!password) return 1;
      users.setPasswordHash(user.id, await hashPassword(password));
      sessions.destroyForUser(user.id);
      console.log(t.passwordChanged(name));
      return 0;
    }
    users.update(user.id, { disabled: command === 'disable' });
    if (command === 'disable') sessions.destroyForUser(user.id);
    console.log(command === 'disable' ? t.disabled(name) : t.enabled(name));
    return 0;
  } finally {
    store.close();
  }
}

process.exitCode = await main();
