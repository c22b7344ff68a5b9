import express, { type Router } from 'express';
import { z } from 'zod';
import { rowId, rowIdParam } from './row-id';
import { GatewayError } from '../core/errors';
import { hashPassword } from '../auth/password';
import type { PresenceRegistry } from '../server/presence';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import type { InboxRow } from '../store/schema';
import { parse, type ApiRouter } from './api-router';
import { seesAll } from './access';
import { BUSINESS_HOURS_SETTING, businessHoursSettingProblem } from '../business-hours';
import { surveySettingsProblem } from '../surveys/survey-settings';
import { autoResolveSettingProblem } from '../jobs/auto-resolve';
import { allowedOriginsSettingProblem } from '../server/allowed-origins';
import { contactSettingsProblem } from '../contacts/contact-settings';
import type { SecretBox } from '../secrets/secret-box';
import { maskSecrets, sealSecretFields } from '../secrets/secret-fields';

const idParam = z.object({ id: rowIdParam });
const role = z.enum(['admin', 'supervisor', 'agent']);
const newAgent = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  name: z.string().trim().min(1).max(120),
  role,
  password: z.string().min(10).max(200),
  maxConversations: z.number().int().min(1).max(100).optional(),
});
const agentPatch = newAgent.partial().refine((v) => Object.keys(v).length > 0, 'nothing to change');
const teamBody = z.object({ name: z.string().trim().min(1).max(120), memberIds: z.array(rowId).max(500).optional() });
const inboxBody = z.object({
  channel: z.enum(['widget', 'messenger', 'zalo']),
  accountId: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ - only'),
  name: z.string().trim().min(1).max(120),
  botEnabled: z.boolean().optional(),
  teamId: rowId.nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  memberIds: z.array(rowId).max(500).optional(),
});
const inboxPatch = inboxBody.omit({ channel: true, accountId: true }).partial().refine((v) => Object.keys(v).length > 0, 'nothing to change');
const cannedBody = z.object({ shortCode: z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N}_-]+$/u, 'no spaces'), content: z.string().trim().min(1).max(5000) });

/**
 * Agents, teams, inboxes and canned responses (contacts: contact-routes.ts). Everyone signed in can read what they
 * need to work (names for assignment, canned responses); only admins change anything.
 * Inbox settings never leave with secrets in them.
 */
export interface DirectoryHooks {
  /** An inbox's business hours were set, changed or removed (report rows need rewriting). */
  businessHoursChanged?: (inboxId: number) => void;
  /** Seals the secret fields of inbox settings (identitySecret, bot.secret…) before they are stored. */
  secrets: SecretBox;
  /** The gateway's clock (when survey settings changed: `inboxes.surveys_changed_at`). */
  now: () => Date;
}

/** Whether a settings block is different (absent and null alike). */
const changed = (before: unknown, after: unknown): boolean => JSON.stringify(before ?? null) !== JSON.stringify(after ?? null);

export function directoryRoutes(db: Db, api: ApiRouter, presence: PresenceRegistry, hooks: DirectoryHooks): Router {
  const r = express.Router();
  const anyAgent = api.requireAgent();
  const admin = api.requireAgent('admin');

  r.get('/agents', anyAgent, async (_req, res) => {
    const rows = await db.selectFrom('agents').select(['id', 'email', 'name', 'role', 'max_conversations']).orderBy('name').execute();
    res.json({ items: rows.map((a) => ({ id: a.id, email: a.email, name: a.name, role: a.role, maxConversations: a.max_conversations, presence: presence.get(a.id) })) });
  });
  r.post('/agents', admin, async (req, res) => {
    const b = parse(newAgent, req.body);
    if (await db.selectFrom('agents').select('id').where('email', '=', b.email).executeTakeFirst()) throw new GatewayError('GW_ERR_VALIDATION', 'an agent with this e-mail exists');
    const a = await db
      .insertInto('agents')
      .values({ email: b.email, name: b.name, role: b.role, password_hash: await hashPassword(b.password), max_conversations: b.maxConversations ?? 10 })
      .returning(['id', 'email', 'name', 'role', 'max_conversations'])
      .executeTakeFirstOrThrow();
    res.status(201).json({ id: a.id, email: a.email, name: a.name, role: a.role, maxConversations: a.max_conversations });
  });
  r.patch('/agents/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(agentPatch, req.body);
    const patch = {
      ...(b.email ? { email: b.email } : {}),
      ...(b.name ? { name: b.name } : {}),
      ...(b.role ? { role: b.role } : {}),
      ...(b.maxConversations ? { max_conversations: b.maxConversations } : {}),
      ...(b.password ? { password_hash: await hashPassword(b.password) } : {}),
    };
    const a = await db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('agents').set(patch).where('id', '=', id).returning(['id', 'email', 'name', 'role', 'max_conversations']).executeTakeFirst();
      // A new password ends every session of the agent (a stolen one included): they sign in again.
      if (row && b.password) await trx.deleteFrom('agent_sessions').where('agent_id', '=', id).execute();
      return row;
    });
    if (!a) throw new GatewayError('GW_ERR_NOT_FOUND', 'agent not found');
    if (b.role || b.password) await api.accessChanged([id]);
    res.json({ id: a.id, email: a.email, name: a.name, role: a.role, maxConversations: a.max_conversations });
  });
  r.delete('/agents/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    if (id === req.session!.agent.id) throw new GatewayError('GW_ERR_VALIDATION', 'you cannot delete yourself');
    const gone = await db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new GatewayError('GW_ERR_NOT_FOUND', 'agent not found');
    await api.accessChanged([id]);
    res.status(204).end();
  });

  r.get('/teams', anyAgent, async (_req, res) => {
    const teams = await db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute();
    const members = await db.selectFrom('team_members').select(['team_id', 'agent_id']).execute();
    res.json({ items: teams.map((t) => ({ id: t.id, name: t.name, memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.agent_id) })) });
  });
  r.post('/teams', admin, async (req, res) => {
    const b = parse(teamBody, req.body);
    const team = await db.transaction().execute(async (trx) => {
      const t = await trx.insertInto('teams').values({ name: b.name }).returning(['id', 'name']).executeTakeFirstOrThrow();
      for (const agentId of b.memberIds ?? []) await trx.insertInto('team_members').values({ team_id: t.id, agent_id: agentId }).execute();
      return t;
    }).catch(uniqueToValidation('a team with this name exists'));
    res.status(201).json({ id: team.id, name: team.name, memberIds: b.memberIds ?? [] });
  });
  r.patch('/teams/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(teamBody.partial(), req.body);
    await db.transaction().execute(async (trx) => {
      if (!(await trx.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst())) throw new GatewayError('GW_ERR_NOT_FOUND', 'team not found');
      if (b.name) await trx.updateTable('teams').set({ name: b.name }).where('id', '=', id).execute();
      if (b.memberIds) {
        await trx.deleteFrom('team_members').where('team_id', '=', id).execute();
        for (const agentId of b.memberIds) await trx.insertInto('team_members').values({ team_id: id, agent_id: agentId }).execute();
      }
    }).catch(uniqueToValidation('invalid team change'));
    res.json({ id, ...b });
  });
  r.delete('/teams/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const gone = await db.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new GatewayError('GW_ERR_NOT_FOUND', 'team not found');
    res.status(204).end();
  });

  r.get('/inboxes', anyAgent, async (req, res) => {
    const agent = req.session!.agent;
    let qb = db.selectFrom('inboxes').selectAll().orderBy('id');
    if (!seesAll(agent)) qb = qb.where('id', 'in', (eb) => eb.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id));
    const rows = await qb.execute();
    const members = await db.selectFrom('inbox_members').select(['inbox_id', 'agent_id']).execute();
    res.json({
      items: rows.map((i) => inboxJson(i, members.filter((m) => m.inbox_id === i.id).map((m) => m.agent_id))),
    });
  });
  r.post('/inboxes', admin, async (req, res) => {
    const b = parse(inboxBody, req.body);
    if (b.settings) assertCareSettings(b.settings);
    const inbox = await db.transaction().execute(async (trx) => {
      const i = await trx
        .insertInto('inboxes')
        .values({ channel: b.channel, account_id: b.accountId, name: b.name, bot_enabled: b.botEnabled ?? true, team_id: b.teamId ?? null, settings: toJson(sealSecretFields(hooks.secrets, b.settings ?? {})) })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (const agentId of b.memberIds ?? []) await trx.insertInto('inbox_members').values({ inbox_id: i.id, agent_id: agentId }).execute();
      return i;
    }).catch(uniqueToValidation('this channel account already has an inbox'));
    if (b.memberIds?.length) await api.accessChanged(b.memberIds);
    res.status(201).json(inboxJson(inbox, b.memberIds ?? []));
  });
  r.patch('/inboxes/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(inboxPatch, req.body);
    if (b.settings) assertCareSettings(b.settings);
    const membersChanged: number[] = [];
    const updated = await db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw new GatewayError('GW_ERR_NOT_FOUND', 'inbox not found');
      const changes = {
        ...(b.name ? { name: b.name } : {}),
        ...(b.botEnabled !== undefined ? { bot_enabled: b.botEnabled } : {}),
        ...(b.teamId !== undefined ? { team_id: b.teamId } : {}),
        ...(b.settings ? { settings: toJson(sealSecretFields(hooks.secrets, { ...current.settings, ...b.settings }, current.settings)) } : {}),
        ...(b.settings && 'surveys' in b.settings && changed(current.settings.surveys, b.settings.surveys) ? { surveys_changed_at: hooks.now() } : {}),
      };
      // Only the members may change: there is no column to set.
      const i = Object.keys(changes).length === 0 ? current : await trx.updateTable('inboxes').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      if (b.memberIds) {
        const before = await trx.deleteFrom('inbox_members').where('inbox_id', '=', id).returning('agent_id').execute();
        membersChanged.push(...before.map((m) => m.agent_id), ...b.memberIds);
        for (const agentId of b.memberIds) await trx.insertInto('inbox_members').values({ inbox_id: id, agent_id: agentId }).execute();
      }
      return { row: i, hoursChanged: b.settings !== undefined && BUSINESS_HOURS_SETTING in b.settings && changed(current.settings[BUSINESS_HOURS_SETTING], b.settings[BUSINESS_HOURS_SETTING]) };
    }).catch(uniqueToValidation('invalid inbox change'));
    if (updated.hoursChanged) hooks.businessHoursChanged?.(id);
    if (membersChanged.length > 0) await api.accessChanged([...new Set(membersChanged)]);
    res.json(inboxJson(updated.row));
  });
  r.delete('/inboxes/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    if (await db.selectFrom('conversations').select('id').where('inbox_id', '=', id).limit(1).executeTakeFirst()) {
      throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'this inbox has conversations; it cannot be deleted');
    }
    const members = await db.selectFrom('inbox_members').select('agent_id').where('inbox_id', '=', id).execute();
    const gone = await db.deleteFrom('inboxes').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new GatewayError('GW_ERR_NOT_FOUND', 'inbox not found');
    if (members.length > 0) await api.accessChanged(members.map((m) => m.agent_id));
    res.status(204).end();
  });

  r.get('/canned-responses', anyAgent, async (_req, res) => {
    const rows = await db.selectFrom('canned_responses').selectAll().orderBy('short_code').execute();
    res.json({ items: rows.map((c) => ({ id: c.id, shortCode: c.short_code, content: c.content })) });
  });
  r.post('/canned-responses', admin, async (req, res) => {
    const b = parse(cannedBody, req.body);
    const c = await db.insertInto('canned_responses').values({ short_code: b.shortCode, content: b.content }).returningAll().executeTakeFirstOrThrow().catch(uniqueToValidation('this short code exists'));
    res.status(201).json({ id: c.id, shortCode: c.short_code, content: c.content });
  });
  r.patch('/canned-responses/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(cannedBody.partial().refine((v) => Object.keys(v).length > 0, 'nothing to change'), req.body);
    const c = await db
      .updateTable('canned_responses')
      .set({ ...(b.shortCode ? { short_code: b.shortCode } : {}), ...(b.content ? { content: b.content } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
      .catch(uniqueToValidation('this short code exists'));
    if (!c) throw new GatewayError('GW_ERR_NOT_FOUND', 'canned response not found');
    res.json({ id: c.id, shortCode: c.short_code, content: c.content });
  });
  r.delete('/canned-responses/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const gone = await db.deleteFrom('canned_responses').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new GatewayError('GW_ERR_NOT_FOUND', 'canned response not found');
    res.status(204).end();
  });

  return r;
}

/**
 * Inbox settings as the API shows them (to agents too): every secret-named field at any
 * depth (`identitySecret`, `bot.secret`…) reduced to "[set]", a password in a URL hidden.
 * "[set]" sent back in a PATCH keeps the stored secret.
 */
function publicSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return maskSecrets(settings) as Record<string, unknown>;
}

/** Business hours, the auto-resolve time, the survey and contacts settings and the widget's allowed origins are checked before they are stored (400 naming the problem). */
function assertCareSettings(settings: Record<string, unknown>): void {
  const problems = [businessHoursSettingProblem(settings), autoResolveSettingProblem(settings), surveySettingsProblem(settings), contactSettingsProblem(settings), allowedOriginsSettingProblem(settings)].filter((p) => p !== null);
  if (problems.length > 0) throw new GatewayError('GW_ERR_VALIDATION', problems.join('; '));
}

function uniqueToValidation(message: string) {
  return (err: unknown): never => {
    const code = (err as { code?: string }).code;
    if (code === '23505' || code === '23503') throw new GatewayError('GW_ERR_VALIDATION', message);
    throw err;
  };
}

/** An inbox as the API shows it; `connection.problem` says why its channel account cannot send. */
function inboxJson(i: InboxRow, memberIds?: number[]) {
  return {
    id: i.id,
    channel: i.channel,
    accountId: i.account_id,
    name: i.name,
    botEnabled: i.bot_enabled,
    teamId: i.team_id,
    settings: publicSettings(i.settings),
    connection: { ok: i.connection_error === null, problem: i.connection_error, since: i.connection_error_at },
    ...(memberIds ? { memberIds } : {}),
  };
}
