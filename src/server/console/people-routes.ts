// Accounts and roles, the audit log and the CSV exports (admins only), and one's own password.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConsoleStore } from '../../db/console-store.js';
import { CONSOLE_ROLES, type ConsoleUser } from '../../db/console-users.js';
import { formatCityTime } from '../../domain/city-time.js';
import { consoleTexts } from '../../texts/console.js';
import { ApiError } from '../errors.js';
import { hashPassword, passwordProblem } from './auth.js';
import { toCsv } from './csv.js';

export interface PeopleRouteDeps {
  consoleStore: ConsoleStore;
}

const t = consoleTexts.errors;
const DAY_MS = 86_400_000;
const platformId = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z0-9_-]*$/)
  .optional();

const newAccount = z.object({
  name: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[\p{L}\p{N}._-]+$/u),
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(CONSOLE_ROLES as ['staff', 'admin']),
  password: z.string(),
  telegramId: platformId,
  zaloId: platformId,
});
const accountChange = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(CONSOLE_ROLES as ['staff', 'admin']).optional(),
  telegramId: platformId,
  zaloId: platformId,
  disabled: z.boolean().optional(),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

const account = (u: ConsoleUser) => ({
  id: u.id,
  name: u.name,
  displayName: u.displayName,
  role: u.role,
  telegramId: u.telegramId,
  zaloId: u.zaloId,
  disabled: u.disabled,
  lastSignInAt: u.lastSignInAt,
  createdAt: u.createdAt,
});

export async function peopleRoutes(app: FastifyInstance, deps: PeopleRouteDeps): Promise<void> {
  const { users, sessions, audit, reports } = deps.consoleStore;

  const checkPassword = (password: string) => {
    const problem = passwordProblem(password);
    if (problem) throw new ApiError(400, 'weak_password', t.password[problem]);
  };

  app.get('/accounts', { config: { adminOnly: true, action: 'accounts.list' } }, async () => ({ accounts: users.list().map(account) }));

  app.post('/accounts', { config: { adminOnly: true, action: 'account.create' } }, async (request, reply) => {
    const b = newAccount.safeParse(request.body);
    if (!b.success) throw new ApiError(400, 'invalid_account', t.invalidAccount);
    if (users.exists(b.data.name)) throw new ApiError(409, 'account_exists', t.accountExists(b.data.name));
    checkPassword(b.data.password);
    const user = users.add({ ...b.data, passwordHash: await hashPassword(b.data.password) });
    return reply.code(201).send({ account: account(user) });
  });

  app.patch('/accounts/:id', { config: { adminOnly: true, action: 'account.change' } }, async (request) => {
    const { id } = idParams.parse(request.params);
    const b = accountChange.safeParse(request.body);
    if (!b.success) throw new ApiError(400, 'invalid_account', t.invalidAccount);
    const current = users.get(id);
    if (!current) throw new ApiError(404, 'account_not_found', t.accountNotFound);
    // The last admin who can sign in stays an admin: otherwise nobody could manage accounts.
    const losesAdmin = current.role === 'admin' && !current.disabled && (b.data.role === 'staff' || b.data.disabled === true);
    if (losesAdmin && users.countAdmins() <= 1) throw new ApiError(409, 'last_admin', t.lastAdmin);
    const updated = users.update(id, b.data)!;
    if (updated.disabled) sessions.destroyForUser(id);
    return { account: account(updated) };
  });

  app.post('/accounts/:id/password', { config: { adminOnly: true, action: 'account.password' } }, async (request) => {
    const { id } = idParams.parse(request.params);
    const { password } = z.object({ password: z.string() }).parse(request.body);
    checkPassword(password);
    if (!users.setPasswordHash(id, await hashPassword(password))) throw new ApiError(404, 'account_not_found', t.accountNotFound);
    sessions.destroyForUser(id);
    return { ok: true };
  });

  app.get('/audit', { config: { adminOnly: true, action: 'audit.read' } }, async (request) => {
    const { before, limit } = z
      .object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
      .parse(request.query);
    return { entries: audit.list({ before, limit }) };
  });

  // The question log and the votes as CSV, without residents' ids (no chat or user id column).
  app.get('/export/questions.csv', { config: { adminOnly: true, action: 'export.questions' } }, async (request, reply) => {
    const { days } = z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) }).parse(request.query);
    const h = consoleTexts.csv;
    const rows: unknown[][] = [[h.id, h.time, h.channel, h.question, h.status, h.answer, h.sources, h.vote, h.comment]];
    for (const q of reports.export(Date.now() - days * DAY_MS))
      rows.push([
        q.id,
        formatCityTime(q.createdAt),
        q.channel,
        q.question,
        q.status,
        q.answer,
        q.citations.map((c) => c.title).join(' | '),
        q.vote ?? '',
        q.comment ?? '',
      ]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="cau-hoi.csv"')
      .header('Cache-Control', 'no-store')
      .send(toCsv(rows));
  });
}
