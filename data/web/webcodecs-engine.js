// Playback through WebCodecs and Web Audio, for browsers whose Media Source Extensions do not take audio/mpeg
// (Firefox): an AudioDecoder('mp3') turns each MPEG frame into PCM, and an AudioWorklet (pcm-worklet.js) plays the
// PCM back to back, sample-exact, holding the buffer near the target with the same RateController as the MSE path.
// Both APIs exist only in secure contexts (https, or http on localhost).

import { RateController, START_HEADROOM_MS } from './latency.js';
import { splitFrames } from './mp3-frames.js';

const CONTROL_INTERVAL_MS = 100;
const WORKLET_URL = new URL('pcm-worklet.js', import.meta.url).href;
const workletsLoaded = new WeakMap(); // AudioContext -> Promise of addModule

export async function webCodecsSupported() {
	if (
		typeof AudioDecoder === 'undefined' ||
		typeof EncodedAudioChunk === 'undefined' ||
		typeof AudioWorkletNode === 'undefined'
	) {
		return false;
	}
	try {
		const result = await AudioDecoder.isConfigSupported({ codec: 'mp3', sampleRate: 48000, numberOfChannels: 2 });
		return result.supported === true;
	} catch {
		return false;
	}
}

export class WebCodecsEngine {
	#output;
	#hooks;
	#controller;
	#node = null;
	#decoder = null;
	#config = null; // {sampleRate, numberOfChannels} the decoder was set up for
	#timestampUs = 0; // running timestamp of the next frame given to the decoder
	#captures = new Map(); // timestamp (µs) -> capture time (ms) of frames being decoded
	#last = { timestampUs: 0, captureMs: null }; // of the last decoded output, to follow on when a frame has none
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

	// output: AudioOutput; hooks: onPlaying() (first sound), onUnderrun() → whether it counts, onDecodeError(error);
	// buffer: {targetMs, adaptive} (see RateController)
	constructor(output, hooks, buffer) {
		this.#output = output;
		this.#hooks = hooks;
		this.#controller = new RateController(buffer.targetMs, {
			adaptive: buffer.adaptive,
			startMs: buffer.targetMs + START_HEADROOM_MS,
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

	// Decodes that failed. Each failure costs the decoder, which is replaced at the next event; whether the path
	// still gives sound is for the page to judge (sound-watch.js), not for this count.
	get decodeErrors() {
		return this.#decodeErrors;
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

	push(bytes, captureMs) {
		if (this.#stopped) {
			return;
		}
		const split = splitFrames(bytes);
		if (split.frames.length === 0) {
			return;
		}
		if (!this.#ensureDecoder(split.sampleRate, split.channels)) {
			return;
		}
		const frameUs = (split.samples / split.frames.length / split.sampleRate) * 1e6;
		split.frames.forEach(({ offset, length }, i) => {
			const timestamp = Math.round(this.#timestampUs);
			this.#timestampUs += frameUs;
			if (captureMs !== null) {
				this.#captures.set(timestamp, captureMs + (i * frameUs) / 1000);
			}
			if (!this.#decoder) {
				return; // failed on an earlier frame of this event: a new decoder takes the next event
			}
			try {
				this.#decoder.decode(
					new EncodedAudioChunk({ type: 'key', timestamp, data: bytes.subarray(offset, offset + length) })
				);
			} catch (error) {
				this.#onDecoderError(error);
			}
		});
	}

	stop() {
		this.#stopped = true;
		clearInterval(this.#timer);
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = null;
		if (this.#node) {
			this.#node.port.onmessage = null;
			this.#node.disconnect();
			this.#node = null;
		}
	}

	#ensureDecoder(sampleRate, numberOfChannels) {
		const config = this.#config;
		if (this.#decoder && this.#decoder.state === 'configured' && config.sampleRate === sampleRate &&
			config.numberOfChannels === numberOfChannels) {
			return true;
		}
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = new AudioDecoder({
			output: (data) => this.#onDecoded(data),
			error: (error) => this.#onDecoderError(error),
		});
		this.#config = { codec: 'mp3', sampleRate, numberOfChannels };
		this.#decoder.configure(this.#config);
		return true;
	}

	#onDecoderError(error) {
		// A closed decoder is replaced at the next event; the worklet keeps playing what it has meanwhile.
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = null;
		this.#decodeErrors++;
		this.#hooks.onDecodeError(error);
	}

	#onDecoded(data) {
		try {
			if (!this.#node) {
				return;
			}
			const frames = data.numberOfFrames;
			const channels = [];
			for (let ch = 0; ch < Math.min(2, data.numberOfChannels); ch++) {
				const plane = new Float32Array(frames);
				data.copyTo(plane, { planeIndex: ch, format: 'f32-planar' });
				channels.push(plane);
			}
			const captureMs = this.#captureOf(data.timestamp);
			this.#node.port.postMessage(
				{ type: 'audio', channels, captureMs, sampleRate: data.sampleRate },
				channels.map((plane) => plane.buffer)
			);
		} finally {
			data.close();
		}
	}

	// The capture time of decoded output at `timestamp`: its own frame's when known, else following the last one.
	#captureOf(timestamp) {
		let captureMs = this.#captures.get(timestamp);
		for (const key of this.#captures.keys()) {
			if (key > timestamp) {
				break;
			}
			this.#captures.delete(key);
		}
		if (captureMs === undefined) {
			const last = this.#last;
			captureMs = last.captureMs === null ? null : last.captureMs + (timestamp - last.timestampUs) / 1000;
		}
		this.#last = { timestampUs: timestamp, captureMs };
		return captureMs;
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
