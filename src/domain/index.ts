// The domain vocabulary: the words every layer shares (channels, roles, chats, subscribers,
// announcements, direct notices, votes, documents and answers, the city, errors for a person, city time).
// It imports nothing from the rest of the code except the leaf redact module.
export * from './announcement.js';
export * from './case.js';
export * from './channels.js';
export * from './chat.js';
export * from './city.js';
export * from './city-time.js';
export * from './errors.js';
export * from './knowledge.js';
export * from './notice.js';
export * from './roles.js';
export * from './subscriber.js';
export * from './text.js';
export * from './vote.js';
