export type { Clock, SessionChange, SessionSnapshot, StreamEvent, StreamEventType } from './types.js';
export { sessionKey } from './types.js';
export { SESSION_GAP_MS, sessionsFromEvents } from './sessions-from-events.js';
export { diffSessions } from './diff-sessions.js';
export { Sessionizer, type IngestResult, type SessionizerOptions } from './sessionizer.js';
export { fromStoredEvent } from './from-stored-event.js';
