import { idGenerator, TsClock } from './slack-sim-ids.js';
import type {
  SimMessage,
  SimView,
  SlackChannelFixture,
  SlackFileInput,
  SlackFileObject,
  SlackUserFixture,
} from './slack-sim-types.js';

export interface SimIdentity {
  origin: string;
  botToken: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  teamName: string;
  teamDomain: string;
  botName: string;
}

export type ChannelResolution =
  | { ok: true; id: string; channel: SlackChannelFixture }
  | { ok: false; error: string };

export interface StoredFile {
  object: SlackFileObject;
  bytes: Buffer;
}

const MIME_BY_TYPE: Record<string, string> = {
  text: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
};

/** Everything the simulated workspace knows: people, channels, the bot's messages, views and files. */
export class SimState {
  readonly users = new Map<string, SlackUserFixture>();
  readonly channels = new Map<string, SlackChannelFixture>();
  readonly notFound = new Set<string>();
  /** user id → the bot's DM channel with that user. */
  readonly ims = new Map<string, string>();
  readonly messagesByChannel = new Map<string, SimMessage[]>();
  readonly views = new Map<string, SimView>();
  readonly viewByExternalId = new Map<string, string>();
  readonly usedTriggers = new Set<string>();
  readonly files = new Map<string, StoredFile>();
  readonly clock = new TsClock();
  readonly nextViewId = idGenerator('V');
  readonly nextImId = idGenerator('D');
  readonly nextMpimId = idGenerator('G');
  readonly nextFileId = idGenerator('F');

  constructor(readonly id: SimIdentity) {
    this.users.set(id.botUserId, { id: id.botUserId, name: id.botName, is_bot: true });
  }

  /** Dynamic state only; fixtures (users, channels, files, DMs) survive. */
  reset(): void {
    this.messagesByChannel.clear();
    this.views.clear();
    this.viewByExternalId.clear();
    this.usedTriggers.clear();
  }

  userObject(u: SlackUserFixture): Record<string, unknown> {
    const name = u.name ?? u.id.toLowerCase();
    const profile: Record<string, unknown> = {
      real_name: name,
      real_name_normalized: name,
      display_name: name,
      display_name_normalized: name,
      first_name: name.split(/\s+/)[0] ?? name,
      last_name: '',
      title: '',
      phone: '',
      status_text: '',
      status_emoji: '',
      avatar_hash: 'g000000000000',
      image_48: `${this.id.origin}/avatars/${u.id}_48.png`,
      team: this.id.teamId,
    };
    // No email without one: Slack omits profile.email too when the app lacks users:read.email.
    if (u.email !== undefined) profile.email = u.email;
    if (u.is_bot && u.id === this.id.botUserId) {
      profile.bot_id = this.id.botId;
      profile.api_app_id = this.id.appId;
    }
    const tz = u.tz ?? 'America/Los_Angeles';
    return {
      id: u.id,
      team_id: this.id.teamId,
      name,
      deleted: u.deleted ?? false,
      color: '9f69e7',
      real_name: name,
      tz,
      tz_label: tz,
      tz_offset: 0,
      profile,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: u.is_restricted ?? false,
      is_ultra_restricted: u.is_ultra_restricted ?? false,
      is_bot: u.is_bot ?? false,
      is_app_user: false,
      updated: 1_700_000_000,
      is_email_confirmed: u.email !== undefined,
      who_can_share_contact_card: 'EVERYONE',
    };
  }

  openIm(userId: string): { id: string; existed: boolean } {
    const existing = this.ims.get(userId);
    if (existing) return { id: existing, existed: true };
    const id = this.nextImId();
    this.ims.set(userId, id);
    this.channels.set(id, { type: 'im', botMember: true });
    return { id, existed: false };
  }

  /**
   * Where a post to `channel` lands and whether the bot may write there. Unknown channels are a
   * public channel the bot is in, unless marked not found; a user id means the bot's DM with them.
   */
  resolveChannel(channel: string | undefined): ChannelResolution {
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (this.notFound.has(channel)) return { ok: false, error: 'channel_not_found' };
    if (/^[UW]/.test(channel)) {
      if (!this.users.has(channel)) return { ok: false, error: 'channel_not_found' };
      const im = this.openIm(channel);
      return { ok: true, id: im.id, channel: this.channels.get(im.id) ?? { type: 'im', botMember: true } };
    }
    const known = this.channels.get(channel);
    if (!known) {
      const type = channel.startsWith('D') ? 'im' : 'public';
      return { ok: true, id: channel, channel: { type, botMember: true } };
    }
    return { ok: true, id: channel, channel: known };
  }

  /** The chat:write rules: archived channels refuse, private channels need membership, public ones do not. */
  resolvePostable(channel: string | undefined): ChannelResolution {
    const r = this.resolveChannel(channel);
    if (!r.ok) return r;
    const c = r.channel;
    if (c.archived) return { ok: false, error: 'is_archived' };
    if (!c.botMember && c.type === 'private') return { ok: false, error: 'not_in_channel' };
    // A DM between other people is invisible to the bot.
    if (!c.botMember && c.type === 'im') return { ok: false, error: 'channel_not_found' };
    return r;
  }

  messagesIn(channel: string): SimMessage[] {
    const id = /^[UW]/.test(channel) ? (this.ims.get(channel) ?? channel) : channel;
    return this.messagesByChannel.get(id) ?? [];
  }

  addMessage(m: SimMessage): void {
    const list = this.messagesByChannel.get(m.channel);
    if (list) list.push(m);
    else this.messagesByChannel.set(m.channel, [m]);
  }

  findMessage(channel: string, ts: string): SimMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((m) => m.ts === ts);
  }

  addFile(f: SlackFileInput): SlackFileObject {
    const id = f.id ?? this.nextFileId();
    const bytes = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
    const ext = /\.([A-Za-z0-9]+)$/.exec(f.name)?.[1]?.toLowerCase();
    const filetype = f.filetype ?? (ext === 'txt' || ext === undefined ? 'text' : ext);
    const mimetype = f.mimetype ?? MIME_BY_TYPE[filetype] ?? 'application/octet-stream';
    const created = Math.floor(Date.now() / 1000);
    const base = `${this.id.origin}/files-pri/${this.id.teamId}-${id}`;
    const encName = encodeURIComponent(f.name);
    const object: SlackFileObject = {
      id,
      created,
      timestamp: created,
      name: f.name,
      title: f.name,
      mimetype,
      filetype,
      pretty_type: filetype === 'text' ? 'Plain Text' : filetype.toUpperCase(),
      user: [...this.users.keys()].find((u) => u !== this.id.botUserId) ?? this.id.botUserId,
      user_team: this.id.teamId,
      editable: filetype === 'text',
      size: bytes.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      url_private: `${base}/${encName}`,
      url_private_download: `${base}/download/${encName}`,
      permalink: `${this.id.origin}/files/${this.id.teamId}/${id}/${encName}`,
      channels: [],
      groups: [],
      ims: [],
      comments_count: 0,
    };
    this.files.set(id, { object, bytes });
    return object;
  }

  /** Looks up a file from a /files-pri/<team>-<id>/… path. */
  fileForPath(pathname: string): StoredFile | undefined {
    const m = /^\/files-pri\/([^/]+)-([^/-]+)\//.exec(pathname);
    if (!m || m[1] !== this.id.teamId || !m[2]) return undefined;
    return this.files.get(m[2]);
  }
}
