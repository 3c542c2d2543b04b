// The obs-sse-audio browser player: wires the transport (transport.js), a playback engine (mse-engine.js,
// webcodecs-engine.js or element-engine.js), the delay measurement (latency.js), the audio graph and meter
// (output.js, meter.js) and the page (ui.js), and exposes read-only figures at window.sseAudio.stats.

import { chooseLanguage, format, stringsFor } from './i18n.js';
import { CaptureTimeline, ClockSync, LOW_DELAY_TARGET_MS, TARGET_BUFFER_MS } from './latency.js';
import { LevelMeter } from './meter.js';
import { splitFrames } from './mp3-frames.js';
import { mediaSourceKind, MseEngine } from './mse-engine.js';
import { AudioOutput } from './output.js';
import { endpointsFor, SseTransport, StatusPoller } from './transport.js';
import { PlayerView } from './ui.js';
import { WebCodecsEngine, webCodecsSupported } from './webcodecs-engine.js';
import { ElementEngine, elementSupported } from './element-engine.js';

const FIGURES_INTERVAL_MS = 250;
const STORAGE = { volume: 'obs-sse-audio.volume', muted: 'obs-sse-audio.muted' };

// Which way this browser plays: 'webcodecs' (lowest delay: the page's own AudioWorklet is the only buffer),
// 'mse' or 'managed' (Media Source, low delay), 'element' (plain MP3 stream, seconds of delay) or 'none'.
// WebCodecs and AudioWorklet exist only in secure contexts (https, or http on localhost), so a page opened at
// http://<LAN address> plays through Media Source. `?engine=` on the page address asks for one (tests,
// troubleshooting); it is used only when this browser supports it.
async function choosePath(audio, asked) {
	const available = {
		mse: () => mediaSourceKind() === 'mse',
		managed: () => mediaSourceKind() === 'managed',
		webcodecs: () => webCodecsSupported(),
		element: () => elementSupported(audio),
	};
	if (asked in available && (await available[asked]())) {
		return asked;
	}
	if (await webCodecsSupported()) {
		return 'webcodecs';
	}
	const kind = mediaSourceKind();
	if (kind) {
		return kind;
	}
	return elementSupported(audio) ? 'element' : 'none';
}

function readStored(key, fallback) {
	try {
		const value = localStorage.getItem(key);
		return value === null ? fallback : value;
	} catch {
		return fallback; // storage may be unavailable (private mode, file://)
	}
}

function store(key, value) {
	try {
		localStorage.setItem(key, String(value));
	} catch {
		// not remembered; still applied
	}
}

class Player {
	#view;
	#strings;
	#endpoints;
	#audio;
	#meter;
	#status;
	#path = 'checking';
	#output = null;
	#routed = false; // the engine's sound goes through #output (meter, volume)
	#transport = null;
	#engine = null;
	#playing = false;
	#state = 'stopped';
	#clock = new ClockSync();
	#timeline = new CaptureTimeline();
	#counters = { eventsReceived: 0, bytesReceived: 0, reconnects: 0, underruns: 0, jumps: 0 };
	#startedAt = 0;
	#firstSoundMs = null;
	#volume = 1;
	#muted = false;
	#server = { title: '', bitrateKbps: 0, sampleRate: 0, listeners: null };
	#askedBufferMs;

	// askedBufferMs: a fixed buffer target from the page address, or null for the path's adaptive default
	constructor(view, strings, endpoints, askedBufferMs) {
		this.#askedBufferMs = askedBufferMs;
		this.#view = view;
		this.#strings = strings;
		this.#endpoints = endpoints;
		this.#audio = view.audio;
		this.#meter = new LevelMeter(view.meterCanvas, strings);
		const volume = Number.parseFloat(readStored(STORAGE.volume, '1'));
		this.#volume = volume >= 0 && volume <= 1 ? volume : 1;
		this.#muted = readStored(STORAGE.muted, 'false') === 'true';
		view.showPath('checking');
		view.showPlaying(false);
		view.showState('stopped');
		view.showServerFigures({});
		view.showDelay(null, null);
		view.showVolume(this.#volume, this.#muted);
		view.onToggle(() => this.toggle());
		view.onMute(() => this.setMuted(!this.#muted));
		view.onVolume((value) => this.setVolume(value));
		view.onKeys({ toggle: () => this.toggle(), mute: () => this.setMuted(!this.#muted) });
		this.#audio.addEventListener('pause', () => this.#onElementPaused());
		view.onKey((key) => this.useKey(key));
		this.#startStatus();
		setInterval(() => this.#showFigures(), FIGURES_INTERVAL_MS);
		this.#setUpMediaSession();
	}

	async choosePath(asked) {
		this.#path = await choosePath(this.#audio, asked);
		this.#view.showPath(this.#path);
	}

	get stats() {
		const engine = this.#engine;
		return {
			state: this.#state,
			path: this.#path,
			container: engine?.container ?? null, // Media Source only: 'mpeg', or 'mp4' (MP3 in fragmented MP4)
			latencyMs: this.#latencyMs(),
			bufferedMs: engine ? engine.bufferedMs : 0,
			underruns: this.#counters.underruns,
			reconnects: this.#counters.reconnects,
			eventsReceived: this.#counters.eventsReceived,
			bytesReceived: this.#counters.bytesReceived,
			playbackRate: engine ? engine.rate : 1,
			currentTime: engine ? engine.currentTime : 0,
			jumps: this.#counters.jumps + (engine ? engine.jumps : 0),
			firstSoundMs: this.#firstSoundMs,
			targetBufferMs: engine ? engine.targetMs : null,
			clockOffsetMs: this.#clock.known ? this.#clock.offsetMs : null,
			outputLatencyMs: this.#routed ? this.#output.outputLatencyMs : 0,
			title: this.#view.title,
			bitrateKbps: this.#server.bitrateKbps || null,
			listeners: this.#server.listeners,
			volume: this.#volume,
			muted: this.#muted,
		};
	}

	// What the page's AnalyserNode hears now: {peakHz, peakDb, levelDb}, or null before the first Play.
	analyse() {
		return this.#routed ? this.#output.analyse() : null;
	}

	toggle() {
		if (this.#playing) {
			this.stop();
		} else {
			this.start();
		}
	}

	// Must run inside the listener's click (or key press): the browser allows sound only then.
	start() {
		if (this.#playing || this.#path === 'none' || this.#path === 'checking') {
			return;
		}
		this.#playing = true;
		this.#startedAt = performance.now();
		this.#firstSoundMs = null;
		this.#view.showPlaying(true);
		this.#view.setNotice('playback', '');
		this.#clock.reset();
		this.#timeline.reset();
		const played = this.#startEngine();
		if (this.#path !== 'element') {
			this.#startTransport();
		}
		Promise.resolve(played).catch((error) => {
			// Only a refusal ends it here; load errors are the engines' to retry.
			if (error && error.name === 'NotAllowedError' && this.#playing) {
				this.#view.setNotice('playback', format(this.#strings.notice.playRefused, error.message || error.name));
				this.stop();
			}
		});
		if ('mediaSession' in navigator) {
			navigator.mediaSession.playbackState = 'playing';
		}
	}

	stop() {
		if (!this.#playing) {
			return;
		}
		this.#playing = false;
		this.#transport?.stop();
		this.#transport = null;
		this.#retireEngine();
		this.#meter.detach();
		this.#view.showPlaying(false);
		this.#setState('stopped');
		if ('mediaSession' in navigator) {
			navigator.mediaSession.playbackState = 'paused';
		}
	}

	// The key the listener entered after the server asked for one: used for every request from now on, and put in
	// the page address (as `?key=` would have been) so that a reload keeps it.
	useKey(key) {
		this.#endpoints = endpointsFor(location.href, key);
		try {
			const address = new URL(location.href);
			address.searchParams.set('key', key);
			history.replaceState(history.state, '', address.href);
		} catch {
			// the address cannot change (e.g. a sandboxed frame); the key still applies to this page
		}
		this.#view.showKeyForm(false);
		this.#view.setNotice('server', '');
		this.#status.stop();
		this.#startStatus();
		if (this.#playing) {
			// Runs in the form's submit (the listener's gesture), so the restarted playback is allowed to sound.
			this.stop();
			this.start();
		}
	}

	#startStatus() {
		// A request of a replaced poller may still answer: only the current one's results count.
		const poller = new StatusPoller(this.#endpoints.status, (result) => {
			if (this.#status === poller) {
				this.#onStatus(result);
			}
		});
		this.#status = poller;
		poller.start();
	}

	setVolume(volume) {
		this.#volume = Math.min(1, Math.max(0, volume));
		if (this.#volume > 0 && this.#muted) {
			this.#muted = false;
			store(STORAGE.muted, false);
		}
		store(STORAGE.volume, this.#volume);
		this.#applyVolume();
	}

	setMuted(muted) {
		this.#muted = muted;
		store(STORAGE.muted, muted);
		this.#applyVolume();
	}

	#applyVolume() {
		this.#view.showVolume(this.#volume, this.#muted);
		if (this.#routed) {
			this.#output.setVolume(this.#volume, this.#muted);
			this.#audio.volume = 1;
			this.#audio.muted = false;
		} else {
			this.#audio.volume = this.#volume;
			this.#audio.muted = this.#muted;
		}
	}

	#ensureOutput() {
		if (!this.#output) {
			// WebCodecs' sound is PCM at the stream's rate: run the graph at that rate so nothing resamples it.
			const rate = this.#path === 'webcodecs' ? this.#server.sampleRate || 48000 : undefined;
			this.#output = new AudioOutput(rate);
		}
		this.#output.resume().catch(() => {});
		return this.#output;
	}

	#startEngine() {
		const hooks = {
			onPlaying: () => {
				this.#firstSoundMs ??= Math.round(performance.now() - this.#startedAt);
			},
			onUnderrun: () => {
				// Running dry while the link is down or the stream is stopped is not the player's fault.
				const counts = this.#path === 'element' || this.#transport?.state === 'live';
				if (counts) {
					this.#counters.underruns++;
				}
				return counts;
			},
			onError: () => this.#restartEngine(),
			onState: (state) => this.#setState(state),
			onReconnect: () => this.#counters.reconnects++,
		};
		const path = this.#path;
		// iOS Safari's managed media source stays off Web Audio: routing it there risks silence on some versions.
		this.#routed = path !== 'managed';
		if (this.#routed) {
			try {
				const output = this.#ensureOutput();
				if (path !== 'webcodecs') {
					output.connectElement(this.#audio);
				}
			} catch {
				this.#routed = false;
			}
		}
		this.#applyVolume();
		if (this.#routed) {
			this.#meter.attach(this.#output);
		}
		if (path === 'webcodecs') {
			this.#engine = new WebCodecsEngine(this.#output, hooks, this.#bufferFor(LOW_DELAY_TARGET_MS));
		} else if (path === 'element') {
			this.#engine = new ElementEngine(this.#audio, this.#endpoints.mp3, hooks);
		} else {
			this.#engine = new MseEngine(this.#audio, path, hooks, this.#bufferFor(TARGET_BUFFER_MS));
		}
		return this.#engine.start();
	}

	// The buffer target: fixed when the page address asks for one, else the path's default, adapting to underruns.
	#bufferFor(defaultMs) {
		const asked = this.#askedBufferMs;
		return asked === null ? { targetMs: defaultMs, adaptive: true } : { targetMs: asked, adaptive: false };
	}

	#retireEngine() {
		if (this.#engine) {
			this.#counters.jumps += this.#engine.jumps;
			this.#engine.stop();
			this.#engine = null;
		}
	}

	// A decode error kills the engine's decoder or media source; a fresh engine picks up with the next event while
	// the connection stays open.
	#restartEngine() {
		if (!this.#playing) {
			return;
		}
		this.#view.setNotice('playback', this.#strings.notice.decodeFailed);
		this.#retireEngine();
		Promise.resolve(this.#startEngine()).catch(() => {});
	}

	#startTransport() {
		this.#transport = new SseTransport(this.#endpoints.stream, {
			onAudio: (bytes) => this.#onAudio(bytes),
			onTiming: (timing, receivedAtMs) => {
				this.#clock.add(timing.serverMs, receivedAtMs);
				this.#timeline.onTiming(timing.captureMs);
			},
			onState: (state) => {
				this.#setState(state);
				if (state === 'reconnecting' || state === 'offair') {
					this.#status.now();
				}
			},
			onReconnect: () => this.#counters.reconnects++,
			onStopped: () => this.#status.now(),
		});
		this.#transport.start();
	}

	#onAudio(bytes) {
		this.#counters.eventsReceived++;
		this.#counters.bytesReceived += bytes.byteLength;
		const { samples, sampleRate } = splitFrames(bytes);
		const durationMs = sampleRate ? (samples / sampleRate) * 1000 : 0;
		const captureMs = this.#timeline.onAudio(durationMs);
		this.#engine?.push(bytes, captureMs, durationMs);
	}

	// Delay = the server's now − capture time of the sample being played + what the output adds after the page.
	#latencyMs() {
		const capture = this.#engine?.playheadCaptureMs ?? null;
		if (!this.#playing || capture === null || !this.#clock.known) {
			return null;
		}
		const output = this.#routed ? this.#output.outputLatencyMs : 0;
		return Math.round(this.#clock.serverNow() - capture + output);
	}

	#showFigures() {
		const playing = this.#playing && this.#engine;
		this.#view.showDelay(playing ? this.#latencyMs() : null, playing ? this.#engine.bufferedMs : null);
	}

	// The element was paused from outside the page (OS controls): show it as stopped. The event arrives after the
	// fact, so look at the element now: an engine restart has already resumed it.
	#onElementPaused() {
		if (this.#playing && this.#path !== 'webcodecs' && this.#audio.paused && !this.#audio.ended) {
			this.stop();
		}
	}

	#setState(state) {
		if (state !== this.#state) {
			this.#state = state;
			this.#view.showState(state);
		}
	}

	#onStatus({ status, httpStatus }) {
		const n = this.#strings.notice;
		if (status) {
			this.#server = {
				title: typeof status.title === 'string' ? status.title : '',
				bitrateKbps: status.bitrate_kbps,
				sampleRate: status.sample_rate,
				listeners: status.listeners?.now ?? null,
			};
			if (this.#view.title !== (this.#server.title || this.#strings.pageTitle)) {
				this.#view.showTitle(this.#server.title);
				this.#updateMediaMetadata();
			}
			this.#view.showServerFigures(this.#server);
			this.#view.showKeyForm(false);
			this.#view.setNotice('server', status.running === false ? n.notRunning : '');
			return;
		}
		this.#server.listeners = null;
		this.#view.showServerFigures({});
		this.#view.showKeyForm(httpStatus === 401);
		if (httpStatus === 401) {
			this.#view.setNotice('server', this.#endpoints.keyGiven ? n.keyRejected : n.keyNeeded);
		} else if (this.#state === 'offair') {
			this.#view.setNotice('server', ''); // the state line already says the stream is stopped
		} else {
			this.#view.setNotice('server', n.unreachable);
		}
	}

	// Lock-screen, notification and headset controls.
	#setUpMediaSession() {
		if (!('mediaSession' in navigator)) {
			return;
		}
		const session = navigator.mediaSession;
		const handlers = { play: () => this.start(), pause: () => this.stop(), stop: () => this.stop() };
		for (const [action, handler] of Object.entries(handlers)) {
			try {
				session.setActionHandler(action, handler);
			} catch {
				// this browser does not know the action
			}
		}
		this.#updateMediaMetadata();
	}

	#updateMediaMetadata() {
		if ('mediaSession' in navigator && typeof MediaMetadata === 'function') {
			navigator.mediaSession.metadata = new MediaMetadata({
				title: this.#view.title,
				artist: this.#strings.subtitle,
				album: location.host,
			});
		}
	}
}

async function boot() {
	const root = document.getElementById('player');
	if (!root) {
		return; // imported as a library, not running the page
	}
	const language = chooseLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
	const strings = stringsFor(language);
	const view = new PlayerView(root, strings, language);
	// `?buffer=MS` fixes the target buffer (e.g. more on a shaky network); without it the target adapts.
	const params = new URL(location.href).searchParams;
	const asked = Number.parseInt(params.get('buffer') ?? '', 10);
	const bufferMs = Number.isFinite(asked) ? Math.min(2000, Math.max(20, asked)) : null;
	const player = new Player(view, strings, endpointsFor(location.href), bufferMs);
	window.sseAudio = Object.freeze({
		language,
		get stats() {
			return player.stats;
		},
		analyse: () => player.analyse(),
	});
	await player.choosePath(params.get('engine'));
}

boot();
