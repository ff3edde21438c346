import { checkBlocks, checkModalView, MESSAGE_MAX_BLOCKS } from './slack-sim-blocks.js';
import { viewHash } from './slack-sim-ids.js';
import type { SimState } from './slack-sim-state.js';
import type { SimMessage } from './slack-sim-types.js';

type Json = Record<string, unknown>;
type Args = Record<string, unknown>;
export type MethodHandler = (state: SimState, args: Args) => Json;

/** Slack cuts message text at 40,000 characters and answers msg_too_long above it. */
const MAX_MESSAGE_TEXT = 40_000;
const MAX_VIEW_BYTES = 250_000;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A form value as Slack reads it: strings as is, numbers and booleans as their text. */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

function ok(body: Json = {}): Json {
  return { ok: true, ...body };
}

function fail(error: string, messages?: string[]): Json {
  return messages && messages.length > 0
    ? { ok: false, error, response_metadata: { messages } }
    : { ok: false, error };
}

function missing(arg: string): Json {
  return fail('invalid_arguments', [`[ERROR] missing required field: ${arg}`]);
}

function messageJson(state: SimState, m: SimMessage): Json {
  const out: Json = {
    user: m.user,
    type: 'message',
    ts: m.ts,
    bot_id: m.bot_id,
    app_id: state.id.appId,
    text: m.text ?? '',
    team: state.id.teamId,
    bot_profile: {
      id: m.bot_id,
      app_id: state.id.appId,
      name: state.id.botName,
      deleted: false,
      team_id: state.id.teamId,
    },
  };
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.thread_ts) {
    out.thread_ts = m.thread_ts;
    out.parent_user_id = state.findMessage(m.channel, m.thread_ts)?.user;
  }
  return out;
}

/** Shared content rules of chat.postMessage / chat.update / chat.postEphemeral. */
function checkContent(args: Args, requireSome: boolean): Json | undefined {
  const blocks = args.blocks;
  if (blocks !== undefined) {
    const check = checkBlocks(blocks, MESSAGE_MAX_BLOCKS, '/blocks');
    if (check.problems.length > 0) return fail('invalid_blocks', check.problems);
  }
  const attachments = args.attachments;
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) return fail('invalid_attachments');
    if (attachments.length > 100) return fail('too_many_attachments');
  }
  const text = str(args.text);
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) return fail('msg_too_long');
  const hasSome =
    text !== undefined ||
    (Array.isArray(blocks) && blocks.length > 0) ||
    (Array.isArray(attachments) && attachments.length > 0);
  if (requireSome && !hasSome) return fail('no_text');
  return undefined;
}

const authTest: MethodHandler = (state) =>
  ok({
    url: `https://${state.id.teamDomain}.slack.com/`,
    team: state.id.teamName,
    user: state.id.botName,
    team_id: state.id.teamId,
    user_id: state.id.botUserId,
    bot_id: state.id.botId,
    is_enterprise_install: false,
  });

const usersInfo: MethodHandler = (state, args) => {
  const id = str(args.user);
  if (!id) return missing('user');
  const u = state.users.get(id);
  return u ? ok({ user: state.userObject(u) }) : fail('user_not_found');
};

const chatPostMessage: MethodHandler = (state, args) => {
  const target = state.resolvePostable(str(args.channel));
  if (!target.ok) return fail(target.error);
  const bad = checkContent(args, true);
  if (bad) return bad;
  const m: SimMessage = {
    channel: target.id,
    ts: state.clock.next(),
    user: state.id.botUserId,
    bot_id: state.id.botId,
    updates: 0,
  };
  const text = str(args.text);
  const threadTs = str(args.thread_ts);
  if (text !== undefined) m.text = text;
  if (Array.isArray(args.blocks)) m.blocks = args.blocks;
  if (Array.isArray(args.attachments)) m.attachments = args.attachments;
  if (threadTs !== undefined) m.thread_ts = threadTs;
  if (threadTs !== undefined && truthy(args.reply_broadcast)) m.reply_broadcast = true;
  state.addMessage(m);
  return ok({ channel: m.channel, ts: m.ts, message: messageJson(state, m) });
};

const chatUpdate: MethodHandler = (state, args) => {
  const ts = str(args.ts);
  if (!ts) return missing('ts');
  const target = state.resolveChannel(str(args.channel));
  if (!target.ok) return fail(target.error);
  if (target.channel.archived) return fail('is_archived');
  const m = state.findMessage(target.id, ts);
  if (!m) return fail('message_not_found');
  const bad = checkContent(args, false);
  if (bad) return bad;
  const text = str(args.text);
  if (text !== undefined) m.text = text;
  if (Array.isArray(args.blocks)) m.blocks = args.blocks;
  if (Array.isArray(args.attachments)) m.attachments = args.attachments;
  m.updates += 1;
  return ok({ channel: m.channel, ts: m.ts, text: m.text ?? '', message: messageJson(state, m) });
};

const chatPostEphemeral: MethodHandler = (state, args) => {
  const user = str(args.user);
  if (!user) return missing('user');
  const target = state.resolvePostable(str(args.channel));
  if (!target.ok) return fail(target.error);
  if (!state.users.has(user)) return fail('user_not_in_channel');
  const bad = checkContent(args, true);
  if (bad) return bad;
  return ok({ message_ts: state.clock.next() });
};

const conversationsOpen: MethodHandler = (state, args) => {
  const channel = str(args.channel);
  if (channel) {
    const known = state.channels.get(channel);
    if (!known || known.type === 'public') return fail('channel_not_found');
    return ok({ no_op: true, already_open: true, channel: { id: channel } });
  }
  const users = (str(args.users) ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  if (users.length === 0) return fail('users_list_not_supplied');
  for (const u of users) if (!state.users.has(u)) return fail('user_not_found');
  if (users.length === 1) {
    const user = users[0] ?? '';
    const im = state.openIm(user);
    const body: Json = { channel: truthy(args.return_im) ? { id: im.id, is_im: true, user } : { id: im.id } };
    if (im.existed) Object.assign(body, { no_op: true, already_open: true });
    return ok(body);
  }
  const id = state.nextMpimId();
  state.channels.set(id, { type: 'private', botMember: true });
  return ok({ channel: { id } });
};

const conversationsInfo: MethodHandler = (state, args) => {
  const r = state.resolveChannel(str(args.channel));
  if (!r.ok || /^[UW]/.test(str(args.channel) ?? '')) return fail('channel_not_found');
  const c = r.channel;
  // Without membership a private channel is invisible to the bot.
  if (c.type !== 'public' && !c.botMember) return fail('channel_not_found');
  const user = c.type === 'im' ? [...state.ims].find(([, d]) => d === r.id)?.[0] : undefined;
  return ok({
    channel: {
      id: r.id,
      is_channel: c.type === 'public',
      is_group: false,
      is_im: c.type === 'im',
      is_private: c.type !== 'public',
      is_archived: c.archived ?? false,
      is_member: c.botMember,
      ...(user ? { user } : {}),
    },
  });
};

function takeTrigger(state: SimState, args: Args): Json | undefined {
  const trigger = str(args.trigger_id);
  if (!trigger) return missing('trigger_id');
  if (state.usedTriggers.has(trigger)) return fail('exchanged_trigger_id');
  return undefined;
}

function checkView(view: unknown): Json | undefined {
  if (view === undefined) return missing('view');
  const problems = checkModalView(view);
  if (problems.length > 0) return fail('invalid_arguments', problems);
  if (JSON.stringify(view).length > MAX_VIEW_BYTES) return fail('view_too_large');
  return undefined;
}

function materialize(
  state: SimState,
  input: Json,
  id: string,
  rootViewId: string,
  previous: string | null,
): Json {
  return {
    id,
    team_id: state.id.teamId,
    type: 'modal',
    blocks: input.blocks,
    private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
    callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
    state: { values: {} },
    hash: viewHash(),
    title: input.title,
    clear_on_close: truthy(input.clear_on_close),
    notify_on_close: truthy(input.notify_on_close),
    close: input.close ?? null,
    submit: input.submit ?? null,
    previous_view_id: previous,
    root_view_id: rootViewId,
    app_id: state.id.appId,
    external_id: typeof input.external_id === 'string' ? input.external_id : '',
    app_installed_team_id: state.id.teamId,
    bot_id: state.id.botId,
  };
}

function createView(state: SimState, args: Args, previous: string | null): Json {
  const badTrigger = takeTrigger(state, args);
  if (badTrigger) return badTrigger;
  const input = args.view;
  const badView = checkView(input);
  if (badView || !isRecord(input)) return badView ?? missing('view');
  const externalId = typeof input.external_id === 'string' ? input.external_id : '';
  if (externalId && state.viewByExternalId.has(externalId)) return fail('duplicate_external_id');
  state.usedTriggers.add(str(args.trigger_id) ?? '');
  const id = state.nextViewId();
  const view = materialize(state, input, id, id, previous);
  state.views.set(id, { id, view, updates: 0 });
  if (externalId) state.viewByExternalId.set(externalId, id);
  return ok({ view });
}

const viewsOpen: MethodHandler = (state, args) => createView(state, args, null);
const viewsPush: MethodHandler = (state, args) => createView(state, args, null);

const viewsUpdate: MethodHandler = (state, args) => {
  const viewId = str(args.view_id);
  const externalId = str(args.external_id);
  if (!viewId && !externalId) return missing('view_id');
  const id = viewId ?? state.viewByExternalId.get(externalId ?? '');
  const current = id ? state.views.get(id) : undefined;
  if (!current) return fail('not_found');
  const hash = str(args.hash);
  if (hash !== undefined && hash !== current.view.hash) return fail('hash_conflict');
  const input = args.view;
  const badView = checkView(input);
  if (badView || !isRecord(input)) return badView ?? missing('view');
  const rootViewId = typeof current.view.root_view_id === 'string' ? current.view.root_view_id : current.id;
  const previous = typeof current.view.previous_view_id === 'string' ? current.view.previous_view_id : null;
  const oldExternal = current.view.external_id;
  // An update that names no external_id keeps the one the view had.
  const withExternal = input.external_id === undefined ? { ...input, external_id: oldExternal } : input;
  const view = materialize(state, withExternal, current.id, rootViewId, previous);
  if (typeof oldExternal === 'string' && oldExternal) state.viewByExternalId.delete(oldExternal);
  if (typeof view.external_id === 'string' && view.external_id)
    state.viewByExternalId.set(view.external_id, current.id);
  current.view = view;
  current.updates += 1;
  return ok({ view });
};

const filesInfo: MethodHandler = (state, args) => {
  const id = str(args.file);
  if (!id) return missing('file');
  const f = state.files.get(id);
  return f
    ? ok({ file: f.object, comments: [], response_metadata: { next_cursor: '' } })
    : fail('file_not_found');
};

export const METHODS: ReadonlyMap<string, MethodHandler> = new Map<string, MethodHandler>([
  ['auth.test', authTest],
  ['users.info', usersInfo],
  ['chat.postMessage', chatPostMessage],
  ['chat.update', chatUpdate],
  ['chat.postEphemeral', chatPostEphemeral],
  ['conversations.open', conversationsOpen],
  ['conversations.info', conversationsInfo],
  ['views.open', viewsOpen],
  ['views.update', viewsUpdate],
  ['views.push', viewsPush],
  ['files.info', filesInfo],
]);
