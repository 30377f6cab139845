export { startCollector, type RunningCollector, type StartOptions } from './start-collector.js';
export { readConfig, ConfigError, type CollectorConfig } from './config.js';
export type { App, StoredListener } from './server.js';
export type { Store, StoredEvent, IdHashRow } from './store/store.js';
export type { Stats, StatsQuery } from './stats/stats-types.js';
export type { Handler, RequestContext } from './http/handler.js';
export { HttpError } from './http/http-error.js';
