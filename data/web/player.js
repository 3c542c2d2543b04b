// The player itself, without a page of its own: wires the transport (transport.js), a playback engine
// (mse-engine.js, pcm-engine.js or element-engine.js), the delay measurement (latency.js), the audio graph and meter
// (output.js, meter.js) and the channel choice (channels.js) to a view (ui.js's PlayerView, on the player page or in
// the <obs-sse-audio> element's shadow root, embed.js). One copy of the engines, fallbacks and recovery for both.

import { chooseChannel, fetchChannels, withChannel } from './channels.js';
import { DEFAULT_FLOOR_VOLUME, FloorMix } from './floor.js';
import { format } from './i18n.js';
import { CaptureTimeline, ClockSync, LOW_DELAY_TARGET_MS, TARGET_BUFFER_MS } from './latency.js';
import { LinkWatch } from './link-watch.js';
import { LevelMeter } from './meter.js';
import { splitFrames } from './mp3-frames.js';
import { decodesWithWebAudio, decodesWithWebCodecs } from './codec-probes.js';
import { mediaSourceKind, mediaSourceSupports, MseEngine } from './mse-engine.js';
import { AudioOutput } from './output.js';
import { PcmEngine } from './pcm-engine.js';
import { SoundWatch } from './sound-watch.js';
import { endpointsFor, SseTransport, StatusPoller } from './transport.js';
import { BATCH_MS } from './webaudio-decoder.js';
import { ElementEngine, elementSupported } from './element-engine.js';

const FIGURES_INTERVAL_MS = 250;
const WATCH_INTERVAL_MS = 250;
// No audio for this long on an open connection, then all of it at once: a network freeze, not late audio (the
// jitter a larger buffer would bridge is a few hundred ms at most).
const FREEZE_GAP_MS = 800;
// PATH_ERRORS engine errors within PATH_ERROR_WINDOW_MS: the path does not work here. WebKit's Media Source fails
// an append now and then ("Failed to push buffer"), and a fresh engine plays on; its plain-MP3 fallback is worse.
const PATH_ERRORS = 4;
const PATH_ERROR_WINDOW_MS = 30000;
const STORAGE = {
	volume: 'obs-sse-audio.volume',
	muted: 'obs-sse-audio.muted',
	channel: 'obs-sse-audio.channel',
	floorOn: 'obs-sse-audio.floor',
	floorVolume: 'obs-sse-audio.floorVolume',
};
export const PATHS = ['webcodecs', 'webaudio', 'mse', 'managed', 'element'];
// The paths that decode to PCM and play it in the page's AudioWorklet (pcm-engine.js).
const PCM_PATHS = ['webcodecs', 'webaudio'];

// The ways this browser may play, best first: 'webcodecs', then 'webaudio' (lowest delay: MP3 decoded in the page,
// by WebCodecs or else by Web Audio's decodeAudioData, into the page's own AudioWorklet, the only buffer), then
// Media Source ('mse', or 'managed' where only ManagedMediaSource takes MP3), then 'element' (the plain MP3 stream,
// seconds of delay). What a browser really decodes is tried, not taken from what it claims (codec-probes.js).
// WebCodecs and AudioWorklet exist only in secure contexts (https, or http on localhost), so a page opened at
// http://<LAN address> starts with Media Source. An iPhone (ManagedMediaSource without MediaSource) starts with
// it: iOS keeps a media element playing with the screen locked and suspends Web Audio. A path that turns out to give
// no sound is left for the next one (see SoundWatch). `?engine=` on the page address puts the path it names first
// (tests, troubleshooting) when this browser has it; `asked` in the result says when it has not.
export async function playbackPaths(audio, asked) {
	// The two trial decodes run side by side: the page waits for the slower, not for both in turn.
	const [webcodecs, webaudio] = await Promise.all([decodesWithWebCodecs(), decodesWithWebAudio()]);
	const supported = {
		webcodecs,
		webaudio,
		mse: mediaSourceSupports('mse'),
		managed: mediaSourceSupports('managed'),
		element: elementSupported(audio),
	};
	const mediaSource = mediaSourceKind();
	const order = mediaSource === 'managed' ? ['managed', ...PCM_PATHS] : [...PCM_PATHS, mediaSource];
	const paths = [...order, 'element'].filter((path) => path && supported[path]);
	if (!PATHS.includes(asked)) {
		return { paths, missing: null };
	}
	if (!supported[asked]) {
		return { paths, missing: asked };
	}
	return { paths: [asked, ...paths.filter((path) => path !== asked)], missing: null };
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

export class Player {
	#view;
	#strings;
	#endpoints;
	#audio;
	#meter;
	#status;
	#path = 'checking';
	#paths = []; // the paths still to try, best first; #path is the first
	#failedPaths = []; // paths that gave no sound on this page, in the order they failed
	#unrouted = false; // play without Web Audio: the routed element gave no sound
	#exhausted = false; // every path failed: the page says so and stays on the last
	#lastFailure = null; // why the page last left a path, for troubleshooting
	#engineErrors = []; // performance.now() of the engine's recent errors
	#lastEngineError = null;
	#pipelineProbe = 0;
	#pipelineMs = 0; // sound's way from an element's play head to the analyser (see #measurePipeline)
	#output = null;
	#routed = false; // the engine's sound goes through #output (meter, volume)
	#transport = null;
	#engine = null;
	#watch = null;
	#link = new LinkWatch();
	#watchTimer = 0;
	#playing = false;
	#state = 'stopped';
	#linkState = 'stopped'; // the transport's state (the element engine's own on the element path)
	#clock = new ClockSync();
	#timeline = new CaptureTimeline();
	#counters = { eventsReceived: 0, bytesReceived: 0, reconnects: 0, underruns: 0, jumps: 0, stalls: 0, decodeErrors: 0,
		engineRestarts: 0 };
	#underrunTimes = []; // performance.now() of recent counted underruns, to take back those of a freeze
	#lastAudioAt = 0;
	#startedAt = 0;
	#firstSoundMs = null;
	#volume = 1;
	#muted = false;
	#server = { title: '', bitrateKbps: 0, sampleRate: 0, listeners: null };
	#askedBufferMs;
	#channels = []; // [{id, name}] from /channels.json; empty: no choice (one channel, or an older server)
	#channel = null; // the chosen channel's id; null: none asked for (the server's first)
	#channelsLoaded; // the first /channels.json answer (choosePath waits for it, so Play starts on the right one)
	#switchAt = null; // performance.now() of a channel switch whose new channel has not sounded yet
	#lastSwitchGapMs = null;
	#floorOn = false; // the listener wants the floor under the chosen channel (floor.js)
	#floorVolume = DEFAULT_FLOOR_VOLUME;
	#floor = null; // the FloorMix while it plays
	#base; // the address the stream's addresses are relative to (the page's, or the element's `src`)
	#inPage; // the player page: its address carries ?channel= and ?key=, and it owns the media session
	#askedChannel; // () => the channel asked for (the page's ?channel=, the element's `channel`), or null
	#figuresTimer = 0;

	// askedBufferMs: a fixed buffer target from the page address, or null for the path's adaptive default.
	// options: {base, inPage, channel}: see #base, #inPage and #askedChannel; the page's own address by default.
	constructor(view, strings, endpoints, askedBufferMs, options = {}) {
		this.#askedBufferMs = askedBufferMs;
		this.#base = options.base ?? location.href;
		this.#inPage = options.inPage ?? true;
		this.#askedChannel = options.channel ?? (() => new URL(location.href).searchParams.get('channel'));
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
		view.onChannel((id) => this.setChannel(id));
		this.#floorOn = readStored(STORAGE.floorOn, 'false') === 'true';
		const floorVolume = Number.parseFloat(readStored(STORAGE.floorVolume, String(DEFAULT_FLOOR_VOLUME)));
		this.#floorVolume = floorVolume >= 0 && floorVolume <= 1 ? floorVolume : DEFAULT_FLOOR_VOLUME;
		view.onFloor({ toggle: (on) => this.setFloor(on), volume: (volume) => this.setFloorVolume(volume) });
		this.#channelsLoaded = this.#loadChannels();
		this.#startStatus();
		this.#figuresTimer = setInterval(() => this.#showFigures(), FIGURES_INTERVAL_MS);
		if (this.#inPage) {
			this.#setUpMediaSession();
		}
	}

	get playing() {
		return this.#playing;
	}

	get volume() {
		return this.#volume;
	}

	get muted() {
		return this.#muted;
	}

	// Ends everything this player started (an element taken out of its page): playback, the status polls, timers.
	dispose() {
		this.stop();
		this.#status.stop();
		clearInterval(this.#figuresTimer);
		this.#meter.detach();
	}

	async choosePath(asked) {
		const [{ paths, missing }] = await Promise.all([playbackPaths(this.#audio, asked), this.#channelsLoaded]);
		this.#paths = paths;
		this.#path = paths[0] ?? 'none';
		this.#view.showPath(this.#path);
		this.#showFloor();
		if (missing) {
			this.#view.setNotice('path', format(this.#strings.notice.pathMissing, this.#strings.pathName[missing]));
		}
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
			stalls: this.#counters.stalls, // network freezes (no data, then all of it): not the player's underruns
			decodeErrors: this.#counters.decodeErrors,
			engineRestarts: this.#counters.engineRestarts, // a dead media source replaced (see #restartEngine)
			lastEngineError: this.#lastEngineError,
			sounding: this.#watch ? this.#watch.sounding : false,
			paths: [...this.#paths], // the path in use, then those left to fall back to
			failedPaths: [...this.#failedPaths],
			lastFailure: this.#lastFailure,
			routed: this.#routed,
			arrivalLagMs: this.#arrivalLagMs(),
			slowLink: this.#link.slow,
			firstSoundMs: this.#firstSoundMs,
			targetBufferMs: engine ? engine.targetMs : null,
			clockOffsetMs: this.#clock.known ? this.#clock.offsetMs : null,
			outputLatencyMs: this.#routed ? this.#output.outputLatencyMs : 0,
			deviceLatencyIncluded: this.#routed ? this.#output.deviceLatencyIncluded : false,
			pipelineMs: this.#pipelineMs,
			rateControl: engine?.rateControl ?? null,
			title: this.#view.title,
			bitrateKbps: this.#server.bitrateKbps || null,
			listeners: this.#server.listeners,
			volume: this.#volume,
			muted: this.#muted,
			channel: this.#channel,
			// From the last switch of channel to the new channel's first sound out of the engine; null before any, and
			// while a switch waits for that sound.
			lastSwitchGapMs: this.#lastSwitchGapMs,
			// The floor under the chosen channel: whether it plays, its volume, and how far its play head is ahead of
			// the channel's in capture time (ms; null while unknown).
			floor: { playing: this.#floor !== null, volume: this.#floorVolume, offsetMs: this.#floor?.offsetMs ?? null },
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
		this.#switchAt = null; // a switch made while stopped is no gap
		this.#view.showPlaying(true);
		this.#view.setNotice('playback', '');
		this.#clock.reset();
		this.#timeline.reset();
		this.#link.reset();
		this.#view.setNotice('network', '');
		this.#lastAudioAt = 0;
		this.#play(this.#startEngine());
		if (this.#path !== 'element') {
			this.#startTransport();
		}
		this.#watchTimer = setInterval(() => this.#watchSound(), WATCH_INTERVAL_MS);
		this.#updateFloor();
		if (this.#inPage && 'mediaSession' in navigator) {
			navigator.mediaSession.playbackState = 'playing';
		}
	}

	// `played`: what the engine's start returned (the element's play() promise for element engines).
	#play(played) {
		Promise.resolve(played).catch((error) => {
			// Only a refusal ends it here; load errors are the engines' to retry. After a switch of path (outside
			// the listener's click) a browser may refuse: the next Play starts on the new path.
			if (error && error.name === 'NotAllowedError' && this.#playing) {
				this.#view.setNotice('playback', format(this.#strings.notice.playRefused, error.message || error.name));
				this.stop();
			}
		});
	}

	stop() {
		if (!this.#playing) {
			return;
		}
		this.#playing = false;
		clearInterval(this.#watchTimer);
		this.#transport?.stop();
		this.#transport = null;
		this.#retireEngine();
		this.#updateFloor();
		this.#view.setNotice('network', '');
		this.#meter.detach();
		this.#view.showPlaying(false);
		this.#setLinkState('stopped');
		if (this.#inPage && 'mediaSession' in navigator) {
			navigator.mediaSession.playbackState = 'paused';
		}
	}

	// The key the listener entered after the server asked for one: used for every request from now on, and put in
	// the page address (as `?key=` would have been) so that a reload keeps it.
	useKey(key) {
		this.#endpoints = endpointsFor(this.#base, key);
		if (this.#inPage) {
			try {
				const address = new URL(location.href);
				address.searchParams.set('key', key);
				history.replaceState(history.state, '', address.href);
			} catch {
				// the address cannot change (e.g. a sandboxed frame); the key still applies to this page
			}
		}
		this.#view.showKeyForm(false);
		this.#view.setNotice('server', '');
		this.#status.stop();
		this.#startStatus();
		this.#channelsLoaded = this.#loadChannels(); // refused without the key
		if (this.#playing) {
			// Runs in the form's submit (the listener's gesture), so the restarted playback is allowed to sound.
			this.stop();
			this.start();
		}
	}

	// Reads the server's channels and shows the picker when there is a choice. When playback already runs (Play
	// pressed before the answer came, or after the key was entered) on another channel than the one chosen, it
	// switches.
	async #loadChannels() {
		const endpoints = this.#endpoints;
		const { channels } = await fetchChannels(endpoints.channels);
		if (endpoints !== this.#endpoints) {
			return; // a key came meanwhile: the newer request decides
		}
		const chosen = chooseChannel(channels, this.#askedChannel(), readStored(STORAGE.channel, ''));
		this.#channels = chosen === null ? [] : channels;
		this.#view.showChannels(this.#channels, chosen);
		if (chosen !== this.#channel) {
			this.#channel = chosen;
			this.#updateMediaMetadata();
			if (this.#playing) {
				this.#switchChannel();
			}
		}
		this.#updateFloor();
	}

	// The listener picked a channel: remembered in this browser, and in the page address when it names one (the
	// address wins over what is remembered, so it must not send a reload back). Playback moves over at once.
	setChannel(id) {
		if (id === this.#channel || !this.#channels.some((channel) => channel.id === id)) {
			return;
		}
		this.#channel = id;
		store(STORAGE.channel, id);
		try {
			const address = new URL(location.href);
			if (this.#inPage && address.searchParams.has('channel')) {
				address.searchParams.set('channel', id);
				history.replaceState(history.state, '', address.href);
			}
		} catch {
			// the address cannot change; the choice still applies to this page
		}
		this.#view.showChannel(id);
		this.#updateMediaMetadata();
		if (this.#playing) {
			this.#switchChannel();
		} else {
			this.#showFloor();
		}
	}

	// Moves playback to the chosen channel without a reload: the old connection closed, a fresh engine and a new
	// connection to the channel's stream, as an engine restart does (#restartEngine). A fresh engine is the cheap
	// way to drop what the old one holds: keeping it would play up to a buffer of the old channel first, and its
	// capture times, rate control and decoder state belong to the old stream. The server starts every connection
	// with a burst of recent audio, so the new engine fills at once; the gap is the connection and the decode.
	#switchChannel() {
		this.#switchAt = performance.now();
		this.#lastSwitchGapMs = null; // until the new channel sounds
		this.#transport?.stop();
		this.#transport = null;
		this.#retireEngine();
		// Capture times and the link's pace are per connection; the server's clock is the same.
		this.#timeline.reset();
		this.#link.reset();
		this.#view.setNotice('network', '');
		this.#lastAudioAt = 0; // the pause between the connections is no network freeze
		this.#play(this.#startEngine());
		if (this.#path !== 'element') {
			this.#startTransport();
		}
		this.#status.now();
		this.#updateFloor(); // the floor's own connection plays on; it follows the new engine's play head
	}

	setFloor(on) {
		this.#floorOn = on;
		store(STORAGE.floorOn, on);
		this.#updateFloor();
	}

	setFloorVolume(volume) {
		this.#floorVolume = Math.min(1, Math.max(0, volume));
		store(STORAGE.floorVolume, this.#floorVolume);
		this.#floor?.setVolume(this.#floorVolume);
		this.#showFloor();
	}

	// The floor is offered while a channel other than the first is chosen, on the paths that decode in the page
	// (its mix needs the page's own play head and graph), and plays while it is wanted and the page plays.
	#floorOffered() {
		return this.#channels.length > 1 && this.#channel !== null && this.#channel !== this.#channels[0].id &&
			PCM_PATHS.includes(this.#path) && !this.#exhausted;
	}

	#updateFloor() {
		const wanted = this.#playing && this.#floorOn && this.#floorOffered() && this.#routed && this.#output !== null;
		if (wanted && !this.#floor) {
			this.#floor = new FloorMix({
				output: this.#output,
				decoder: this.#path,
				url: withChannel(this.#endpoints.stream, this.#channels[0].id),
				mainCaptureMs: () => this.#engine?.playheadCaptureMs ?? null,
				startTargetMs: this.#engine?.targetMs ?? LOW_DELAY_TARGET_MS,
				volume: this.#floorVolume,
			});
			this.#floor.start().catch(() => this.#stopFloor());
		} else if (!wanted && this.#floor) {
			this.#stopFloor();
		}
		this.#showFloor();
	}

	#stopFloor() {
		this.#floor?.stop();
		this.#floor = null;
	}

	#showFloor() {
		this.#view.showFloor({ offered: this.#floorOffered(), on: this.#floorOn, volume: this.#floorVolume });
	}

	#startStatus() {
		// A request of a replaced poller may still answer: only the current one's results count. The chosen channel
		// is named: the plugin ignores it (per_channel has every channel), nginx answers with that channel's document.
		const statusUrl = () => withChannel(this.#endpoints.status, this.#channel);
		const poller = new StatusPoller(statusUrl, (result) => {
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
			// Decoded PCM is at the stream's rate: run the graph at that rate so nothing resamples it.
			const rate = PCM_PATHS.includes(this.#path) ? this.#server.sampleRate || 48000 : undefined;
			this.#output = new AudioOutput(rate);
		}
		this.#output.resume().catch(() => {});
		return this.#output;
	}

	#startEngine() {
		const hooks = {
			onPlaying: () => {
				this.#firstSoundMs ??= Math.round(performance.now() - this.#startedAt);
				if (this.#switchAt !== null) {
					this.#lastSwitchGapMs = Math.round(performance.now() - this.#switchAt);
					this.#switchAt = null;
				}
			},
			onUnderrun: () => {
				// Running dry while the link is down or the stream is stopped is not the player's fault.
				const counts = this.#path === 'element' || this.#transport?.state === 'live';
				if (counts) {
					this.#counters.underruns++;
					this.#underrunTimes.push(performance.now());
					this.#underrunTimes.splice(0, this.#underrunTimes.length - 32);
				}
				return counts;
			},
			onError: (error) => this.#restartEngine(error),
			onDecodeError: () => this.#counters.decodeErrors++,
			onState: (state) => this.#setLinkState(state),
			onReconnect: () => this.#counters.reconnects++,
		};
		const path = this.#path;
		// iOS Safari's managed media source stays off Web Audio: routing it there risks silence on some versions.
		this.#routed = path !== 'managed' && !this.#unrouted;
		if (this.#routed) {
			try {
				const output = this.#ensureOutput();
				if (!PCM_PATHS.includes(path)) {
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
		if (PCM_PATHS.includes(path)) {
			// decodeAudioData works in batches: the buffer holds one batch more.
			const targetMs = LOW_DELAY_TARGET_MS + (path === 'webaudio' ? BATCH_MS : 0);
			this.#engine = new PcmEngine(this.#output, path, hooks, this.#bufferFor(targetMs));
		} else if (path === 'element') {
			this.#engine = new ElementEngine(this.#audio, withChannel(this.#endpoints.mp3, this.#channel), hooks);
		} else {
			this.#engine = new MseEngine(this.#audio, path, hooks, this.#bufferFor(TARGET_BUFFER_MS));
		}
		const engine = this.#engine;
		this.#measurePipeline(engine);
		this.#watch = new SoundWatch({
			clock: () => engine.currentTime,
			level: this.#routed ? () => this.#output.levelDb() : () => null,
		});
		this.#showState(); // a fresh engine has given no sound yet: not Live until it does
		return engine.start();
	}

	// How long sound takes from a media element's play head to the page's analyser: Media Source in WebKit buffers
	// hundreds of ms after the play head (its own pipeline, then the Web Audio bridge) that no API reports, so the
	// delay figure would be that much too low. Right after Play it is measured: the time from the play head's first
	// steady step to the first non-silent sample at the analyser (polled every 10 ms for up to 6 s). It is added to
	// the delay figure of the element paths; 0 on the Web Audio path, whose play head is the analyser's input.
	#measurePipeline(engine) {
		clearInterval(this.#pipelineProbe);
		this.#pipelineMs = 0;
		if (!this.#routed || PCM_PATHS.includes(this.#path)) {
			return;
		}
		const began = performance.now();
		let lastTime = engine.currentTime;
		let clockAt = null;
		this.#pipelineProbe = setInterval(() => {
			const now = performance.now();
			const time = engine.currentTime;
			// A step of the play head that playing can explain (not a seek) starts the sound's way.
			if (clockAt === null && time > lastTime && time - lastTime < 0.1) {
				clockAt = now;
			}
			lastTime = time;
			if (clockAt !== null && this.#output.levelDb() > -120) {
				this.#pipelineMs = Math.round(now - clockAt);
				clearInterval(this.#pipelineProbe);
			} else if (now - began > 6000 || this.#engine !== engine) {
				clearInterval(this.#pipelineProbe);
			}
		}, 10);
	}

	// Every WATCH_INTERVAL_MS while playing: does the path give sound (else the next path), may the state read
	// Live, and does the link keep up with the stream.
	#watchSound() {
		if (!this.#playing || !this.#watch) {
			return;
		}
		const verdict = this.#watch.check();
		if (verdict === 'failed' && !this.#exhausted) {
			this.#fallBack(this.#watch.moving ? 'played in silence' : 'played nothing');
		}
		this.#showState();
		if (this.#transport?.state === 'live' && this.#clock.known) {
			const wasSlow = this.#link.slow;
			const slow = this.#link.check(this.#clock.serverNow());
			if (slow || wasSlow) {
				const behind = (this.#arrivalLagMs() / 1000).toFixed(1);
				this.#view.setNotice('network', slow ? format(this.#strings.notice.linkTooSlow, behind) : '');
			}
		}
	}

	// The path in use gave no sound while audible audio arrived: play another way and say so. An element routed
	// through Web Audio whose play head moved in silence is tried once more without Web Audio (a fresh element) before
	// the next path. With no path left, the page stays on this one and says that no sound comes.
	#fallBack(reason) {
		const failed = this.#path;
		this.#lastFailure = `${failed}${this.#routed ? '' : ' (without Web Audio)'}: ${reason}`;
		const strings = this.#strings;
		if (this.#routed && this.#watch?.moving && !PCM_PATHS.includes(failed) && !this.#unrouted) {
			this.#unrouted = true;
			this.#audio = this.#view.replaceAudio();
			this.#audio.addEventListener('pause', () => this.#onElementPaused());
			this.#meter.detach();
		} else if (this.#paths.length > 1) {
			this.#paths.shift();
			this.#failedPaths.push(failed);
			this.#path = this.#paths[0];
			this.#view.showPath(this.#path);
			this.#view.setNotice('path', '');
		} else {
			this.#exhausted = true;
			this.#view.setNotice('playback', strings.notice.noSound);
			return;
		}
		this.#view.setNotice('playback', format(strings.notice.fellBack, strings.pathName[failed]));
		this.#retireEngine();
		if (this.#path === 'element') {
			// The element fetches the plain MP3 stream itself.
			this.#transport?.stop();
			this.#transport = null;
		}
		this.#play(this.#startEngine());
		// The floor decodes the way the failed path did: it starts again on the new one, if that decodes in the page.
		this.#stopFloor();
		this.#updateFloor();
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
		this.#watch = null;
	}

	// An error killed the engine's media source (WebKit now and then fails an append: "Failed to push buffer"); a
	// fresh engine picks up with the next event while the connection stays open.
	#restartEngine(error) {
		if (!this.#playing) {
			return;
		}
		const now = performance.now();
		this.#lastEngineError = `${error?.name ?? ''} ${error?.message ?? error?.code ?? ''}`.trim();
		this.#engineErrors = this.#engineErrors.filter((at) => now - at < PATH_ERROR_WINDOW_MS);
		this.#engineErrors.push(now);
		if (this.#engineErrors.length >= PATH_ERRORS) {
			this.#engineErrors = [];
			this.#fallBack(`failed ${PATH_ERRORS} times: ${this.#lastEngineError}`);
			return;
		}
		this.#counters.engineRestarts++;
		this.#view.setNotice('playback', this.#strings.notice.decodeFailed);
		this.#retireEngine();
		this.#play(this.#startEngine());
	}

	#startTransport() {
		this.#transport = new SseTransport(withChannel(this.#endpoints.stream, this.#channel), {
			onAudio: (bytes) => this.#onAudio(bytes),
			onTiming: (timing, receivedAtMs) => {
				this.#clock.add(timing.serverMs, receivedAtMs);
				this.#timeline.onTiming(timing.captureMs);
			},
			onState: (state) => {
				this.#setLinkState(state);
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
		const now = performance.now();
		this.#counters.eventsReceived++;
		this.#counters.bytesReceived += bytes.byteLength;
		if (this.#lastAudioAt && now - this.#lastAudioAt > FREEZE_GAP_MS) {
			this.#onFreeze(this.#lastAudioAt);
		}
		this.#lastAudioAt = now;
		const { samples, sampleRate, audible } = splitFrames(bytes);
		const durationMs = sampleRate ? (samples / sampleRate) * 1000 : 0;
		const captureMs = this.#timeline.onAudio(durationMs);
		this.#link.onAudio(captureMs === null ? null : captureMs + durationMs);
		this.#watch?.onPush(audible, now);
		this.#engine?.push(bytes, captureMs, durationMs);
	}

	// Audio came again after a gap that began at `sinceMs`: the network froze (or the connection was cut). The
	// underruns since were not the player's, and whatever they added to the buffer target is taken back.
	#onFreeze(sinceMs) {
		const during = this.#underrunTimes.filter((at) => at >= sinceMs).length;
		this.#underrunTimes = this.#underrunTimes.filter((at) => at < sinceMs);
		this.#counters.underruns -= during;
		this.#counters.stalls++;
		this.#engine?.onFreeze?.(sinceMs);
	}

	// How far behind live the newest audio arrived (ms), or null while unknown.
	#arrivalLagMs() {
		if (!this.#playing || !this.#clock.known) {
			return null;
		}
		const lag = this.#link.lagMs(this.#clock.serverNow());
		return lag === null ? null : Math.round(lag);
	}

	// Delay = the server's now − capture time of the sample being played + what the output adds after the page.
	#latencyMs() {
		const capture = this.#engine?.playheadCaptureMs ?? null;
		if (!this.#playing || capture === null || !this.#clock.known) {
			return null;
		}
		const output = this.#routed ? this.#output.outputLatencyMs : 0;
		return Math.round(this.#clock.serverNow() - capture + output + this.#pipelineMs);
	}

	#showFigures() {
		const playing = this.#playing && this.#engine;
		this.#view.showDelay(playing ? this.#latencyMs() : null, playing ? this.#engine.bufferedMs : null);
	}

	// The element was paused from outside the page (OS controls): show it as stopped. The event arrives after the
	// fact, so look at the element now: an engine restart has already resumed it.
	#onElementPaused() {
		if (this.#playing && !PCM_PATHS.includes(this.#path) && this.#audio.paused && !this.#audio.ended) {
			this.stop();
		}
	}

	#setLinkState(state) {
		this.#linkState = state;
		this.#showState();
	}

	// The state shown: the connection's, except that "Live" needs sound coming out. Until then (the first sound, a
	// refill after running dry, a path that gives none) it reads "Buffering".
	#showState() {
		let state = this.#linkState;
		const sounding = this.#watch?.sounding ?? false;
		if (state === 'live' && !sounding) {
			state = 'buffering';
		} else if (this.#path === 'element' && sounding && state === 'reconnecting') {
			state = 'live'; // the element says 'waiting' now and then while it plays on (WebKit): the sound decides
		}
		if (state !== this.#state) {
			this.#state = state;
			this.#view.showState(state);
		}
	}

	#onStatus({ status, httpStatus }) {
		const n = this.#strings.notice;
		if (status) {
			// The top level describes the first channel; the chosen one's own figures are in per_channel.
			const channel = this.#channel && Array.isArray(status.per_channel)
				? status.per_channel.find((entry) => entry?.id === this.#channel) ?? null
				: null;
			this.#server = {
				title: typeof status.title === 'string' ? status.title : '',
				bitrateKbps: status.bitrate_kbps,
				sampleRate: status.sample_rate,
				listeners: (channel ?? status).listeners?.now ?? null,
			};
			if (this.#view.title !== (this.#server.title || this.#strings.pageTitle)) {
				this.#view.showTitle(this.#server.title);
				this.#updateMediaMetadata();
			}
			this.#view.showServerFigures(this.#server);
			this.#view.showKeyForm(false);
			const running = (channel ?? status).running !== false;
			this.#view.setNotice('server', running ? '' : n.notRunning);
			if (running) {
				// The server says the stream runs: a connection waiting out its backoff (a relay refuses a stream
				// before its first message; the server was down) opens now rather than up to 30 s later.
				this.#transport?.retryNow();
			}
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
			// With channels, the lock screen names the language playing under the stream's title.
			const channel = this.#channels.find((entry) => entry.id === this.#channel);
			navigator.mediaSession.metadata = new MediaMetadata({
				title: this.#view.title,
				artist: channel ? channel.name : this.#strings.subtitle,
				album: location.host,
			});
		}
	}
}
