// The last resort: the browser reads the plain MP3 stream (/stream.mp3) itself with <audio src>. Seconds of delay
// (the browser's own buffering), no timing, but it plays wherever <audio> plays MP3, secure context or not.
// Reports connection state from media events and retries after errors.

import { bufferedAheadS, ElementListeners } from './media-element.js';

const RETRY_MS = 2000;

export function elementSupported(audio) {
	return audio.canPlayType('audio/mpeg') !== '';
}

export class ElementEngine {
	#audio;
	#url;
	#hooks;
	#retryTimer = 0;
	#listening = false;
	#everPlayed = false;
	#waiting = false;
	#underruns = 0;
	#listeners;

	// hooks: onPlaying(), onUnderrun(), onState(state), onReconnect()
	constructor(audio, url, hooks) {
		this.#audio = audio;
		this.#listeners = new ElementListeners(audio);
		this.#url = url;
		this.#hooks = hooks;
	}

	get bufferedMs() {
		const ahead = bufferedAheadS(this.#audio);
		return ahead === null ? 0 : Math.round(ahead * 1000);
	}

	get rate() {
		return this.#audio.playbackRate;
	}

	get currentTime() {
		return this.#audio.currentTime;
	}

	get underruns() {
		return this.#underruns;
	}

	get jumps() {
		return 0;
	}

	get targetMs() {
		return null; // the browser decides how much it buffers
	}

	get playheadCaptureMs() {
		return null; // the plain stream carries no timing
	}

	start() {
		this.#listening = true;
		this.#everPlayed = false;
		this.#on('playing', () => {
			this.#waiting = false;
			if (this.#everPlayed) {
				this.#hooks.onReconnect();
			} else {
				this.#hooks.onPlaying();
			}
			this.#everPlayed = true;
			this.#hooks.onState('live');
		});
		this.#on('waiting', () => {
			if (this.#everPlayed && !this.#waiting) {
				this.#waiting = true;
				this.#underruns++;
				this.#hooks.onUnderrun();
			}
			this.#hooks.onState(this.#everPlayed ? 'reconnecting' : 'connecting');
		});
		this.#on('error', () => this.#retrySoon());
		this.#on('ended', () => this.#retrySoon());
		this.#hooks.onState('connecting');
		this.#audio.src = this.#url;
		return this.#audio.play();
	}

	push() {
		// The element fetches the stream itself.
	}

	stop() {
		this.#listening = false;
		clearTimeout(this.#retryTimer);
		this.#listeners.removeAll();
		this.#audio.pause();
		this.#audio.removeAttribute('src');
		this.#audio.load();
	}

	#on(type, listener) {
		this.#listeners.on(type, listener);
	}

	#retrySoon() {
		if (!this.#listening) {
			return;
		}
		this.#hooks.onState(this.#everPlayed ? 'reconnecting' : 'connecting');
		clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => {
			if (this.#listening) {
				this.#audio.src = this.#url;
				this.#audio.play().catch(() => this.#retrySoon());
			}
		}, RETRY_MS);
	}
}
