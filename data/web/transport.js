// The connection to the server: EventSource on /stream, base64 text -> MP3 bytes, timing and stopped events, and
// the connection state. Knows nothing about playback.
//
// Wire contract (docs/protocol.md): `event: audio`, `id: <opaque>`, one `data:` line of padded base64 holding whole
// MPEG audio frames that decode on their own; `event: timing` gives the capture time of the NEXT audio event;
// `event: stopped` says the broadcaster stopped the output. Ids are never interpreted, only handed back.

const AUDIO_SILENCE_RECONNECT_MS = 10000; // a running stream always carries audio; this long without any = dead link
// After a dropped connection the page reconnects at once, resuming after the last id, so a cut costs little more
// than the reconnect (EventSource alone would wait the server's `retry:`, 250 ms). When that reconnect fails too
// (the server is down), the page waits longer each time, so that a stopped server is not asked again and again
// by every listener.
const RECONNECT_BACKOFF_MS = [500, 1000, 2000, 5000, 10000, 30000];
const QUICK_RECONNECTS = 1; // immediate reconnects after an error before the page's backoff takes over
const WATCHDOG_INTERVAL_MS = 1000;

// The stream's addresses, relative to the page so the same page works under a path prefix behind a relay.
// A `?key=` on the page address (or `key`, the one the listener entered) is passed on to every request that needs it.
export function endpointsFor(pageHref, key = new URL(pageHref).searchParams.get('key') || '') {
	const page = new URL(pageHref);
	const make = (name) => {
		const url = new URL(name, page);
		if (key) {
			url.searchParams.set('key', key);
		}
		return url.href;
	};
	return {
		stream: make('stream'),
		mp3: make('stream.mp3'),
		status: make('status.json'),
		channels: make('channels.json'),
		keyGiven: key !== '',
	};
}

export function decodeBase64(text) {
	if (typeof Uint8Array.fromBase64 === 'function') {
		return Uint8Array.fromBase64(text);
	}
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) {
		bytes[i] = binary.charCodeAt(i);
	}
	return bytes;
}

// Reads a timing event's data: {captureMs, serverMs}, or null when it is not one.
export function parseTiming(text) {
	try {
		const value = JSON.parse(text);
		if (Number.isFinite(value?.capture_ms) && Number.isFinite(value?.server_ms)) {
			return { captureMs: value.capture_ms, serverMs: value.server_ms };
		}
	} catch {
		// not JSON: ignored like any unknown event
	}
	return null;
}

// States: stopped -> connecting -> live <-> reconnecting; offair after the server said the output stopped (until
// audio flows again). EventSource retries by itself after network errors; when it gives up (HTTP error, wrong
// content type) or the link goes silent, a new one is opened after a growing pause, resuming after the last id.
export class SseTransport {
	#url;
	#handlers;
	#source = null;
	#state = 'stopped';
	#opened = false;
	#offAir = false;
	#retryTimer = 0;
	#retryCount = 0;
	#watchdogTimer = 0;
	#lastAudioAt = 0;
	#lastEventId = '';
	#errorsSinceAudio = 0;

	// handlers: onAudio(bytes, {id, timing}), onTiming({captureMs, serverMs}, receivedAtMs), onState(state),
	// onReconnect(), onStopped()
	constructor(url, handlers) {
		this.#url = url;
		this.#handlers = handlers;
	}

	get state() {
		return this.#state;
	}

	start() {
		this.#opened = false;
		this.#offAir = false;
		this.#retryCount = 0;
		this.#setState('connecting');
		this.#open();
		this.#watchdogTimer = setInterval(() => this.#checkAudioFlow(), WATCHDOG_INTERVAL_MS);
	}

	stop() {
		clearInterval(this.#watchdogTimer);
		clearTimeout(this.#retryTimer);
		this.#retryTimer = 0;
		this.#close();
		this.#setState('stopped');
	}

	// Opens the connection now when it is waiting out the backoff (the server is known to be up again); otherwise
	// nothing. The backoff itself is kept: another failure waits as long as it would have.
	retryNow() {
		if (this.#source || !this.#retryTimer || this.#state === 'stopped') {
			return;
		}
		clearTimeout(this.#retryTimer);
		this.#retryTimer = 0;
		this.#open();
	}

	#open() {
		// A new EventSource cannot send Last-Event-ID itself: the server also reads it from the query.
		const url = new URL(this.#url);
		if (this.#lastEventId) {
			url.searchParams.set('lastEventId', this.#lastEventId);
		}
		const source = new EventSource(url.href);
		this.#source = source;
		this.#lastAudioAt = performance.now();
		source.onopen = () => {
			if (this.#opened) {
				this.#handlers.onReconnect();
			}
			this.#opened = true;
		};
		source.onerror = () => {
			// CLOSED: the browser gave up (an HTTP error, a wrong type): the page's backoff. CONNECTING: a live
			// connection dropped. The first time since audio last came the page reconnects at once itself (browsers
			// wait `retry:` and more: Firefox's cuts cost twice Chromium's), resuming after the last id; after that
			// the page's backoff.
			const dropped = source.readyState !== EventSource.CLOSED;
			this.#close();
			if (dropped && ++this.#errorsSinceAudio <= QUICK_RECONNECTS) {
				this.#open();
			} else {
				this.#scheduleReopen();
			}
			this.#setLinkDown();
		};
		source.addEventListener('audio', (event) => this.#onAudioEvent(event));
		source.addEventListener('timing', (event) => {
			const timing = parseTiming(event.data);
			if (timing) {
				this.#handlers.onTiming(timing, performance.timeOrigin + performance.now());
			}
		});
		source.addEventListener('stopped', () => {
			this.#offAir = true;
			this.#setState('offair');
			this.#handlers.onStopped();
		});
	}

	#close() {
		if (this.#source) {
			this.#source.onopen = this.#source.onerror = null;
			this.#source.close();
			this.#source = null;
		}
	}

	#setLinkDown() {
		if (this.#offAir) {
			this.#setState('offair');
		} else {
			this.#setState(this.#opened ? 'reconnecting' : 'connecting');
		}
	}

	#scheduleReopen() {
		clearTimeout(this.#retryTimer);
		const delay = RECONNECT_BACKOFF_MS[Math.min(this.#retryCount, RECONNECT_BACKOFF_MS.length - 1)];
		this.#retryCount++;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = 0;
			this.#open();
		}, delay);
	}

	#onAudioEvent(event) {
		let bytes;
		try {
			bytes = decodeBase64(event.data);
		} catch {
			return; // a malformed event is skipped; the next one decodes on its own
		}
		this.#lastAudioAt = performance.now();
		this.#lastEventId = event.lastEventId;
		this.#retryCount = 0;
		this.#errorsSinceAudio = 0;
		this.#offAir = false;
		this.#setState('live');
		this.#handlers.onAudio(bytes);
	}

	// Heartbeats are comments, invisible to EventSource, so a half-open connection looks like silence. A running
	// stream always sends audio (OBS encodes silence too), so a long pause without audio means the link is gone.
	#checkAudioFlow() {
		if (!this.#source || this.#source.readyState !== EventSource.OPEN) {
			return;
		}
		if (performance.now() - this.#lastAudioAt > AUDIO_SILENCE_RECONNECT_MS) {
			this.#close();
			this.#setLinkDown();
			this.#open();
		}
	}

	#setState(state) {
		if (state !== this.#state) {
			this.#state = state;
			this.#handlers.onState(state);
		}
	}
}

// Polls status.json; one request at a time, each with a timeout. Reports {status} or {httpStatus} or {error}.
// `url` is an address or a function giving it at each poll (the chosen channel may change between polls).
export class StatusPoller {
	#url;
	#onResult;
	#intervalMs;
	#timer = 0;
	#running = false;
	#inFlight = false;

	constructor(url, onResult, intervalMs = 2000) {
		this.#url = url;
		this.#onResult = onResult;
		this.#intervalMs = intervalMs;
	}

	start() {
		this.#running = true;
		this.#poll();
	}

	stop() {
		this.#running = false;
		clearTimeout(this.#timer);
	}

	// An immediate poll (e.g. when the stream's connection dropped), then the usual rhythm.
	now() {
		if (this.#running && !this.#inFlight) {
			clearTimeout(this.#timer);
			this.#poll();
		}
	}

	async #poll() {
		this.#inFlight = true;
		const abort = new AbortController();
		const timeout = setTimeout(() => abort.abort(), Math.min(1500, this.#intervalMs));
		clearTimeout(this.#timer);
		this.#timer = 0;
		try {
			const url = typeof this.#url === 'function' ? this.#url() : this.#url;
			const response = await fetch(url, { cache: 'no-store', signal: abort.signal });
			if (response.ok) {
				this.#onResult({ status: await response.json() });
			} else {
				this.#onResult({ httpStatus: response.status });
			}
		} catch (error) {
			this.#onResult({ error });
		} finally {
			clearTimeout(timeout);
			this.#inFlight = false;
			if (this.#running && !this.#timer) {
				this.#timer = setTimeout(() => this.#poll(), this.#intervalMs);
			}
		}
	}
}
