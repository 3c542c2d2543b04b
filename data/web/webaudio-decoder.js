// MP3 to PCM with Web Audio's decodeAudioData, for browsers whose WebCodecs does not decode MP3 (WebKit).
// decodeAudioData takes a whole file, not a stream, so frames are decoded in small batches, one batch at a time,
// and each batch is made continuous with the one before:
// - an MP3 frame's audio may start in earlier frames (the bit reservoir) and its synthesis overlaps the frame
//   before, so each batch is decoded with the PRIMER_FRAMES frames before it in front, and only the samples of the
//   batch's own frames (the tail of the output) are kept;
// - a batch is whatever arrived while the previous one decoded, at least MIN_BATCH_FRAMES: few calls, little delay
//   (WebKitGTK decodes a batch in ~5 ms).
// The output is at the AudioContext's rate (the page runs it at the stream's rate, so nothing is resampled).

import { splitFrames } from './mp3-frames.js';

const PRIMER_FRAMES = 4; // the reservoir reaches back 511 bytes: 3 frames at 64 kbps, and one more for the overlap
const MIN_BATCH_FRAMES = 2;
// What batching adds to the buffer the page should hold: one batch waits for its second frame (at 48 kHz).
export const BATCH_MS = Math.ceil(((MIN_BATCH_FRAMES * 1152) / 48000) * 1000);

export class WebAudioDecoder {
	#context;
	#onDecoded;
	#onError;
	#pending = []; // {bytes, captureMs, samples, sampleRate, channels}: frames waiting for the next batch
	#primer = []; // the last frames decoded, put in front of the next batch
	#busy = false;
	#closed = false;

	// context: the AudioContext the PCM plays in; onDecoded({channels, captureMs, sampleRate}); onError(error)
	constructor({ context, onDecoded, onError }) {
		this.#context = context;
		this.#onDecoded = onDecoded;
		this.#onError = onError;
	}

	// bytes: whole MP3 frames; captureMs: capture time of their first sample (null when unknown).
	decode(bytes, captureMs) {
		const split = splitFrames(bytes);
		const frameMs = split.frames.length ? (split.samples / split.frames.length / split.sampleRate) * 1000 : 0;
		split.frames.forEach(({ offset, length }, i) => {
			this.#pending.push({
				bytes: bytes.subarray(offset, offset + length),
				captureMs: captureMs === null ? null : captureMs + i * frameMs,
				samples: split.samples / split.frames.length,
				sampleRate: split.sampleRate,
				channels: split.channels,
			});
		});
		this.#next();
	}

	close() {
		this.#closed = true;
		this.#pending = [];
		this.#primer = [];
	}

	async #next() {
		if (this.#busy || this.#closed || this.#pending.length < MIN_BATCH_FRAMES) {
			return;
		}
		this.#busy = true;
		const batch = this.#pending;
		this.#pending = [];
		const first = batch[0];
		// Frames of another format (the streamer changed the sample rate) cannot prime this batch.
		const primer = this.#primer.filter((f) => f.sampleRate === first.sampleRate && f.channels === first.channels);
		const frames = [...primer, ...batch];
		this.#primer = frames.slice(-PRIMER_FRAMES);
		const file = new Uint8Array(frames.reduce((sum, f) => sum + f.bytes.byteLength, 0));
		let at = 0;
		for (const f of frames) {
			file.set(f.bytes, at);
			at += f.bytes.byteLength;
		}
		try {
			const decoded = await this.#context.decodeAudioData(file.buffer);
			if (!this.#closed) {
				this.#deliver(decoded, batch);
			}
		} catch (error) {
			if (!this.#closed) {
				this.#primer = []; // what follows a broken batch cannot lean on it
				this.#onError(error);
			}
		} finally {
			this.#busy = false;
			this.#next();
		}
	}

	// The batch's own samples are the tail of `decoded` (the primer's come first, and a decoder may skip a primer
	// frame whose reservoir it did not have).
	#deliver(decoded, batch) {
		const sourceSamples = batch.reduce((sum, f) => sum + f.samples, 0);
		const wanted = Math.min(decoded.length, Math.round((sourceSamples * decoded.sampleRate) / batch[0].sampleRate));
		if (wanted <= 0) {
			return;
		}
		const from = decoded.length - wanted;
		const channels = [];
		for (let ch = 0; ch < Math.min(2, decoded.numberOfChannels); ch++) {
			channels.push(decoded.getChannelData(ch).slice(from));
		}
		this.#onDecoded({ channels, captureMs: batch[0].captureMs, sampleRate: decoded.sampleRate });
	}
}
