export { CURRENT_WINDOW_MS, currentVisitors, type LastSeen } from './current-visitors.js';
export { liveSnapshot, type LiveSnapshot, type MinuteWindows } from './live-snapshot.js';
export { SSE_PING, sseFrame } from './sse-frame.js';
export { LiveHub, type LiveHubOptions } from './live-hub.js';
export { StreamPipeline, type ProcessedInfo, type StreamPipelineOptions } from './stream-pipeline.js';
export { liveRoute, type LiveRouteOptions } from './live-route.js';
