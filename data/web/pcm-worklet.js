// AudioWorklet processor of the PCM engine (pcm-engine.js): plays decoded PCM chunks back to back, sample-exact (gapless).
// Runs on the audio thread, so a busy page does not starve it. It owns the jitter buffer:
// - starts once `target` ms are queued, dropping any older backlog (the join burst); restarts after running dry
//   once `target` ms are queued again, keeping all of it: what arrives after a cut or a freeze is the audio the
//   server resumed, and the page's rate control plays it off faster (the page may change the target while it plays:
//   a larger one after an underrun);
// - plays at the rate the page asks for (within a few percent) by splicing, so the pitch does not change;
// - on 'jump', fades out, drops the backlog down to `target` ms and fades in;
// - reports what is queued (now and its low point since the last report: how close it came to running dry), the
//   capture time at the play head and its underruns about 50 times a second.

const FADE_FRAMES = 256; // ~5 ms: no click when sound starts, stops or jumps
const SPLICE_EVERY_S = 0.05; // how often the rate control may splice
const MIN_SPLICE = 96; // frames (2 ms): smaller debts wait
const SPLICE_SEARCH = 480; // frames searched around the wanted offset: 10 ms, a period of 100 Hz
const CROSSFADE_FRAMES = 128; // ~2.7 ms crossfade at a splice
const REPORT_EVERY_QUANTA = 8;

class PcmPlayer extends AudioWorkletProcessor {
	constructor(options) {
		super();
		this.targetMs = options.processorOptions?.targetMs ?? 150;
		this.queue = []; // {left, right, captureMs, sampleRate}
		this.queuedFrames = 0; // source frames queued, counting from the play position
		this.position = 0; // fractional index into queue[0]
		this.rate = 1;
		this.state = 'idle'; // idle -> playing <-> starved
		this.underruns = 0;
		this.lowMs = Infinity; // the least queued while playing since the last report
		this.playedFrames = 0; // source frames played
		this.gain = 0; // ramps for fades
		this.fadeTo = 1;
		this.jumpPending = false;
		this.quanta = 0;
		this.settleFrames = 0;
		this.history = null; // the chunk played last, for splices that step back
		this.splice = null; // {offset, done} while crossfading to position + offset
		this.spliceIn = 0; // output frames until the next splice may be made
		this.spliceDebt = 0; // frames the rate asked to skip (+) or repeat (−) that no splice has made yet
		this.scratchHere = new Float32Array(CROSSFADE_FRAMES);
		this.scratchThere = new Float32Array(SPLICE_SEARCH + CROSSFADE_FRAMES + 2);
		this.port.onmessage = (event) => this.onMessage(event.data);
	}

	onMessage(message) {
		if (message.type === 'audio') {
			const [left, right = left] = message.channels;
			this.queue.push({ left, right, captureMs: message.captureMs, sampleRate: message.sampleRate });
			this.queuedFrames += left.length;
		} else if (message.type === 'rate') {
			this.rate = message.rate;
		} else if (message.type === 'target') {
			this.targetMs = message.targetMs;
		} else if (message.type === 'jump') {
			this.jumpPending = true;
			this.fadeTo = 0;
		} else if (message.type === 'reset') {
			this.queue = [];
			this.queuedFrames = 0;
			this.position = 0;
			this.history = null;
			this.splice = null;
			this.state = 'idle';
		}
	}

	sourceRate() {
		return this.queue.length ? this.queue[0].sampleRate : sampleRate;
	}

	bufferedMs() {
		return ((this.queuedFrames - this.position) / this.sourceRate()) * 1000;
	}

	// Drops the oldest queued audio so that `keepMs` remain.
	dropTo(keepMs) {
		this.position = Math.max(0, this.position); // what is left of the last chunk is behind us
		this.history = null;
		let excess = this.queuedFrames - this.position - (keepMs / 1000) * this.sourceRate();
		while (excess > 0 && this.queue.length) {
			const length = this.queue[0].left.length;
			const rest = length - this.position;
			if (rest <= excess) {
				this.queue.shift();
				this.queuedFrames -= length;
				this.position = 0;
				excess -= rest;
			} else {
				this.position += excess;
				excess = 0;
			}
		}
	}

	// The sample at `index` frames from the start of queue[0]; negative indexes reach into the chunk played last.
	sampleAt(channel, index) {
		if (index < 0) {
			const data = this.history && (channel === 0 ? this.history.left : this.history.right);
			return data && data.length + index >= 0 ? data[data.length + index] : 0;
		}
		let i = index;
		for (const chunk of this.queue) {
			const data = channel === 0 ? chunk.left : chunk.right;
			if (i < data.length) {
				return data[i];
			}
			i -= data.length;
		}
		return 0;
	}

	// The sample at a fractional position (linear interpolation; only used when the stream's rate is not the
	// context's).
	read(channel, position) {
		const index = Math.floor(position);
		const a = this.sampleAt(channel, index);
		const frac = position - index;
		return frac === 0 ? a : a + (this.sampleAt(channel, index + 1) - a) * frac;
	}

	// Time-scaling that keeps the pitch: the play position skips ahead (faster) or back (slower) by the time the
	// rate has gained or lost so far, at the offset where the sound best matches itself (SOLA: waveform similarity
	// within a 10 ms window, so periodic sound lines up), with a short crossfade. Returns the offset in frames,
	// 0 when no splice can be made now.
	findSplice(wanted) {
		const sign = Math.sign(wanted);
		const position = Math.floor(this.position);
		const ahead = this.queuedFrames - position - CROSSFADE_FRAMES * 2; // room to skip forward
		const behind = position + (this.history ? this.history.left.length : 0); // room to step back
		const room = sign > 0 ? ahead : behind;
		const low = Math.max(16, Math.abs(wanted) - SPLICE_SEARCH / 2);
		const high = Math.min(room, Math.abs(wanted) + SPLICE_SEARCH / 2);
		if (high < low) {
			return 0;
		}
		// Mono copies of the sound at the play position and of the region the splice may land in.
		const here = this.scratchHere;
		for (let i = 0; i < CROSSFADE_FRAMES; i++) {
			here[i] = this.sampleAt(0, position + i) + this.sampleAt(1, position + i);
		}
		const first = sign > 0 ? position + low : position - high;
		const span = high - low + CROSSFADE_FRAMES;
		const there = this.scratchThere;
		for (let i = 0; i < span; i++) {
			there[i] = this.sampleAt(0, first + i) + this.sampleAt(1, first + i);
		}
		let best = 0;
		let bestScore = -Infinity;
		for (let j = 0; j <= high - low; j++) {
			let dot = 0;
			let energy = 1e-9;
			for (let i = 0; i < CROSSFADE_FRAMES; i += 2) {
				const b = there[j + i];
				dot += here[i] * b;
				energy += b * b;
			}
			const score = dot / Math.sqrt(energy);
			if (score > bestScore) {
				bestScore = score;
				best = first + j - position;
			}
		}
		return best;
	}

	process(_inputs, outputs) {
		const out = outputs[0];
		const left = out[0];
		const right = out[1] ?? out[0];
		const frames = left.length;
		if (this.state !== 'playing') {
			if (this.bufferedMs() >= this.targetMs) {
				if (this.state === 'idle') {
					// The first start: the join burst is older than the listener needs.
					this.dropTo(this.targetMs);
					this.settleFrames = sampleRate / 2;
				}
				this.state = 'playing';
				this.gain = 0;
				this.fadeTo = 1;
			} else {
				left.fill(0);
				right.fill(0);
				this.report();
				return true;
			}
		}
		if (this.settleFrames > 0) {
			// Just started: the rest of the join burst may still be arriving. Cut back to the target once.
			this.settleFrames -= frames;
			if (this.bufferedMs() > this.targetMs + 60 && !this.jumpPending) {
				this.jumpPending = true;
				this.fadeTo = 0;
				this.settleFrames = 0;
			}
		}
		this.lowMs = Math.min(this.lowMs, this.bufferedMs());
		const step = this.sourceRate() / sampleRate; // 1 unless the stream's rate is not the context's
		this.spliceIn -= frames;
		if (this.spliceIn <= 0) {
			this.spliceIn = SPLICE_EVERY_S * sampleRate;
			// What the rate asks for accumulates until a splice can pay it off where the sound lines up.
			this.spliceDebt = this.rate === 1 ? 0 : this.spliceDebt + SPLICE_EVERY_S * this.sourceRate() * (this.rate - 1);
			if (Math.abs(this.spliceDebt) >= MIN_SPLICE && !this.splice && !this.jumpPending) {
				const offset = this.findSplice(Math.round(this.spliceDebt));
				if (offset !== 0) {
					this.splice = { offset, done: 0 };
					this.spliceDebt -= offset;
				}
			}
		}
		const fadeStep = 1 / FADE_FRAMES;
		for (let i = 0; i < frames; i++) {
			if (this.queue.length === 0) {
				// Ran dry: silence until enough is queued again.
				left.fill(0, i);
				right.fill(0, i);
				this.state = 'starved';
				this.splice = null;
				this.underruns++;
				break;
			}
			let l = this.read(0, this.position);
			let r = this.read(1, this.position);
			const splice = this.splice;
			if (splice) {
				const w = (splice.done + 1) / (CROSSFADE_FRAMES + 1);
				l = l * (1 - w) + this.read(0, this.position + splice.offset) * w;
				r = r * (1 - w) + this.read(1, this.position + splice.offset) * w;
				if (++splice.done === CROSSFADE_FRAMES) {
					this.position += splice.offset;
					this.playedFrames += splice.offset;
					this.splice = null;
				}
			}
			if (this.gain !== this.fadeTo) {
				this.gain = this.gain < this.fadeTo
					? Math.min(this.fadeTo, this.gain + fadeStep)
					: Math.max(this.fadeTo, this.gain - fadeStep);
			}
			left[i] = l * this.gain;
			right[i] = r * this.gain;
			this.position += step;
			this.playedFrames += step;
			while (this.queue.length && this.position >= this.queue[0].left.length) {
				const length = this.queue[0].left.length;
				this.position -= length;
				this.queuedFrames -= length;
				this.history = this.queue.shift();
			}
			if (this.jumpPending && this.gain === 0) {
				this.jumpPending = false;
				this.splice = null;
				this.dropTo(this.targetMs);
				this.fadeTo = 1;
			}
		}
		this.report();
		return true;
	}

	report() {
		if (++this.quanta % REPORT_EVERY_QUANTA !== 0) {
			return;
		}
		const head = this.queue[0];
		const playing = this.state === 'playing' && head;
		this.port.postMessage({
			type: 'report',
			state: this.state,
			bufferedMs: this.bufferedMs(),
			lowMs: Number.isFinite(this.lowMs) ? this.lowMs : null,
			captureMs: playing && head.captureMs !== null ? head.captureMs + (this.position / head.sampleRate) * 1000 : null,
			playedSeconds: this.playedFrames / this.sourceRate(),
			contextTime: currentTime, // the audio clock's time, to relate playedSeconds to
			underruns: this.underruns,
		});
		this.lowMs = Infinity;
	}
}

registerProcessor('pcm-player', PcmPlayer);
