// Types of obs-sse-audio-player/player (player.js): the controller behind the player page and <obs-sse-audio>.

export type PlaybackPath = 'webcodecs' | 'webaudio' | 'mse' | 'managed' | 'element';
export declare const PATHS: readonly PlaybackPath[];

/** window.sseAudio.stats of the player page, and the element's `stats`: docs/protocol.md, "The player page". */
export interface PlayerStats {
	state: string;
	path: PlaybackPath | 'checking' | 'none';
	container: 'mpeg' | 'mp4' | null;
	latencyMs: number | null;
	bufferedMs: number;
	underruns: number;
	reconnects: number;
	eventsReceived: number;
	bytesReceived: number;
	playbackRate: number;
	currentTime: number;
	jumps: number;
	stalls: number;
	decodeErrors: number;
	engineRestarts: number;
	lastEngineError: string | null;
	sounding: boolean;
	paths: PlaybackPath[];
	failedPaths: PlaybackPath[];
	lastFailure: string | null;
	routed: boolean;
	arrivalLagMs: number | null;
	slowLink: boolean;
	firstSoundMs: number | null;
	targetBufferMs: number | null;
	clockOffsetMs: number | null;
	outputLatencyMs: number;
	deviceLatencyIncluded: boolean;
	pipelineMs: number;
	rateControl: unknown;
	title: string;
	bitrateKbps: number | null;
	listeners: number | null;
	volume: number;
	muted: boolean;
	channel: string | null;
	lastSwitchGapMs: number | null;
	floor: { playing: boolean; volume: number; offsetMs: number | null };
}

export interface Endpoints {
	stream: string;
	mp3: string;
	status: string;
	channels: string;
	keyGiven: boolean;
}

export interface PlayerOptions {
	/** The address the stream's addresses are relative to; default: the page's. */
	base?: string;
	/** The player page (its address, title, keys and media session are the player's); default true. */
	inPage?: boolean;
	/** The channel asked for; default: the page address's ?channel=. */
	channel?: () => string | null;
}

/** `view`: a PlayerView (ui.js) or an object with its methods. */
export declare class Player {
	constructor(view: object, strings: object, endpoints: Endpoints, askedBufferMs: number | null, options?: PlayerOptions);
	readonly stats: PlayerStats;
	readonly playing: boolean;
	readonly volume: number;
	readonly muted: boolean;
	choosePath(asked?: string | null): Promise<void>;
	analyse(): { peakHz: number | null; peakDb: number | null; levelDb: number } | null;
	start(): void;
	stop(): void;
	toggle(): void;
	setVolume(volume: number): void;
	setMuted(muted: boolean): void;
	setChannel(id: string): void;
	useKey(key: string): void;
	dispose(): void;
}

export declare function playbackPaths(audio: HTMLAudioElement, asked?: string | null):
	Promise<{ paths: PlaybackPath[]; missing: PlaybackPath | null }>;
