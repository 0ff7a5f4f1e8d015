// Schema versions, applied in order inside one transaction each. Never edit a shipped migration:
// add the next one.
export const migrations: readonly string[] = [
  // 1: residents, conversations, questions, feedback, roles, announcements, deliveries
  `
  CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    display_name TEXT,
    topics TEXT NOT NULL DEFAULT '[]',      -- JSON array of topic slugs; [] = every topic
    ward TEXT,                               -- NULL = the whole city
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unsubscribed', 'blocked')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (channel, chat_id)
  );
  CREATE INDEX subscribers_status ON subscribers (status, channel);

  CREATE TABLE conversation_turns (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX conversation_turns_chat ON conversation_turns (channel, chat_id, created_at);

  CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    user_id TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    status TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',    -- JSON Citation[] as shown to the resident
    confidence REAL NOT NULL DEFAULT 0,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX questions_chat ON questions (channel, chat_id);

  CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    comment TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (question_id, channel, chat_id)
  );

  CREATE TABLE roles (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel, user_id)
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    allowed INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE processed_updates (
    channel TEXT NOT NULL,
    update_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel, update_key)
  );

  CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    attachment TEXT,                          -- JSON {kind, path?, url?, fileName?}
    channels TEXT NOT NULL DEFAULT '[]',      -- JSON; [] = every channel
    topics TEXT NOT NULL DEFAULT '[]',        -- JSON; [] = every topic
    wards TEXT NOT NULL DEFAULT '[]',         -- JSON; [] = every ward
    scheduled_at INTEGER,
    expires_at INTEGER,
    author TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
  );
  CREATE INDEX announcements_status ON announcements (status, scheduled_at);

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    -- 'sending' = claimed by a worker, outcome not yet recorded (the only state that can repeat after a crash)
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    claimed_at INTEGER,
    sent_at INTEGER,
    UNIQUE (announcement_id, subscriber_id)
  );
  CREATE INDEX deliveries_queue ON deliveries (channel, status, next_attempt_at);
  CREATE INDEX deliveries_announcement ON deliveries (announcement_id, status);
  `,
  // 2: broadcast bookkeeping — a delivery refused because the chat blocked the bot (counted apart
  // from other failures), and the knowledge-base file an announcement was published as (removed at expiry)
  `
  ALTER TABLE deliveries ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE announcements ADD COLUMN knowledge_file TEXT;
  CREATE INDEX announcements_expiry ON announcements (expires_at) WHERE knowledge_file IS NOT NULL;
  -- progress counts run several times a second during a broadcast: answer them from the index alone
  DROP INDEX deliveries_announcement;
  CREATE INDEX deliveries_progress ON deliveries (announcement_id, status, blocked, sent_at);
  `,
  // 3: one delivery worker per channel across processes — the lease a worker must hold to drain a
  // channel's outbox, who claimed each delivery (so a takeover resets only a dead holder's claims),
  // and how many tries were flood-control answers (429), which do not use up the retry budget
  `
  CREATE TABLE worker_leases (
    channel TEXT PRIMARY KEY,
    holder TEXT NOT NULL,                    -- host/pid/nonce of the worker
    acquired_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL              -- renewed by the holder's heartbeat
  );
  ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
  ALTER TABLE deliveries ADD COLUMN rate_limited INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: the staff console — personal accounts (password hashes, sign-in throttle), their sessions,
  // the audit trail of console actions (with the person's name), curated answers and their versions
  `
  CREATE TABLE console_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- the sign-in name
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
    password_hash TEXT NOT NULL,
    telegram_id TEXT,
    zalo_id TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_sign_in_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE console_sessions (
    sid TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

  CREATE TABLE console_audit (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,                             -- NULL for a failed sign-in with an unknown name
    user_name TEXT NOT NULL,                     -- kept when the account is removed
    action TEXT NOT NULL,
    target TEXT,
    allowed INTEGER NOT NULL,
    ip TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX console_audit_time ON console_audit (created_at);

  CREATE TABLE curated_answers (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    version INTEGER NOT NULL DEFAULT 1,
    answer TEXT NOT NULL,
    variants TEXT NOT NULL,                      -- JSON string[]: the questions it answers
    citations TEXT NOT NULL DEFAULT '[]',        -- JSON [{docId, title, number?, issued?, sourceUrl?}]
    expires_at INTEGER,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE curated_answer_versions (
    curated_id INTEGER NOT NULL REFERENCES curated_answers (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    answer TEXT NOT NULL,
    variants TEXT NOT NULL,
    citations TEXT NOT NULL,
    expires_at INTEGER,
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (curated_id, version)
  );
  CREATE INDEX questions_time ON questions (created_at);
  `,
  // 5: a subscription covers several wards (the same choice staff have when announcing); the one
  // ward a subscriber had becomes a list of one.
  `
  ALTER TABLE subscribers ADD COLUMN wards TEXT NOT NULL DEFAULT '[]';   -- JSON array of ward names; [] = the whole city
  UPDATE subscribers SET wards = json_array(ward) WHERE ward IS NOT NULL;
  ALTER TABLE subscribers DROP COLUMN ward;
  `,
  // 6: cases residents hand to staff (questions for a person, field reports): the case, what was
  // said in it (resident, staff, internal notes, status changes, assignments, rating) and its photos.
  // chat_id/user_id/text go NULL/'' when the resident deletes their data; the row stays for the figures.
  `
  CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('question', 'report')),
    status TEXT NOT NULL DEFAULT 'new'
      CHECK (status IN ('new', 'accepted', 'in_progress', 'resolved', 'closed', 'out_of_scope')),
    channel TEXT NOT NULL,
    chat_id TEXT,
    user_id TEXT,
    display_name TEXT,
    category TEXT,
    ward TEXT,
    address TEXT,
    latitude REAL,
    longitude REAL,
    text TEXT NOT NULL,
    assignee TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    first_reply_at INTEGER,
    handled_at INTEGER,
    closed_at INTEGER,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_asked INTEGER NOT NULL DEFAULT 0,
    anonymized INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX cases_chat ON cases (channel, chat_id, created_at);
  CREATE INDEX cases_queue ON cases (status, due_at);
  CREATE INDEX cases_time ON cases (created_at);

  CREATE TABLE case_entries (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('resident', 'staff', 'note', 'status', 'assign', 'rating')),
    author TEXT,
    text TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX case_entries_case ON case_entries (case_id, id);

  CREATE TABLE case_photos (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    file TEXT NOT NULL UNIQUE,
    mime TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX case_photos_case ON case_photos (case_id);
  `,
  // 7: direct notices (one message to one chat, e.g. a case's status change) share the outbox with
  // announcements. deliveries is rebuilt (SQLite cannot drop NOT NULL in place): a row belongs to
  // either an announcement × subscriber or a notice, never both. Nothing references deliveries, so
  // dropping the old table under foreign_keys = ON cascades nowhere.
  `
  CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    text TEXT NOT NULL,
    actions TEXT NOT NULL DEFAULT '[]',      -- JSON [{label, data}]: buttons where the channel has them
    key TEXT UNIQUE,                          -- idempotency key of the caller; NULL = none
    created_at INTEGER NOT NULL
  );
  CREATE INDEX notices_chat ON notices (channel, chat_id);

  CREATE TABLE deliveries_v7 (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER REFERENCES announcements (id) ON DELETE CASCADE,
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE CASCADE,
    notice_id INTEGER UNIQUE REFERENCES notices (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    -- 'sending' = claimed by a worker, outcome not yet recorded (the only state that can repeat after a crash)
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    claimed_at INTEGER,
    sent_at INTEGER,
    blocked INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    rate_limited INTEGER NOT NULL DEFAULT 0,
    UNIQUE (announcement_id, subscriber_id),
    CHECK ((announcement_id IS NULL) = (subscriber_id IS NULL)),
    CHECK ((announcement_id IS NULL) <> (notice_id IS NULL))
  );
  INSERT INTO deliveries_v7 (id, announcement_id, subscriber_id, channel, chat_id, status, attempts, last_error,
                             next_attempt_at, claimed_at, sent_at, blocked, claimed_by, rate_limited)
    SELECT id, announcement_id, subscriber_id, channel, chat_id, status, attempts, last_error,
           next_attempt_at, claimed_at, sent_at, blocked, claimed_by, rate_limited FROM deliveries;
  DROP TABLE deliveries;
  ALTER TABLE deliveries_v7 RENAME TO deliveries;
  CREATE INDEX deliveries_queue ON deliveries (channel, status, next_attempt_at);
  CREATE INDEX deliveries_progress ON deliveries (announcement_id, status, blocked, sent_at);
  -- notices go before a running broadcast's backlog, and in order per chat: both read these
  CREATE INDEX deliveries_notice_queue ON deliveries (channel, status, next_attempt_at) WHERE notice_id IS NOT NULL;
  CREATE INDEX deliveries_notice_chat ON deliveries (channel, chat_id, id) WHERE notice_id IS NOT NULL;
  `,
];
