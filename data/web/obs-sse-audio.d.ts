// Types of obs-sse-audio-player's entry (embed.js): the <obs-sse-audio> custom element. docs/embedding.md.

import type { PlayerStats } from './player.js';

export type { PlayerStats };

/** `stopped`, `connecting`, `buffering`, `live` (sound coming out), `reconnecting`, `offair`, `unsupported`, or
 * `error` (the player could not load). */
export type ElementState = 'stopped' | 'connecting' | 'buffering' | 'live' | 'reconnecting' | 'offair' | 'unsupported' |
	'error';

export interface StateChangeDetail {
	state: ElementState;
}

export interface ErrorDetail {
	/** `origin-not-allowed`, `unreachable`, or the player's notice source: `server`, `playback`, `network`, `path`. */
	code: string;
	/** In the element's language (English or Chinese). */
	message: string;
}

export interface ObsSseAudioElementEventMap {
	statechange: CustomEvent<StateChangeDetail>;
	error: CustomEvent<ErrorDetail>;
}

export declare class ObsSseAudioElement extends HTMLElement {
	static readonly observedAttributes: string[];
	/** The stream's address (the `src` attribute, resolved); default: the server embed.js came from. */
	src: string;
	/** The channel's id (the `channel` attribute), or null. */
	channel: string | null;
	readonly state: ElementState;
	/** The player page's window.sseAudio.stats (docs/protocol.md); `{state}` before the player loaded. */
	readonly stats: PlayerStats | { state: ElementState };
	/** 0..1, remembered in this browser. */
	volume: number;
	muted: boolean;
	/** Starts playback; call it from a click or key press. Rejects when the player could not load. */
	play(): Promise<void>;
	pause(): void;
	addEventListener<K extends keyof ObsSseAudioElementEventMap>(type: K,
		listener: (this: ObsSseAudioElement, event: ObsSseAudioElementEventMap[K]) => unknown,
		options?: boolean | AddEventListenerOptions): void;
	addEventListener(type: string, listener: EventListenerOrEventListenerObject,
		options?: boolean | AddEventListenerOptions): void;
}

declare global {
	interface HTMLElementTagNameMap {
		'obs-sse-audio': ObsSseAudioElement;
	}
}
