import type { WireEvent } from '../beacon/wire-event.js';
import { scrubProps, scrubText, scrubUrl } from '../scrub/index.js';
import type { ScrubUrlOptions } from '../scrub/index.js';

/** The scrub stage: an event as captured -> the same event with no personal data left in it. */
export function scrubEvent(event: WireEvent, options: ScrubUrlOptions): WireEvent {
  return {
    id: event.id,
    type: event.type,
    url: scrubUrl(event.url, options),
    referrer: scrubUrl(event.referrer, options),
    ts: event.ts,
    name: event.name == null ? null : scrubText(event.name),
    props: scrubProps(event.props, options),
  };
}
