import type { EventType } from '../beacon/wire-event.js';
import type { Props } from '../options.js';

/** How the loader's watchers hand an event to the client (which adds id, url and time). */
export type Emit = (type: EventType, name: string | null, props: Props) => void;
