// The last resort: the browser reads the plain MP3 stream (/stream.mp3) itself with <audio src>. Seconds of delay
// (the browser's own buffering), no timing, but it plays wherever <audio> plays MP3, secure context or not.
// Reports connection state from media events and retries after errors.

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
	#listeners = [];

	// hooks: onPlaying(), onUnderrun(), onState(state), onReconnect()
	constructor(audio, url, hooks) {
		this.#audio = audio;
		this.#url = url;
		this.#hooks = hooks;
	}

	get bufferedMs() {
		const audio = this.#audio;
		const ranges = audio.buffered;
		for (let i = 0; i < ranges.length; i++) {
			if (audio.currentTime >= ranges.start(i) - 0.05 && audio.currentTime <= ranges.end(i)) {
				return Math.round((ranges.end(i) - audio.currentTime) * 1000);
			}
		}
		return 0;
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
		for (const [type, listener] of this.#listeners) {
			this.#audio.removeEventListener(type, listener);
		}
		this.#listeners = [];
		this.#audio.pause();
		this.#audio.removeAttribute('src');
		this.#audio.load();
	}

	#on(type, listener) {
		this.#audio.addEventListener(type, listener);
		this.#listeners.push([type, listener]);
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
