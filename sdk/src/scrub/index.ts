export { scrubText, REDACTED } from './scrub-text.js';
export { scrubUrl, DEFAULT_ALLOWED_PARAMS } from './scrub-url.js';
export type { ScrubUrlOptions } from './scrub-url.js';
export { scrubProps } from './scrub-props.js';
export type { PropValue } from './scrub-props.js';
