// The admin API's people side: roles granted at run time (staff and admins beside those listed in
// the environment) and residents' votes on answers, for review. A plugin of its own because the
// document routes replace the JSON parser with a raw one for uploads.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ResidentService } from '../core/resident-service.js';
import { webTexts } from '../texts/web.js';
import { adminGuard } from './admin-routes.js';
import { ApiError } from './errors.js';

export interface ReviewRouteDeps {
  adminToken: string | undefined;
  residents: ResidentService;
}

const person = z.object({ channel: z.enum(['telegram', 'zalo']), userId: z.string().trim().min(1).max(64) });
const grant = z.object({ role: z.enum(['staff', 'admin']) });
const reviewQuery = z.object({
  vote: z.enum(['up', 'down']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export async function reviewRoutes(app: FastifyInstance, deps: ReviewRouteDeps): Promise<void> {
  const { residents } = deps;
  app.addHook('onRequest', adminGuard(deps.adminToken));

  app.get('/feedback', async (request) => {
    const query = reviewQuery.safeParse(request.query);
    if (!query.success) throw new ApiError(400, 'invalid_query', webTexts.errors.invalidReviewQuery);
    return { feedback: residents.feedbackForReview(query.data) };
  });

  app.get('/roles', async () => ({ roles: residents.storedRoles() }));

  app.put('/roles/:channel/:userId', async (request) => {
    const who = person.safeParse(request.params);
    const what = grant.safeParse(request.body);
    if (!who.success || !what.success) throw new ApiError(400, 'invalid_role', webTexts.errors.invalidRole);
    residents.grantRole(who.data.channel, who.data.userId, what.data.role);
    return { ...who.data, role: residents.roleOf(who.data.channel, who.data.userId) };
  });

  app.delete('/roles/:channel/:userId', async (request) => {
    const who = person.safeParse(request.params);
    if (!who.success) throw new ApiError(400, 'invalid_role', webTexts.errors.invalidRole);
    if (!residents.revokeRole(who.data.channel, who.data.userId)) throw new ApiError(404, 'role_not_found', webTexts.errors.roleNotFound);
    return { ...who.data, role: residents.roleOf(who.data.channel, who.data.userId) };
  });
}
