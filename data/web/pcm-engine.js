// Playback of decoded PCM through the page's own AudioWorklet (pcm-worklet.js): the lowest delay, since the worklet
// is the only buffer, and sample-exact (gapless). The MP3 is decoded by either of two decoders, chosen by the page
// from what this browser really decodes (codec-probes.js):
// - 'webcodecs': WebCodecs AudioDecoder('mp3'), frame by frame (webcodecs-decoder.js; Chromium, Firefox);
// - 'webaudio': Web Audio's decodeAudioData on small batches of frames (webaudio-decoder.js; WebKit, whose
//   AudioDecoder fails MP3).
// The buffer is held near the target with the same RateController as the Media Source path. An AudioWorklet exists
// only in secure contexts (https, or http on localhost).

import { RateController, START_HEADROOM_MS } from './latency.js';
import { WebAudioDecoder } from './webaudio-decoder.js';
import { WebCodecsDecoder } from './webcodecs-decoder.js';

const CONTROL_INTERVAL_MS = 100;
const WORKLET_URL = new URL('pcm-worklet.js', import.meta.url).href;
const workletsLoaded = new WeakMap(); // AudioContext -> Promise of addModule
const DECODERS = { webcodecs: WebCodecsDecoder, webaudio: WebAudioDecoder };

export class PcmEngine {
	#output;
	#hooks;
	#controller;
	#decoder;
	#node = null;
	#report = null;
	#lowMs = null; // the worklet's lowest queue since the last control step
	#reportAt = 0;
	#timer = 0;
	#started = false;
	#stopped = false;
	#playedOnce = false;
	#underruns = 0;
	#jumps = 0;
	#decodeErrors = 0;

	// output: AudioOutput; decoder: 'webcodecs' or 'webaudio'; hooks: onPlaying() (first sound), onUnderrun() →
	// whether it counts, onDecodeError(error); buffer: {targetMs, adaptive} (see RateController)
	constructor(output, decoder, hooks, buffer) {
		this.#output = output;
		this.#hooks = hooks;
		this.#controller = new RateController(buffer.targetMs, {
			adaptive: buffer.adaptive,
			startMs: buffer.targetMs + START_HEADROOM_MS,
		});
		this.#decoder = new DECODERS[decoder]({
			context: output.context,
			onDecoded: (pcm) => this.#onDecoded(pcm),
			onError: (error) => {
				this.#decodeErrors++;
				this.#hooks.onDecodeError(error);
			},
		});
	}

	get targetMs() {
		return this.#controller.targetMs;
	}

	get bufferedMs() {
		return this.#report ? Math.round(this.#report.bufferedMs) : 0;
	}

	get rate() {
		return this.#controller.rate;
	}

	get currentTime() {
		return this.#report ? this.#report.playedSeconds : 0;
	}

	get underruns() {
		return this.#underruns;
	}

	get jumps() {
		return this.#jumps;
	}

	// Decodes that failed. Each costs the audio it held (the decoder goes on with the next event); whether the path
	// still gives sound is for the page to judge (sound-watch.js), not for this count.
	get decodeErrors() {
		return this.#decodeErrors;
	}

	// Holds `targetMs` from now on (a fixed target: the floor mix keeps its delay on the chosen channel's).
	setTargetMs(targetMs) {
		this.#controller.retarget(targetMs);
		this.#node?.port.postMessage({ type: 'target', targetMs });
	}

	// The buffer ran low since `sinceMs` because the network froze: take back what that added to the target.
	onFreeze(sinceMs) {
		if (this.#controller.forgiveSince(sinceMs)) {
			this.#node?.port.postMessage({ type: 'target', targetMs: this.#controller.targetMs });
		}
	}

	get playheadCaptureMs() {
		const report = this.#report;
		if (!report || report.captureMs === null || report.state !== 'playing') {
			return null;
		}
		// The report is up to ~20 ms old: the play head moved on since, at the current rate.
		return report.captureMs + (performance.now() - this.#reportAt) * this.#controller.rate;
	}

	async start() {
		const context = this.#output.context;
		if (!workletsLoaded.has(context)) {
			workletsLoaded.set(context, context.audioWorklet.addModule(WORKLET_URL));
		}
		await workletsLoaded.get(context);
		if (this.#stopped) {
			return;
		}
		this.#node = new AudioWorkletNode(context, 'pcm-player', {
			numberOfInputs: 0,
			numberOfOutputs: 1,
			outputChannelCount: [2],
			processorOptions: { targetMs: this.#controller.targetMs },
		});
		this.#node.port.onmessage = (event) => this.#onReport(event.data);
		this.#node.connect(this.#output.input);
		this.#timer = setInterval(() => this.#control(), CONTROL_INTERVAL_MS);
		this.#started = true;
	}

	// bytes: whole MP3 frames; captureMs: capture time of their first sample (null when unknown).
	push(bytes, captureMs) {
		if (!this.#stopped) {
			this.#decoder.decode(bytes, captureMs);
		}
	}

	stop() {
		this.#stopped = true;
		clearInterval(this.#timer);
		this.#decoder.close();
		if (this.#node) {
			this.#node.port.onmessage = null;
			this.#node.disconnect();
			this.#node = null;
		}
	}

	// pcm: {channels: Float32Array per channel, captureMs, sampleRate}
	#onDecoded({ channels, captureMs, sampleRate }) {
		this.#node?.port.postMessage(
			{ type: 'audio', channels, captureMs, sampleRate },
			channels.map((plane) => plane.buffer)
		);
	}

	#onReport(report) {
		if (report.type !== 'report') {
			return;
		}
		this.#report = report;
		this.#reportAt = performance.now();
		if (report.lowMs !== null) {
			this.#lowMs = this.#lowMs === null ? report.lowMs : Math.min(this.#lowMs, report.lowMs);
		}
		if (report.state === 'playing' && !this.#playedOnce) {
			this.#playedOnce = true;
			this.#hooks.onPlaying();
		}
		if (report.underruns > this.#underruns) {
			this.#underruns = report.underruns;
			// Only an underrun the player is to blame for (not a dropped link) asks for a larger buffer.
			if (this.#hooks.onUnderrun() && this.#controller.onUnderrun()) {
				this.#node?.port.postMessage({ type: 'target', targetMs: this.#controller.targetMs });
			}
		}
	}

	#control() {
		const report = this.#report;
		if (!this.#started || !report || report.state !== 'playing') {
			return;
		}
		const before = this.#controller.targetMs;
		const { rate, jump } = this.#controller.update(report.bufferedMs, this.#lowMs);
		this.#lowMs = null;
		if (this.#controller.targetMs !== before) {
			this.#node.port.postMessage({ type: 'target', targetMs: this.#controller.targetMs });
		}
		if (jump) {
			this.#jumps++;
			this.#controller.reset();
			this.#node.port.postMessage({ type: 'jump' });
			this.#node.port.postMessage({ type: 'rate', rate: 1 });
		} else {
			this.#node.port.postMessage({ type: 'rate', rate });
		}
	}
}
