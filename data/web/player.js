// Browser player for obs-sse-audio.
//
// Three parts, kept apart so each can grow on its own (channels, relays, a richer UI):
//   transport  SseTransport: EventSource on /stream, base64 text -> MP3 bytes, connection state
//   playback   MseEngine: bytes -> gapless sound through Media Source Extensions (low delay)
//              ElementEngine: the fallback, <audio src="stream.mp3">, for browsers whose MSE lacks audio/mpeg
//   UI         PlayerView (DOM only) and Player (wires transport, engine, status polling and the view)
//
// Wire contract (see DESIGN.md): `event: audio`, `id: <opaque>`, one `data:` line of padded base64 holding whole
// MPEG audio frames that decode on their own. Ids are never interpreted here: EventSource sends the last one back as
// Last-Event-ID when it reconnects, which is all the resuming the player needs.

// Every user-visible string, in one place so a translation can replace the table. `{name}` marks a value.
const STRINGS = {
	title: 'Live audio',
	play: 'Play',
	stop: 'Stop',
	playLabel: 'Play live audio',
	stopLabel: 'Stop live audio',
	volume: 'Volume',
	listeners: 'Listeners',
	bitrate: 'Bitrate',
	buffer: 'Buffer',
	none: '–',
	kbps: '{value} kbps',
	ms: '{value} ms',
	state: {
		connecting: 'Connecting…',
		live: 'Live',
		reconnecting: 'Reconnecting…',
		stopped: 'Stopped',
	},
	path: {
		mse: 'Playback: low-delay stream (Media Source Extensions).',
		element: 'Playback: plain MP3 stream (this browser cannot use the low-delay path, so expect a few seconds of delay).',
		none: 'This browser can play neither the low-delay stream nor the plain MP3 stream.',
	},
	notice: {
		keyNeeded: 'This stream needs an access key: open the address with ?key=… added.',
		keyRejected: 'The server refused the access key.',
		unreachable: 'Cannot reach the server.',
		notRunning: 'The stream is not running right now.',
		playRefused: 'The browser refused to start playback: {value}',
		decodeFailed: 'The browser could not decode the audio; playback restarted.',
	},
};

const MP3_MIME = 'audio/mpeg';
const STATUS_INTERVAL_MS = 2000;
const STATUS_TIMEOUT_MS = 1500;
const LIVE_EDGE_S = 0.15; // where playback resumes after a jump: close to the newest sample, with a little cushion
const MAX_AHEAD_S = 1.0; // buffered-ahead beyond this means we are too late: jump to the live edge
const KEEP_BEHIND_S = 10; // played audio kept behind currentTime; the rest is removed so memory stays flat
const TRIM_SLACK_S = 2; // remove in batches, not after every event
const MAX_QUEUED_BYTES = 1 << 20; // bytes waiting for the SourceBuffer; beyond this the oldest are dropped
const AUDIO_SILENCE_RECONNECT_MS = 10000; // a running stream always carries audio; this long without any = dead link
const ELEMENT_RETRY_MS = 2000;
const RECONNECT_BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];

function format(template, value) {
	return template.replace('{value}', String(value));
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

// The stream's addresses, relative to the page so the same page works under a path prefix behind a relay.
// A `?key=` on the page address is passed on to every request that needs it.
export function endpointsFor(pageHref) {
	const page = new URL(pageHref);
	const key = page.searchParams.get('key') || '';
	const make = (name) => {
		const url = new URL(name, page);
		if (key) {
			url.searchParams.set('key', key);
		}
		return url.href;
	};
	return { stream: make('stream'), mp3: make('stream.mp3'), status: make('status.json'), keyGiven: key !== '' };
}

// ---------------------------------------------------------------------------------------------------------------
// Transport

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

// One EventSource on /stream. Reports audio bytes and the connection state:
// connecting -> live (first audio) -> reconnecting (link lost, retrying) -> live ... ; stopped after stop().
// EventSource retries by itself after network errors; when it gives up (HTTP error, wrong content type) we open a
// new one after a growing pause, so a listener who pressed Play keeps listening once the stream is back.
export class SseTransport {
	#url;
	#handlers;
	#source = null;
	#state = 'stopped';
	#opened = false;
	#retryTimer = 0;
	#retryCount = 0;
	#watchdogTimer = 0;
	#lastAudioAt = 0;

	constructor(url, { onAudio, onState, onReconnect }) {
		this.#url = url;
		this.#handlers = { onAudio, onState, onReconnect };
	}

	get state() {
		return this.#state;
	}

	start() {
		this.#opened = false;
		this.#retryCount = 0;
		this.#setState('connecting');
		this.#open();
		this.#watchdogTimer = setInterval(() => this.#checkAudioFlow(), 1000);
	}

	stop() {
		clearInterval(this.#watchdogTimer);
		clearTimeout(this.#retryTimer);
		this.#close();
		this.#setState('stopped');
	}

	#open() {
		const source = new EventSource(this.#url);
		this.#source = source;
		this.#lastAudioAt = performance.now();
		source.onopen = () => {
			if (this.#opened) {
				this.#handlers.onReconnect();
			}
			this.#opened = true;
		};
		source.onerror = () => {
			if (source.readyState === EventSource.CLOSED) {
				this.#close();
				this.#scheduleReopen();
			}
			this.#setState(this.#opened ? 'reconnecting' : 'connecting');
		};
		source.addEventListener('audio', (event) => this.#onAudioEvent(event));
	}

	#close() {
		if (this.#source) {
			this.#source.onopen = this.#source.onerror = null;
			this.#source.close();
			this.#source = null;
		}
	}

	#scheduleReopen() {
		clearTimeout(this.#retryTimer);
		const delay = RECONNECT_BACKOFF_MS[Math.min(this.#retryCount, RECONNECT_BACKOFF_MS.length - 1)];
		this.#retryCount++;
		this.#retryTimer = setTimeout(() => this.#open(), delay);
	}

	#onAudioEvent(event) {
		let bytes;
		try {
			bytes = decodeBase64(event.data);
		} catch {
			return; // a malformed event is skipped; the next one decodes on its own
		}
		this.#lastAudioAt = performance.now();
		this.#retryCount = 0;
		this.#setState('live');
		this.#handlers.onAudio(bytes, event.lastEventId);
	}

	// Heartbeats are comments, invisible to EventSource, so a half-open connection looks like silence. A running
	// stream always sends audio (OBS encodes silence too), so a long pause without audio means the link is gone.
	#checkAudioFlow() {
		if (!this.#source || this.#source.readyState !== EventSource.OPEN) {
			return;
		}
		if (performance.now() - this.#lastAudioAt > AUDIO_SILENCE_RECONNECT_MS) {
			this.#close();
			this.#setState('reconnecting');
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

// ---------------------------------------------------------------------------------------------------------------
// Playback

function concatBytes(chunks) {
	if (chunks.length === 1) {
		return chunks[0];
	}
	const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
	const out = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out;
}

function bufferedAheadMs(audio) {
	const ranges = audio.buffered;
	for (let i = 0; i < ranges.length; i++) {
		if (audio.currentTime >= ranges.start(i) - 0.05 && audio.currentTime <= ranges.end(i)) {
			return Math.round((ranges.end(i) - audio.currentTime) * 1000);
		}
	}
	return 0;
}

// Plays MP3 bytes gaplessly: one SourceBuffer in 'sequence' mode, so each append follows the previous one whatever
// the timestamps, and a reconnect simply continues the timeline. Keeps the delay low by jumping to the live edge
// when too much is buffered ahead, and removes played audio so memory stays flat on a stream that runs for hours.
export class MseEngine {
	#audio;
	#onError;
	#mediaSource = null;
	#sourceBuffer = null;
	#objectUrl = '';
	#queue = [];
	#queuedBytes = 0;

	static supported() {
		return typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(MP3_MIME);
	}

	constructor(audio, { onError }) {
		this.#audio = audio;
		this.#onError = onError;
	}

	get bufferedMs() {
		return bufferedAheadMs(this.#audio);
	}

	// Returns the promise of audio.play(). Call it from the click handler so the browser counts it as user-initiated.
	start() {
		const mediaSource = new MediaSource();
		this.#mediaSource = mediaSource;
		this.#objectUrl = URL.createObjectURL(mediaSource);
		mediaSource.addEventListener('sourceopen', () => this.#onSourceOpen(), { once: true });
		this.#audio.src = this.#objectUrl;
		return this.#audio.play();
	}

	push(bytes) {
		if (!this.#mediaSource) {
			return;
		}
		this.#queue.push(bytes);
		this.#queuedBytes += bytes.byteLength;
		while (this.#queuedBytes > MAX_QUEUED_BYTES && this.#queue.length > 1) {
			this.#queuedBytes -= this.#queue.shift().byteLength;
		}
		this.#pump();
	}

	stop() {
		const mediaSource = this.#mediaSource;
		this.#mediaSource = null;
		this.#sourceBuffer = null;
		this.#queue = [];
		this.#queuedBytes = 0;
		this.#audio.pause();
		if (mediaSource && mediaSource.readyState === 'open') {
			try {
				mediaSource.endOfStream();
			} catch {
				// already ending; nothing to tidy
			}
		}
		this.#audio.removeAttribute('src');
		this.#audio.load();
		if (this.#objectUrl) {
			URL.revokeObjectURL(this.#objectUrl);
			this.#objectUrl = '';
		}
	}

	#onSourceOpen() {
		if (!this.#mediaSource) {
			return;
		}
		try {
			const sourceBuffer = this.#mediaSource.addSourceBuffer(MP3_MIME);
			sourceBuffer.mode = 'sequence';
			sourceBuffer.addEventListener('updateend', () => this.#onUpdateEnd());
			this.#sourceBuffer = sourceBuffer;
		} catch (err) {
			this.#onError(err);
			return;
		}
		this.#pump();
	}

	#onUpdateEnd() {
		this.#keepNearLiveEdge();
		this.#pump();
	}

	// One SourceBuffer operation at a time: a pending trim first, then everything queued as one append.
	#pump() {
		const sourceBuffer = this.#sourceBuffer;
		if (!sourceBuffer || sourceBuffer.updating || this.#mediaSource.readyState !== 'open') {
			return;
		}
		if (this.#trimPlayed()) {
			return; // updateend pumps again
		}
		if (this.#queue.length === 0) {
			return;
		}
		const chunk = concatBytes(this.#queue);
		this.#queue = [];
		this.#queuedBytes = 0;
		try {
			sourceBuffer.appendBuffer(chunk);
		} catch (err) {
			if (err.name === 'QuotaExceededError') {
				// Full despite trimming (a stalled element): drop this chunk and free everything already played.
				this.#removeBefore(this.#audio.currentTime - LIVE_EDGE_S);
			} else {
				this.#onError(err);
			}
		}
	}

	#trimPlayed() {
		const ranges = this.#sourceBuffer.buffered;
		if (ranges.length === 0) {
			return false;
		}
		const cutoff = this.#audio.currentTime - KEEP_BEHIND_S;
		if (ranges.start(0) < cutoff - TRIM_SLACK_S) {
			return this.#removeBefore(cutoff);
		}
		return false;
	}

	#removeBefore(time) {
		const ranges = this.#sourceBuffer.buffered;
		if (ranges.length === 0 || time <= ranges.start(0)) {
			return false;
		}
		try {
			this.#sourceBuffer.remove(ranges.start(0), time);
			return true;
		} catch {
			return false;
		}
	}

	#keepNearLiveEdge() {
		const audio = this.#audio;
		const ranges = audio.buffered;
		if (ranges.length === 0 || audio.readyState < HTMLMediaElement.HAVE_METADATA) {
			return;
		}
		const start = ranges.start(ranges.length - 1);
		const end = ranges.end(ranges.length - 1);
		// Too far behind the newest audio, or stranded before the buffered data (after a trim or a gap).
		if (end - audio.currentTime > MAX_AHEAD_S || audio.currentTime < start) {
			audio.currentTime = Math.max(start, end - LIVE_EDGE_S);
		}
	}
}

// The fallback: the browser reads the plain MP3 stream itself. Higher delay (the browser's own buffering), no events,
// but it works wherever <audio> plays MP3. Reports connection state from media events and retries after errors.
export class ElementEngine {
	#audio;
	#url;
	#handlers;
	#retryTimer = 0;
	#listening = false;
	#everPlayed = false;
	#listeners = [];

	static supported(audio) {
		return audio.canPlayType(MP3_MIME) !== '';
	}

	constructor(audio, url, { onState, onReconnect }) {
		this.#audio = audio;
		this.#url = url;
		this.#handlers = { onState, onReconnect };
	}

	get bufferedMs() {
		return bufferedAheadMs(this.#audio);
	}

	start() {
		this.#listening = true;
		this.#everPlayed = false;
		this.#on('playing', () => {
			if (this.#everPlayed) {
				this.#handlers.onReconnect();
			}
			this.#everPlayed = true;
			this.#handlers.onState('live');
		});
		this.#on('waiting', () => this.#handlers.onState(this.#everPlayed ? 'reconnecting' : 'connecting'));
		this.#on('error', () => this.#retrySoon());
		this.#on('ended', () => this.#retrySoon());
		this.#handlers.onState('connecting');
		this.#audio.src = this.#url;
		return this.#audio.play();
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
		this.#handlers.onState('stopped');
	}

	#on(type, listener) {
		this.#audio.addEventListener(type, listener);
		this.#listeners.push([type, listener]);
	}

	#retrySoon() {
		if (!this.#listening) {
			return;
		}
		this.#handlers.onState(this.#everPlayed ? 'reconnecting' : 'connecting');
		clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => {
			if (this.#listening) {
				this.#audio.src = this.#url;
				this.#audio.play().catch(() => this.#retrySoon());
			}
		}, ELEMENT_RETRY_MS);
	}
}

// Which way this browser can play: 'mse' (low delay), 'element' (plain MP3 stream) or 'none'.
export function choosePath(audio) {
	if (MseEngine.supported()) {
		return 'mse';
	}
	if (ElementEngine.supported(audio)) {
		return 'element';
	}
	return 'none';
}

// ---------------------------------------------------------------------------------------------------------------
// Server status

// Polls status.json; one request at a time, each with a timeout. Reports {status} or {httpStatus} or {error}.
export class StatusPoller {
	#url;
	#onResult;
	#timer = 0;
	#running = false;

	constructor(url, onResult) {
		this.#url = url;
		this.#onResult = onResult;
	}

	start() {
		this.#running = true;
		this.#poll();
	}

	stop() {
		this.#running = false;
		clearTimeout(this.#timer);
	}

	async #poll() {
		const abort = new AbortController();
		const timeout = setTimeout(() => abort.abort(), STATUS_TIMEOUT_MS);
		try {
			const response = await fetch(this.#url, { cache: 'no-store', signal: abort.signal });
			if (response.ok) {
				this.#onResult({ status: await response.json() });
			} else {
				this.#onResult({ httpStatus: response.status });
			}
		} catch (error) {
			this.#onResult({ error });
		} finally {
			clearTimeout(timeout);
			if (this.#running) {
				this.#timer = setTimeout(() => this.#poll(), STATUS_INTERVAL_MS);
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// UI

// Everything that touches the DOM. Knows nothing about streams; Player tells it what to show.
class PlayerView {
	#el;
	#strings;
	#notices = new Map();

	constructor(root, strings) {
		this.#strings = strings;
		const get = (id) => root.querySelector(`#${id}`);
		this.#el = {
			root,
			toggle: get('toggle'),
			toggleText: get('toggle-text'),
			state: get('state'),
			volume: get('volume'),
			listeners: get('listeners'),
			bitrate: get('bitrate'),
			buffer: get('buffer'),
			path: get('path'),
			notice: get('notice'),
			audio: get('audio'),
		};
		for (const node of root.querySelectorAll('[data-text]')) {
			node.textContent = strings[node.dataset.text];
		}
		document.title = strings.title;
	}

	get audio() {
		return this.#el.audio;
	}

	onToggle(handler) {
		this.#el.toggle.addEventListener('click', handler);
	}

	onVolume(handler) {
		this.#el.volume.addEventListener('input', () => handler(Number(this.#el.volume.value) / 100));
	}

	setVolume(volume) {
		this.#el.volume.value = String(Math.round(volume * 100));
	}

	showPath(path) {
		this.#el.path.textContent = this.#strings.path[path];
		this.#el.root.dataset.path = path;
		this.#el.toggle.disabled = path === 'none';
	}

	showPlaying(playing) {
		const s = this.#strings;
		this.#el.toggleText.textContent = playing ? s.stop : s.play;
		this.#el.toggle.setAttribute('aria-label', playing ? s.stopLabel : s.playLabel);
		this.#el.root.classList.toggle('is-playing', playing);
	}

	showState(state) {
		this.#el.state.textContent = this.#strings.state[state];
		this.#el.state.dataset.state = state;
		this.#el.root.dataset.state = state;
	}

	showFigures({ listeners, bitrateKbps }) {
		const s = this.#strings;
		this.#el.listeners.textContent = listeners ?? s.none;
		this.#el.bitrate.textContent = bitrateKbps ? format(s.kbps, bitrateKbps) : s.none;
	}

	showBuffer(ms) {
		this.#el.buffer.textContent = ms === null ? this.#strings.none : format(this.#strings.ms, ms);
	}

	// Notices come from several sources (server status, playback); each source owns one line.
	setNotice(source, text) {
		if (text) {
			this.#notices.set(source, text);
		} else {
			this.#notices.delete(source);
		}
		const lines = [...this.#notices.values()];
		this.#el.notice.textContent = lines.join(' ');
		this.#el.notice.hidden = lines.length === 0;
	}
}

const VOLUME_STORAGE_KEY = 'obs-sse-audio.volume';

// Wires everything together and keeps the figures exposed at window.sseAudio.
class Player {
	#view;
	#endpoints;
	#path;
	#audio;
	#transport = null;
	#engine = null;
	#playing = false;
	#state = 'stopped';
	#counters = { eventsReceived: 0, bytesReceived: 0, reconnects: 0 };

	constructor(view, endpoints) {
		this.#view = view;
		this.#endpoints = endpoints;
		this.#audio = view.audio;
		this.#path = choosePath(this.#audio);
		view.showPath(this.#path);
		view.showPlaying(false);
		view.showState('stopped');
		view.showFigures({});
		view.showBuffer(null);
		view.onToggle(() => this.toggle());
		this.#audio.addEventListener('pause', () => this.#onElementPaused());
		this.#restoreVolume();
		view.onVolume((volume) => this.#setVolume(volume));
		new StatusPoller(endpoints.status, (result) => this.#onStatus(result)).start();
		setInterval(() => view.showBuffer(this.#engine ? this.#engine.bufferedMs : null), 500);
	}

	get stats() {
		return {
			state: this.#state,
			eventsReceived: this.#counters.eventsReceived,
			bytesReceived: this.#counters.bytesReceived,
			bufferedMs: this.#engine ? this.#engine.bufferedMs : 0,
			reconnects: this.#counters.reconnects,
			path: this.#path,
		};
	}

	toggle() {
		if (this.#playing) {
			this.stop();
		} else {
			this.start();
		}
	}

	start() {
		if (this.#playing || this.#path === 'none') {
			return;
		}
		this.#playing = true;
		this.#view.showPlaying(true);
		this.#view.setNotice('playback', '');
		const played = this.#path === 'mse' ? this.#startMse() : this.#startElement();
		played.catch((err) => {
			// Only a refusal ends it here; load errors (NotSupportedError, AbortError) are the engines' to retry.
			if (err && err.name === 'NotAllowedError' && this.#playing) {
				this.#view.setNotice('playback', format(STRINGS.notice.playRefused, err.message || err.name));
				this.stop();
			}
		});
	}

	stop() {
		if (!this.#playing) {
			return;
		}
		this.#playing = false;
		this.#transport?.stop();
		this.#transport = null;
		this.#engine?.stop();
		this.#engine = null;
		this.#view.showPlaying(false);
		this.#setState('stopped');
	}

	#startMse() {
		const played = this.#newMseEngine();
		this.#transport = new SseTransport(this.#endpoints.stream, {
			onAudio: (bytes) => {
				this.#counters.eventsReceived++;
				this.#counters.bytesReceived += bytes.byteLength;
				this.#engine?.push(bytes);
			},
			onState: (state) => this.#setState(state),
			onReconnect: () => this.#counters.reconnects++,
		});
		this.#transport.start();
		return played;
	}

	#newMseEngine() {
		this.#engine = new MseEngine(this.#audio, { onError: () => this.#restartMseEngine() });
		return this.#engine.start();
	}

	// A decode error kills the MediaSource; a fresh one picks up with the next event, the connection stays open.
	#restartMseEngine() {
		if (!this.#playing) {
			return;
		}
		this.#view.setNotice('playback', STRINGS.notice.decodeFailed);
		this.#engine.stop();
		this.#newMseEngine().catch(() => {});
	}

	#startElement() {
		this.#engine = new ElementEngine(this.#audio, this.#endpoints.mp3, {
			onState: (state) => this.#setState(state),
			onReconnect: () => this.#counters.reconnects++,
		});
		return this.#engine.start();
	}

	// The element was paused from outside the page (media keys, OS controls): show it as stopped.
	// The event arrives after the fact, so look at the element now: an engine restart has already resumed it, and an
	// element that reached the end of the plain stream is about to be retried by its engine.
	#onElementPaused() {
		if (this.#playing && this.#audio.paused && !this.#audio.ended) {
			this.stop();
		}
	}

	#setState(state) {
		if (state === this.#state) {
			return;
		}
		this.#state = state;
		this.#view.showState(state);
	}

	#onStatus({ status, httpStatus }) {
		const n = STRINGS.notice;
		if (status) {
			this.#view.showFigures({ listeners: status.listeners?.now, bitrateKbps: status.bitrate_kbps });
			this.#view.setNotice('server', status.running === false ? n.notRunning : '');
		} else {
			this.#view.showFigures({});
			if (httpStatus === 401) {
				this.#view.setNotice('server', this.#endpoints.keyGiven ? n.keyRejected : n.keyNeeded);
			} else {
				this.#view.setNotice('server', n.unreachable);
			}
		}
	}

	#restoreVolume() {
		let volume = 1;
		try {
			const saved = Number.parseFloat(localStorage.getItem(VOLUME_STORAGE_KEY));
			if (saved >= 0 && saved <= 1) {
				volume = saved;
			}
		} catch {
			// storage may be unavailable (private mode, file://); the default is fine
		}
		this.#audio.volume = volume;
		this.#view.setVolume(volume);
	}

	#setVolume(volume) {
		this.#audio.volume = volume;
		try {
			localStorage.setItem(VOLUME_STORAGE_KEY, String(volume));
		} catch {
			// not persisted; still applied
		}
	}
}

// Space toggles playback anywhere on the page, except where space already means something (buttons, text fields).
function spaceTogglesPlayback(player) {
	document.addEventListener('keydown', (event) => {
		if (event.key !== ' ' || event.repeat || event.altKey || event.ctrlKey || event.metaKey) {
			return;
		}
		const target = event.target;
		const typing = target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement ||
			(target instanceof HTMLInputElement && target.type !== 'range') || target.isContentEditable;
		if (typing || target instanceof HTMLButtonElement) {
			return;
		}
		event.preventDefault();
		player.toggle();
	});
}

function boot() {
	const root = document.getElementById('player');
	if (!root) {
		return; // imported as a library (tests), not running the page
	}
	const player = new Player(new PlayerView(root, STRINGS), endpointsFor(location.href));
	spaceTogglesPlayback(player);
	window.sseAudio = Object.freeze({
		get stats() {
			return player.stats;
		},
	});
}

boot();
