// MP3 to PCM with WebCodecs: an AudioDecoder('mp3') fed frame by frame, each with a running timestamp from which
// its output finds the capture time of its frame again. A decode error costs the decoder, which is replaced at the
// next event; what was already decoded plays on.

import { splitFrames } from './mp3-frames.js';

export class WebCodecsDecoder {
	#onDecoded;
	#onError;
	#decoder = null;
	#config = null; // {sampleRate, numberOfChannels} the decoder was set up for
	#timestampUs = 0; // running timestamp of the next frame given to the decoder
	#captures = new Map(); // timestamp (µs) -> capture time (ms) of frames being decoded
	#last = { timestampUs: 0, captureMs: null }; // of the last decoded output, to follow on when a frame has none

	// onDecoded({channels, captureMs, sampleRate}); onError(error)
	constructor({ onDecoded, onError }) {
		this.#onDecoded = onDecoded;
		this.#onError = onError;
	}

	// bytes: whole MP3 frames; captureMs: capture time of their first sample (null when unknown).
	decode(bytes, captureMs) {
		const split = splitFrames(bytes);
		if (split.frames.length === 0) {
			return;
		}
		this.#ensureDecoder(split.sampleRate, split.channels);
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
				this.#failed(error);
			}
		});
	}

	close() {
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = null;
		this.#onDecoded = () => {};
	}

	#ensureDecoder(sampleRate, numberOfChannels) {
		const config = this.#config;
		if (this.#decoder && this.#decoder.state === 'configured' && config.sampleRate === sampleRate &&
			config.numberOfChannels === numberOfChannels) {
			return;
		}
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = new AudioDecoder({
			output: (data) => this.#output(data),
			error: (error) => this.#failed(error),
		});
		this.#config = { codec: 'mp3', sampleRate, numberOfChannels };
		this.#decoder.configure(this.#config);
	}

	#failed(error) {
		// A closed decoder is replaced at the next event.
		if (this.#decoder && this.#decoder.state !== 'closed') {
			this.#decoder.close();
		}
		this.#decoder = null;
		this.#onError(error);
	}

	#output(data) {
		try {
			const frames = data.numberOfFrames;
			const channels = [];
			for (let ch = 0; ch < Math.min(2, data.numberOfChannels); ch++) {
				const plane = new Float32Array(frames);
				data.copyTo(plane, { planeIndex: ch, format: 'f32-planar' });
				channels.push(plane);
			}
			this.#onDecoded({ channels, captureMs: this.#captureOf(data.timestamp), sampleRate: data.sampleRate });
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
}
