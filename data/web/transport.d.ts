// Types of obs-sse-audio-player/transport (transport.js): EventSource on /stream, base64 to MP3 bytes, timing.

import type { Endpoints } from './player.js';

export type { Endpoints };
export type LinkState = 'stopped' | 'connecting' | 'live' | 'reconnecting' | 'offair';

export declare function endpointsFor(pageHref: string, key?: string): Endpoints;
export declare function decodeBase64(text: string): Uint8Array;
export declare function parseTiming(text: string): { captureMs: number; serverMs: number } | null;

export interface TransportHandlers {
	onAudio(bytes: Uint8Array): void;
	onTiming(timing: { captureMs: number; serverMs: number }, receivedAtMs: number): void;
	onState(state: LinkState): void;
	onReconnect(): void;
	onStopped(): void;
}

export declare class SseTransport {
	constructor(url: string, handlers: TransportHandlers);
	readonly state: LinkState;
	start(): void;
	stop(): void;
	/** Opens the connection now when it is waiting out its backoff after failures; otherwise does nothing. */
	retryNow(): void;
}

export declare class StatusPoller {
	/** `url`: an address, or a function giving it at each poll. */
	constructor(url: string | (() => string),
		onResult: (result: { status?: unknown; httpStatus?: number; error?: unknown }) => void, intervalMs?: number);
	start(): void;
	stop(): void;
	now(): void;
}
