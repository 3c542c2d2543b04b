// Delay measurement and low-delay control, shared by every playback engine.
//
// The server says, in `event: timing`, at what wall-clock time (ms since the epoch, the server's clock) the first
// sample of the next audio event entered the output. Each later event follows the previous one by its duration,
// so every sample has a capture time. The delay is the server's "now" minus the capture time of the sample being
// played, plus what the audio output adds after the page hands the sound over.

export const TARGET_BUFFER_MS = 150; // sound kept ahead of the play head
export const MAX_RATE_CHANGE = 0.05; // playbackRate stays within 1 ± this
const CLOCK_SAMPLES = 40; // timing events remembered for the clock offset (about 40 s)

// Estimates the offset between this machine's clock and the server's: the smallest (receive time − server_ms)
// over recent timing events. The smallest is the one that travelled fastest, so it holds the least transit time;
// what remains is the true offset plus the fastest one-way trip (well under a millisecond on a LAN).
export class ClockSync {
	#offsets = [];

	add(serverMs, receivedAtMs) {
		this.#offsets.push(receivedAtMs - serverMs);
		if (this.#offsets.length > CLOCK_SAMPLES) {
			this.#offsets.shift();
		}
	}

	reset() {
		this.#offsets = [];
	}

	get known() {
		return this.#offsets.length > 0;
	}

	// local clock − server clock, in ms (0 until the first timing event)
	get offsetMs() {
		return this.#offsets.length ? Math.min(...this.#offsets) : 0;
	}

	// The server's wall clock now, as well as this page can tell.
	serverNow() {
		return performance.timeOrigin + performance.now() - this.offsetMs;
	}
}

// Gives each audio event the capture time of its first sample: from a timing event when one came just before it,
// else continuing from the previous event. null until the first timing event.
export class CaptureTimeline {
	#anchor = null;
	#next = null;

	onTiming(captureMs) {
		this.#anchor = captureMs;
	}

	// Called for every audio event in order; returns its capture time (ms) or null.
	onAudio(durationMs) {
		const start = this.#anchor ?? this.#next;
		this.#anchor = null;
		this.#next = start === null ? null : start + durationMs;
		return start;
	}

	reset() {
		this.#anchor = null;
		this.#next = null;
	}
}

// Holds the buffer near the target: a playbackRate a little above 1 when too much is buffered, a little below when
// too little, 1 in between; a jump to the live edge when far too much is buffered (e.g. after the tab slept).
// The rate moves in small steps so the change is not heard.
export class RateController {
	#targetMs;
	#averageMs = null;
	#rate = 1;

	constructor(targetMs = TARGET_BUFFER_MS) {
		this.#targetMs = targetMs;
	}

	get targetMs() {
		return this.#targetMs;
	}

	get rate() {
		return this.#rate;
	}

	get averageMs() {
		return this.#averageMs;
	}

	reset() {
		this.#averageMs = null;
		this.#rate = 1;
	}

	// Feed the buffered-ahead figure about every 100 ms. Returns {rate, jump}; after a jump, call reset().
	update(bufferedMs) {
		// The buffer saw-tooths by one event (24 ms) and by network jitter: follow its average over about a second.
		this.#averageMs = this.#averageMs === null ? bufferedMs : this.#averageMs * 0.9 + bufferedMs * 0.1;
		const error = this.#averageMs - this.#targetMs;
		if (bufferedMs > this.#targetMs + 600 || error > 400) {
			return { rate: this.#rate, jump: true };
		}
		let wanted = 1;
		if (Math.abs(error) > 25) {
			// 100 ms off target asks for 4 %; the cap is MAX_RATE_CHANGE.
			wanted = 1 + Math.max(-MAX_RATE_CHANGE, Math.min(MAX_RATE_CHANGE, error * 0.0004));
		}
		const step = 0.005; // per update: at most 5 % in one second
		this.#rate += Math.max(-step, Math.min(step, wanted - this.#rate));
		this.#rate = Math.round(this.#rate * 1000) / 1000;
		return { rate: this.#rate, jump: false };
	}
}
