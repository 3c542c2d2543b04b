// "Hear the floor underneath": while an interpretation plays, the first channel (the floor) mixed in lower, so a
// listener hears the speaker's voice under the interpreter's. A connection of its own to the floor's stream, its
// own decoder and AudioWorklet (pcm-engine.js) behind a gain, into the page's graph before the volume and the meter.
//
// Kept in step by capture times: both channels come from the same OBS mix, so the same capture time is the same
// moment on the floor and on the chosen channel. Every SYNC_INTERVAL_MS the floor's buffer target is set to what
// makes its play head's capture time equal the chosen channel's: its buffer now plus how far it plays ahead. The
// rate control (latency.js) then moves it there smoothly, pitch kept. Only on the paths that decode in the page
// (webcodecs, webaudio): the others have no play head to follow this closely.

import { CaptureTimeline } from './latency.js';
import { splitFrames } from './mp3-frames.js';
import { PcmEngine } from './pcm-engine.js';
import { SseTransport } from './transport.js';

const SYNC_INTERVAL_MS = 250;
const SYNC_DEADBAND_MS = 10; // closer than this is in step: the target is left alone
const MIN_TARGET_MS = 40;
const MAX_TARGET_MS = 2000;
export const DEFAULT_FLOOR_VOLUME = 0.3;

export class FloorMix {
	#output;
	#gain;
	#engine;
	#transport;
	#timeline = new CaptureTimeline();
	#mainCaptureMs;
	#timer = 0;
	#offsetMs = null;

	// output: AudioOutput; decoder: the path ('webcodecs' or 'webaudio'); url: the floor's /stream address;
	// mainCaptureMs(): the capture time at the chosen channel's play head, or null; startTargetMs: the buffer to
	// start from (the chosen channel's).
	constructor({ output, decoder, url, mainCaptureMs, startTargetMs, volume }) {
		this.#output = output;
		this.#mainCaptureMs = mainCaptureMs;
		this.#gain = output.context.createGain();
		this.#gain.gain.value = volume;
		this.#gain.connect(output.input);
		// The engine sees the gain as its output: only the context and the input are used.
		const into = { context: output.context, input: this.#gain };
		const hooks = {
			onPlaying: () => {},
			onUnderrun: () => false, // the floor's running dry is neither counted nor a reason to hold more
			onDecodeError: () => {},
		};
		this.#engine = new PcmEngine(into, decoder, hooks, { targetMs: startTargetMs, adaptive: false });
		this.#transport = new SseTransport(url, {
			onAudio: (bytes) => this.#onAudio(bytes),
			onTiming: (timing) => this.#timeline.onTiming(timing.captureMs),
			onState: () => {},
			onReconnect: () => {},
			onStopped: () => {},
		});
	}

	// How far the floor's play head is ahead of the chosen channel's, in capture time (ms), or null while unknown.
	get offsetMs() {
		return this.#offsetMs;
	}

	get volume() {
		return this.#gain.gain.value;
	}

	setVolume(volume) {
		// A short ramp: a slider's steps would click.
		this.#gain.gain.setTargetAtTime(volume, this.#output.context.currentTime, 0.02);
	}

	async start() {
		this.#transport.start();
		this.#timer = setInterval(() => this.#sync(), SYNC_INTERVAL_MS);
		await this.#engine.start();
	}

	stop() {
		clearInterval(this.#timer);
		this.#transport.stop();
		this.#engine.stop();
		this.#gain.disconnect();
		this.#offsetMs = null;
	}

	#onAudio(bytes) {
		const { samples, sampleRate } = splitFrames(bytes);
		const durationMs = sampleRate ? (samples / sampleRate) * 1000 : 0;
		this.#engine.push(bytes, this.#timeline.onAudio(durationMs), durationMs);
	}

	#sync() {
		const mine = this.#engine.playheadCaptureMs;
		const main = this.#mainCaptureMs();
		if (mine === null || main === null) {
			this.#offsetMs = null;
			return;
		}
		this.#offsetMs = Math.round(mine - main);
		if (Math.abs(this.#offsetMs) < SYNC_DEADBAND_MS) {
			return;
		}
		const wanted = Math.min(MAX_TARGET_MS, Math.max(MIN_TARGET_MS, this.#engine.bufferedMs + this.#offsetMs));
		if (Math.abs(wanted - this.#engine.targetMs) >= SYNC_DEADBAND_MS) {
			this.#engine.setTargetMs(Math.round(wanted));
		}
	}
}
